// migrate: brings a database to the latest schema version, one migration per transaction, never re-running one.
import { migrationVersion, type Migration } from './migration.js'
import { readMeta, writeMeta } from './meta-store.js'
import type { Db } from './schema.js'
import type { StorageDialect } from './storage-dialect.js'
import type { TransactionRunner } from './transaction-runner.js'

export const SCHEMA_VERSION_KEY = 'schema_version'

/**
 * Applies the migrations the database has not seen and returns their ids. Each runs in its own
 * transaction, which first takes the migration lock and re-reads the version: a second process
 * starting at the same moment waits, then finds the work done.
 */
export async function migrate(
  transactions: TransactionRunner,
  dialect: StorageDialect,
  migrations: readonly Migration[],
): Promise<string[]> {
  checkNumbering(migrations)
  const applied: string[] = []
  for (;;) {
    // READ COMMITTED: under SERIALIZABLE the snapshot would be taken by the first statement,
    // the lock itself, so a migrator that waited for the lock would not see its predecessor's work.
    const next = await transactions.run(async (tx) => {
      await dialect.lockMigrations(tx)
      const version = await schemaVersion(tx, dialect)
      if (version > migrations.length) {
        throw new Error(
          `database schema version ${version} is newer than this Palisade's ${migrations.length}: upgrade Palisade`,
        )
      }
      const migration = migrations[version]
      if (!migration) return undefined
      await migration.up(tx)
      await writeMeta(tx, SCHEMA_VERSION_KEY, String(version + 1))
      return migration
    }, { isolation: 'read committed' })
    if (!next) return applied
    applied.push(next.id)
  }
}

/** 0 for an empty database (before 0001 creates palisade_meta). */
export async function schemaVersion(db: Db, dialect: StorageDialect): Promise<number> {
  if (!(await dialect.tableExists(db, 'palisade_meta'))) return 0
  const stored = await readMeta(db, SCHEMA_VERSION_KEY)
  return stored === undefined ? 0 : Number(stored)
}

// The version is a position in the list, so the list must be 0001, 0002, … without gaps.
function checkNumbering(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migrationVersion(migration) !== index + 1) {
      throw new Error(`migration \`${migration.id}\` is listed at position ${index + 1}`)
    }
  })
}
