// PostgreSQL dialect: a pg connection pool, advisory-locked migrations, LISTEN/NOTIFY across processes.
import pg from 'pg'
import { PostgresDialect, sql, type Kysely } from 'kysely'
import { changeBus } from '../change-bus.js'
import type { ChangeListener, Notifications, StorageDialect } from '../storage-dialect.js'

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
    lockMigrations: async (tx) => {
      // Released by the commit or rollback, so a crashed migrator never leaves it held.
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(tx)
    },
    tableExists: async (db: Kysely<any>, table: string) => {
      const found = await sql<{ found: boolean }>`select to_regclass(${table}) is not null as found`.execute(db)
      return found.rows[0]?.found === true
    },
    notifications: listenNotify(options.url),
  }
}

// https://www.postgresql.org/docs/15/errcodes-appendix.html: 23505 unique_violation.
function uniqueViolation(error: unknown): { constraint: string | undefined } | undefined {
  const fields = error as { code?: unknown; constraint?: unknown } | null
  if (fields?.code !== '23505') return undefined
  return { constraint: typeof fields.constraint === 'string' ? fields.constraint : undefined }
}

/** The few pg.Client members the listening connection uses. */
interface ListeningClient {
  connect(): Promise<unknown>
  query(text: string): Promise<unknown>
  escapeIdentifier(name: string): string
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
  end(): Promise<void>
}

/**
 * NOTIFY goes through the pool (inside the caller's transaction when there is one, so PostgreSQL
 * delivers it at commit and drops it on rollback). LISTEN needs a connection of its own that
 * stays open, opened at the first subscription; every process sharing the database, this one
 * included, receives each notification (https://www.postgresql.org/docs/15/sql-notify.html).
 */
function listenNotify(url: string): Notifications {
  const bus = changeBus()
  let connected: Promise<ListeningClient> | undefined
  let closed = false

  const connection = (): Promise<ListeningClient> => {
    if (closed) return Promise.reject(new Error('database is closed'))
    connected ??= (async () => {
      const client: ListeningClient = new pg.Client({ connectionString: url })
      client.on('notification', (message) => bus.deliver(message.channel, message.payload ?? ''))
      // Without a handler a dropped connection would exit the process. Notifications sent while
      // it is down are lost, so it is not silently replaced: see "remains undone" in the report.
      client.on('error', () => {})
      await client.connect()
      return client
    })()
    return connected
  }

  return {
    deliveredOnCommit: true,
    publish: async (executor, channel, payload) => {
      await sql`select pg_notify(${channel}, ${payload})`.execute(executor)
    },
    async subscribe(channel: string, listener: ChangeListener) {
      const client = await connection()
      // LISTEN once per channel; pg runs a client's queries in the order issued, so a LISTEN
      // and a later UNLISTEN for the same channel cannot swap.
      if (bus.count(channel) === 0) await client.query(`listen ${client.escapeIdentifier(channel)}`)
      const remove = bus.add(channel, listener)
      let removed = false
      return async () => {
        if (removed) return
        removed = true
        remove()
        if (bus.count(channel) === 0 && !closed) await client.query(`unlisten ${client.escapeIdentifier(channel)}`)
      }
    },
    async close() {
      closed = true
      const client = await connected?.catch(() => undefined)
      await client?.end()
    },
  }
}
