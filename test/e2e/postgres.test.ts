// Two Palisade servers sharing one PostgreSQL database: the same root account, and a reset through one seen by the other.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam'
import { sql } from 'kysely'
import { expect, it, vi } from 'vitest'
import { forPostgres } from '../../src/storage/testing.js'
import { startTestPalisade } from '../support/palisade.js'
import { callerArn, insertBulkUsers, rowCounts } from '../support/stored-rows.js'

const ROOT_KEY = Buffer.alloc(32, 7).toString('base64')
const BULK_USERS = 3000
// Notices travel between the servers through PostgreSQL's LISTEN/NOTIFY, so the other server learns of a change soon
// after the commit, not at it.
const PROPAGATION = { timeout: 5000, interval: 50 }

forPostgres('palisade serve --database postgres://', (dialect) => {
  it('serves one root account from two servers, and a reset through one reaches the other', async () => {
    const { url } = await dialect.config()
    const first = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY, '--allow-reset'])
    const second = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY, '--allow-reset'])
    const database = await dialect.open()
    try {
      expect(first.firstStart).toBeDefined()
      expect(second.firstStart).toBeUndefined()
      expect(await callerArn(first, first.root)).toBe('arn:aws:iam::000000000000:root')
      expect(await callerArn(second, first.root)).toBe('arn:aws:iam::000000000000:root')
      // Another application's table in another schema of the same database: reset must leave it alone.
      await sql`create schema other_app`.execute(database.db)
      await sql`create table other_app.kept (id integer)`.execute(database.db)
      await sql`insert into other_app.kept values (1)`.execute(database.db)
      const bootstrapped = await rowCounts(database.db)

      const iam = new IAMClient({ endpoint: second.url, region: 'us-east-1', credentials: second.root, maxAttempts: 1 })
      await iam.send(new CreateUserCommand({ UserName: 'alice' }))
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
      const alice = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }
      await vi.waitFor(async () => expect(await callerArn(first, alice)).toBe('arn:aws:iam::000000000000:user/alice'), PROPAGATION)
      await insertBulkUsers(database, BULK_USERS)

      const response = await fetch(`${first.url}/_palisade/reset`, { method: 'POST' })
      expect(response.status).toBe(200)
      const { ms } = (await response.json()) as { ms: number }
      console.info(`reset of ${BULK_USERS * 2 + 2} rows on PostgreSQL took ${ms} ms`)

      expect(await rowCounts(database.db)).toEqual(bootstrapped)
      expect((await sql<{ id: number }>`select id from other_app.kept`.execute(database.db)).rows).toEqual([{ id: 1 }])
      await vi.waitFor(() => expect(callerArn(second, alice)).rejects.toMatchObject({ name: 'InvalidClientTokenId' }), PROPAGATION)
      expect(await callerArn(second, second.root)).toBe('arn:aws:iam::000000000000:root')
      expect(await callerArn(first, first.root)).toBe('arn:aws:iam::000000000000:root')
    } finally {
      await Promise.all([first.stop(), second.stop()])
    }
  })
})
