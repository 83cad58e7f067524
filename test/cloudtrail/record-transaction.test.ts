// When records are written: a mutation's record commits in the transaction its handler commits (and not when that
// transaction rolls back); everything else is group-committed; subscribers hear each record once it is committed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CallRecord, StartedCall } from '../../src/audit/audit-sink.js'
import { sequentialIds } from '../../src/core/ids.js'
import { serviceModels } from '../../src/generated/services.js'
import { cloudTrailRecorder, type CloudTrailRecord, type CloudTrailRecorder } from '../../src/services/cloudtrail/index.js'
import { openDatabase, type Database } from '../../src/storage/database.js'
import { storedRecords } from './recorder-fixture.js'

const ACCOUNT = '000000000000'
const root = { type: 'Root' as const, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT, accessKeyId: 'AKIAROOTROOTROOTROOT' }
let requests = 0

function started(operation: string, readOnly: boolean, input: Record<string, unknown> = {}): StartedCall {
  return { requestId: `request-${++requests}`, time: new Date('2026-05-01T10:00:00.250Z'), service: 'iam', operation, caller: root, region: 'us-east-1', sourceIp: '192.0.2.1', readOnly, input }
}

function finished(call: StartedCall, outcome: Partial<CallRecord> = {}): CallRecord {
  return { ...call, status: 200, ...outcome }
}

