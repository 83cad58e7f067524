// eraseAllData: empties every table but palisade_meta, for POST /_palisade/reset; callers restore what they need.
import type { Db } from './schema.js'

/** Deletes every row of every Palisade table except palisade_meta (schema version, bootstrap record). */
export async function eraseAllData(tx: Db): Promise<void> {
  const tables = await tx.introspection.getTables()
  for (const table of tables) {
    if (table.isView || table.name === 'palisade_meta') continue
    // INVARIANT: names come from the database's own catalogue, never from a request.
    await tx.deleteFrom(table.name as never).execute()
  }
}
