// Reading and writing a Palisade database behind the server's back, for reset tests; and who a key signs in as.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import type { Database } from '../../src/storage/database.js'
import type { Db } from '../../src/storage/schema.js'

export function callerArn(palisade: { readonly url: string }, credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }): Promise<string | undefined> {
  const sts = new STSClient({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1 })
  return sts.send(new GetCallerIdentityCommand({})).then((identity) => identity.Arn)
}

/** Rows per Palisade table (palisade_meta aside; on PostgreSQL those of the public schema), read straight from the database. */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  const tables = await db.introspection.getTables()
  for (const table of tables) {
    if (table.isView || table.name === 'palisade_meta' || (table.schema !== undefined && table.schema !== 'public')) continue
    const row = await db.selectFrom(table.name as never).select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow()
    counts[table.name] = Number((row as { count: string | number }).count)
  }
  return counts
}

/** `count` users with a tag each, written directly (not through the API), in one transaction. */
export async function insertBulkUsers(database: Database, count: number): Promise<void> {
  const accountId = '000000000000'
  await database.transaction(async (tx) => {
    for (let start = 0; start < count; start += 500) {
      const names = Array.from({ length: Math.min(500, count - start) }, (_, i) => `bulk-${start + i}`)
      await tx.insertInto('iam_users').values(names.map((name) => ({
        account_id: accountId,
        name_key: name,
        user_name: name,
        user_id: `AIDABULK${name.toUpperCase().replace('-', '')}`,
        path: '/',
        arn: `arn:aws:iam::${accountId}:user/${name}`,
        created_at: '2026-01-01T00:00:00.000Z',
      }))).execute()
      await tx.insertInto('iam_tags').values(names.map((name) => ({
        account_id: accountId,
        resource_kind: 'user',
        resource_key: name,
        tag_key_lower: 'bulk',
        tag_key: 'bulk',
        tag_value: 'yes',
      }))).execute()
    }
  })
}