describe('CloudTrail recorder', () => {
  let database: Database
  let recorder: CloudTrailRecorder
  const errors: unknown[] = []
  const heard: CloudTrailRecord[] = []

  beforeEach(async () => {
    database = await openDatabase({ url: ':memory:' })
    // A flush interval no test waits for: writes happen in the handler's transaction or on flush().
    recorder = cloudTrailRecorder({ database, ids: sequentialIds(), models: serviceModels, defaultAccountId: ACCOUNT, onError: (error) => errors.push(error), flushMs: 3_600_000 })
    recorder.events.subscribe((record) => heard.push(record))
    errors.length = 0
    heard.length = 0
  })
  afterEach(async () => {
    await recorder.close()
    await database.close()
  })

  it('asks the pipeline for a scope only around calls that may change something', () => {
    expect(recorder.scopes!(started('CreateUser', false, { UserName: 'dora' }))).toBe(true)
    expect(recorder.scopes!(started('GetUser', true, { UserName: 'dora' }))).toBe(false)
    // A data call no trail selects is not recorded at all; one a trail selects commits with its change.
    const putObject = { ...started('PutObject', false), service: 's3' }
    expect(recorder.scopes!(putObject)).toBe(false)
    const unsubscribe = recorder.events.subscribe(() => {}, { listening: () => true, coversDataEvents: (account) => account === ACCOUNT, selects: () => true })
    expect(recorder.scopes!(putObject)).toBe(true)
    unsubscribe()
  })

  it('writes a mutation\'s record in the transaction its handler commits, and completes it with the outcome later', async () => {
    const call = started('CreateUser', false, { UserName: 'dora' })
    let seenInside: CloudTrailRecord[] = []
    await recorder.during(call, async () => {
      await database.transaction(async (tx) => {
        expect(await tx.selectFrom('cloudtrail_event_batches').selectAll().execute()).toEqual([]) // not before the work is done
      })
      seenInside = await storedRecords(database)
    })
    expect(seenInside).toHaveLength(1)
    expect(seenInside[0]).toMatchObject({ eventName: 'CreateUser', requestParameters: { userName: 'dora' }, responseElements: null })
    expect(heard).toEqual([]) // subscribers hear the final record only

    recorder.record(finished(call, { output: { User: { UserName: 'dora', Path: '/' } } }))
    await recorder.flush()
    const [final] = await storedRecords(database)
    expect(final).toMatchObject({ eventID: seenInside[0]!.eventID, responseElements: { user: { userName: 'dora', path: '/' } } })
    expect(heard).toEqual([final])
  })

  it('leaves no record behind a transaction that rolls back, and writes the failed call with the batch', async () => {
    const call = started('CreateUser', false, { UserName: 'eve' })
    await expect(recorder.during(call, async () => {
      await database.transaction(async () => {
        throw new Error('the handler fails')
      })
    })).rejects.toThrow('the handler fails')
    expect(await storedRecords(database)).toEqual([])
    recorder.record(finished(call, { status: 500, errorCode: 'InternalFailure', errorMessage: 'We encountered an internal error. Please try again.' }))
    await recorder.flush()
    expect(await storedRecords(database)).toMatchObject([{ eventName: 'CreateUser', errorCode: 'InternalFailure', requestParameters: { userName: 'eve' } }])
  })

  it('carries the record again in the next transaction when the one that carried it rolled back at commit', async () => {
    let failures = 1
    const removeHook = database.beforeEachCommit(async () => {
      if (failures-- > 0) throw new Error('commit refused') // after the recorder's hook: its insert is rolled back
    })
    const call = started('CreateUser', false, { UserName: 'fay' })
    let seenInside: CloudTrailRecord[] = []
    await recorder.during(call, async () => {
      await expect(database.transaction(async () => undefined)).rejects.toThrow('commit refused')
      expect(await storedRecords(database)).toEqual([])
      await database.transaction(async () => undefined)
      seenInside = await storedRecords(database)
    })
    removeHook()
    expect(seenInside).toMatchObject([{ eventName: 'CreateUser', requestParameters: { userName: 'fay' } }])
  })

  it('writes a read-only call only with the group commit, even when its handler commits a transaction', async () => {
    const call = started('GetUser', true, { UserName: 'dora' })
    await recorder.during(call, () => database.transaction(async () => undefined))
    expect(await storedRecords(database)).toEqual([])
    recorder.record(finished(call))
    await recorder.flush()
    expect(await storedRecords(database)).toMatchObject([{ eventName: 'GetUser', readOnly: true, responseElements: null }])
  })

  it('group-commits queued calls without being asked, in one batch per account and region', async () => {
    const quick = cloudTrailRecorder({ database, ids: sequentialIds(100), models: serviceModels, defaultAccountId: ACCOUNT, onError: (error) => errors.push(error), flushMs: 5 })
    const received = new Promise<CloudTrailRecord[]>((resolve) => {
      const got: CloudTrailRecord[] = []
      quick.events.subscribe((record) => {
        got.push(record)
        if (got.length === 3) resolve(got)
      })
    })
    for (const name of ['ListUsers', 'GetUser', 'ListRoles']) quick.record(finished(started(name, true)))
    expect((await received).map((record) => record.eventName)).toEqual(['ListUsers', 'GetUser', 'ListRoles'])
    const batches = await database.db.selectFrom('cloudtrail_event_batches').select(['event_count', 'batch_id']).execute()
    expect(batches).toHaveLength(1)
    expect(batches[0]!.event_count).toBe(3)
    // The ids of a batch share their first 8 hex digits.
    expect(new Set((await received).map((record) => record.eventID.slice(0, 8))).size).toBe(1)
    await quick.close()
  })

  it('keeps telling the other subscribers when one throws, and reports it', async () => {
    recorder.events.subscribe(() => {
      throw new Error('a broken subscriber')
    })
    const later: string[] = []
    const unsubscribe = recorder.events.subscribe((record) => later.push(record.eventName))
    recorder.record(finished(started('ListUsers', true)))
    await recorder.flush()
    unsubscribe()
    recorder.record(finished(started('ListRoles', true)))
    await recorder.flush()
    expect(later).toEqual(['ListUsers'])
    expect(heard.map((record) => record.eventName)).toEqual(['ListUsers', 'ListRoles'])
    expect(errors).toEqual([new Error('a broken subscriber'), new Error('a broken subscriber')])
  })
})
