// eraseAllData: empties every table but palisade_meta, for POST /_palisade/reset; callers restore what they need.
import { sql } from 'kysely'
import type { Db } from './schema.js'

/**
 * Deletes every row of every Palisade table except palisade_meta (schema version, bootstrap record).
 * On PostgreSQL only the tables of the connection's current schema are Palisade's: the introspector lists every
 * schema the role can see, and a shared database may hold other applications' tables.
 */
export async function eraseAllData(tx: Db): Promise<void> {
  const tables = await tx.introspection.getTables()
  // SQLite reports no schema; PostgreSQL names one for every table.
  const ownSchema = tables.some((table) => table.schema !== undefined) ? await currentSchema(tx) : undefined
  for (const table of tables) {
    if (table.isView || table.name === 'palisade_meta') continue
    if (ownSchema !== undefined && table.schema !== ownSchema) continue
    // INVARIANT: names come from the database's own catalogue, never from a request.
    // INVARIANT: Palisade's tables declare no foreign keys (migrations/), so the order of deletion does not matter.
    await tx.deleteFrom(table.name as never).execute()
  }
}

async function currentSchema(tx: Db): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(tx)
  const name = rows[0]?.name
  if (name === undefined) throw new Error('postgres reported no current schema')
  return name
}
