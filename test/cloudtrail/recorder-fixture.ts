// Shared by the recorder tests: a recorder over a fresh in-memory database per test, and the records it stored.
import { afterEach, beforeEach } from 'vitest'
import { sequentialIds, type Ids } from '../../src/core/ids.js'
import { serviceModels } from '../../src/generated/services.js'
import { cloudTrailRecorder, type CloudTrailRecord, type CloudTrailRecorder } from '../../src/services/cloudtrail/index.js'
import { decodeRecords } from '../../src/services/cloudtrail/event-store.js'
import { openDatabase, type Database } from '../../src/storage/database.js'

export interface RecorderUnderTest {
  readonly database: Database
  readonly recorder: CloudTrailRecorder
}

/**
 * Opens a database and a recorder before each test of the calling suite (with a flush interval no test waits for:
 * writes happen in a handler's transaction or on flush()) and closes them after it; `onError` throws. Ids are
 * sequentialIds() unless given (their event ids repeat after a few hundred: give randomIds to draw more).
 */
export function recorderPerTest(accountId: string, ids: Ids = sequentialIds()): RecorderUnderTest {
  const onError = (error: unknown) => { throw error }
  const current: { database?: Database; recorder?: CloudTrailRecorder } = {}
  beforeEach(async () => {
    current.database = await openDatabase({ url: ':memory:' })
    current.recorder = cloudTrailRecorder({ database: current.database, ids, models: serviceModels, defaultAccountId: accountId, onError, flushMs: 3_600_000 })
  })
  afterEach(async () => {
    await current.recorder!.close()
    await current.database!.close()
  })
  return {
    get database() { return current.database! },
    get recorder() { return current.recorder! },
  }
}

/** The stored records, read straight from the table. */
export async function storedRecords(database: Database): Promise<CloudTrailRecord[]> {
  return (await database.db.selectFrom('cloudtrail_event_batches').select('records').execute())
    .flatMap((row) => decodeRecords(row.records).split('\n').map((line) => JSON.parse(line) as CloudTrailRecord))
}
