// PostgreSQL dialect: a pg connection pool, advisory-locked migrations, LISTEN/NOTIFY across processes.
import pg from 'pg'
import { PostgresDialect, sql, type Kysely } from 'kysely'
import type { StorageDialect } from '../storage-dialect.js'
import { postgresNotifications } from './postgres-notifications.js'

export interface PostgresOptions {
  /** `postgres://user:password@host:port/database?options=-c%20search_path%3Dschema`. */
  readonly url: string
  readonly poolSize: number
}

// Any constant works: advisory lock keys are per database, and only migrations use this one.
const MIGRATION_LOCK_KEY = 0x70616c69 // 'pali'

export function postgresDialect(options: PostgresOptions): StorageDialect {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize })
  // An idle pooled connection that dies (server restart, network) emits here; without a
  // handler Node would exit. The pool discards it and the next query opens a fresh one.
  pool.on('error', () => {})
  return {
    name: 'postgres',
    kysely: new PostgresDialect({ pool }),
    capabilities: { skipLocked: true, concurrentWriters: true },
    uniqueViolation,
    // SERIALIZABLE makes concurrent transactions behave as if run one at a time, as on SQLite, so
    // a store's "check, then write" (a limit, a name not yet taken) holds under concurrent
    // writers too. The price is that PostgreSQL may abort one of two conflicting transactions,
    // which is then run again (https://www.postgresql.org/docs/15/transaction-iso.html#XACT-SERIALIZABLE).
    isolation: 'serializable',
    isRetryable,
    lockMigrations: async (tx) => {
      // Released by the commit or rollback, so a crashed migrator never leaves it held.
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(tx)
    },
    tableExists: async (db: Kysely<any>, table: string) => {
      const found = await sql<{ found: boolean }>`select to_regclass(${table}) is not null as found`.execute(db)
      return found.rows[0]?.found === true
    },
    notifications: postgresNotifications(options.url),
  }
}

// https://www.postgresql.org/docs/15/errcodes-appendix.html: 23505 unique_violation.
function uniqueViolation(error: unknown): { constraint: string | undefined } | undefined {
  const fields = error as { code?: unknown; constraint?: unknown } | null
  if (fields?.code !== '23505') return undefined
  return { constraint: typeof fields.constraint === 'string' ? fields.constraint : undefined }
}

// 40001 serialization_failure, 40P01 deadlock_detected: both mean "try the transaction again".
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '40001' || code === '40P01'
}
