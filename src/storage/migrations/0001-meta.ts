// Migration 0001: the palisade_meta key/value table (schema version, instance data).
import type { Kysely } from 'kysely'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface MetaTables {
  palisade_meta: PalisadeMetaRow
}

export interface PalisadeMetaRow {
  key: string
  value: string
}

export const createMeta: Migration = {
  id: '0001-meta',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('palisade_meta')
      .addColumn('key', 'text', (column) => column.primaryKey())
      .addColumn('value', 'text', (column) => column.notNull())
      .execute()
  },
}
