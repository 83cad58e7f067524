// palisade_meta access: the schema version and small instance-wide values, as text.
import type { Db } from './schema.js'

export async function readMeta(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('palisade_meta').select('value').where('key', '=', key).executeTakeFirst()
  return row?.value
}

export async function writeMeta(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto('palisade_meta')
    .values({ key, value })
    .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
    .execute()
}
