// POST /_palisade/reset end to end: thousands of rows and API-made users and keys gone, the root account as first started.
import { join } from 'node:path'
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../src/storage/database.js'
import { callerArn, insertBulkUsers, rowCounts } from '../support/stored-rows.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

const BULK_USERS = 3000

describe('POST /_palisade/reset', () => {
  let palisade: TestPalisade
  let database: Database
  beforeAll(async () => {
    palisade = await startTestPalisade(['--allow-reset'])
    // A second handle on the server's own SQLite file, as another process would open it.
    database = await openDatabase({ url: join(palisade.dataDir, 'palisade.db') })
  })
  afterAll(async () => {
    await database.close()
    await palisade.stop()
  })

  it('returns every table to the freshly bootstrapped state, keeping the root credentials', async () => {
    const before = await rowCounts(database.db)
    const iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
    await iam.send(new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'red' }] }))
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
    const alice = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }
    expect(await callerArn(palisade, alice)).toBe('arn:aws:iam::000000000000:user/alice')
    await insertBulkUsers(database, BULK_USERS)
    expect((await rowCounts(database.db))['iam_users']).toBe(BULK_USERS + 1)

    const response = await fetch(`${palisade.url}/_palisade/reset`, { method: 'POST' })
    expect(response.status).toBe(200)
    const { ms } = (await response.json()) as { ms: number }
    console.info(`reset of ${BULK_USERS * 2 + 3} rows on SQLite took ${ms} ms`)

    expect(await rowCounts(database.db)).toEqual(before)
    expect((await iam.send(new ListUsersCommand({}))).Users).toEqual([])
    await expect(callerArn(palisade, alice)).rejects.toMatchObject({ name: 'InvalidClientTokenId' })
    expect(await callerArn(palisade, palisade.root)).toBe('arn:aws:iam::000000000000:root')
  })
})
