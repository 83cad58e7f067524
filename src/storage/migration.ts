// Migration: one numbered schema step, written once with kysely's schema builder for both dialects.
import type { Kysely } from 'kysely'

export interface Migration {
  /** The file name without extension, `NNNN-what`; NNNN is the schema version it brings the database to. */
  readonly id: string
  /**
   * Runs inside a transaction that also records the new version, so a failure leaves nothing
   * applied. It sees the database as it was at this point in history, hence `Kysely<any>`
   * rather than today's `Schema`.
   */
  up(db: Kysely<any>): Promise<void>
}

/** `0002-accounts` → 2. */
export function migrationVersion(migration: Migration): number {
  const match = /^(\d{4})-[a-z0-9-]+$/.exec(migration.id)
  if (!match) throw new Error(`migration id \`${migration.id}\` is not \`NNNN-name\``)
  return Number(match[1])
}
