// SQLite dialect: one better-sqlite3 connection per file, WAL, durable commits, one writer at a time.
import { resolve } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { sql, SqliteDialect, type Kysely, type SqliteDatabase } from 'kysely'
import { asyncMutex, type AsyncMutex } from '../async-mutex.js'
import { changeBus, type ChangeBus } from '../change-bus.js'
import type { StorageDialect } from '../storage-dialect.js'

export interface SqliteOptions {
  /** A file path, or `:memory:` for a private database that lives as long as the handle. */
  readonly file: string
  /** How long a write waits for another connection's lock before failing with SQLITE_BUSY. */
  readonly busyTimeoutMs: number
}

/** The few better-sqlite3 methods we use, beyond what kysely's SqliteDialect needs. */
interface SqliteFile extends SqliteDatabase {
  pragma(source: string, options: { simple: true }): unknown
}

export function sqliteDialect(options: SqliteOptions): StorageDialect {
  const file: SqliteFile = new BetterSqlite3(options.file, { timeout: options.busyTimeoutMs })
  configure(file, options)
  const shared = sharedPerFile(options.file)
  const subscriptions = new Set<() => void>()
  return {
    name: 'sqlite',
    kysely: new SqliteDialect({ database: file }),
    capabilities: { skipLocked: false, concurrentWriters: false },
    // Deferred transactions that read and then write fail with SQLITE_BUSY when another
    // connection wrote in between; taking the write lock at BEGIN makes them wait instead.
    beginSql: 'begin immediate',
    // better-sqlite3 waits for a busy file synchronously, blocking the event loop; a second
    // handle on the same file in this process would then block the very transaction it waits
    // for. Handles on one file take turns here instead.
    connectionLock: shared.lock,
    uniqueViolation,
    // One writer at a time means no write conflicts; a busy file is waited for (busy_timeout).
    isRetryable: () => false,
    lockMigrations: async () => {}, // `begin immediate` already holds the one write lock
    tableExists: async (db: Kysely<any>, table: string) => {
      const found = await sql`select 1 from sqlite_master where type = 'table' and name = ${table}`.execute(db)
      return found.rows.length > 0
    },
    notifications: {
      deliveredOnCommit: false,
      publish: async (_executor, channel, payload) => shared.bus.deliver(channel, payload),
      subscribe: async (channel, listener) => {
        const remove = shared.bus.add(channel, listener)
        subscriptions.add(remove)
        return async () => {
          subscriptions.delete(remove)
          remove()
        }
      },
      close: async () => {
        // The bus may outlive this handle (another handle on the file): take this one's listeners off it.
        for (const remove of subscriptions) remove()
        subscriptions.clear()
        shared.release()
      },
    },
  }
}

function configure(file: SqliteFile, options: SqliteOptions): void {
  if (options.file !== ':memory:') {
    const mode = file.pragma('journal_mode = WAL', { simple: true })
    if (mode !== 'wal') throw new Error(`SQLite refused WAL mode for \`${options.file}\` (journal_mode is \`${String(mode)}\`)`)
  }
  // FULL also syncs the WAL at each commit, so a committed transaction survives power loss;
  // NORMAL would only survive a crash of the process (https://www.sqlite.org/pragma.html#pragma_synchronous).
  file.pragma('synchronous = FULL', { simple: true })
  file.pragma('foreign_keys = ON', { simple: true })
  file.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`, { simple: true })
}

// better-sqlite3 errors carry extended result codes (https://www.sqlite.org/rescode.html#constraint_unique).
function uniqueViolation(error: unknown): { constraint: string | undefined } | undefined {
  const code = (error as { code?: unknown } | null)?.code
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined
  const columns = /constraint failed: (.+)$/.exec((error as Error).message)?.[1]
  return { constraint: columns }
}

// Handles on the same file in one process share a bus, so they hear each other as PostgreSQL
// handles do, and a connection lock. Other processes are not told: an SQLite file has one
// Palisade process.
const sharedByFile = new Map<string, { bus: ChangeBus; lock: AsyncMutex; handles: number }>()

function sharedPerFile(file: string): { bus: ChangeBus; lock: AsyncMutex; release(): void } {
  if (file === ':memory:') return { bus: changeBus(), lock: asyncMutex(), release: () => {} }
  const key = resolve(file)
  const entry = sharedByFile.get(key) ?? { bus: changeBus(), lock: asyncMutex(), handles: 0 }
  entry.handles++
  sharedByFile.set(key, entry)
  let released = false
  return {
    bus: entry.bus,
    lock: entry.lock,
    release() {
      if (released) return
      released = true
      if (--entry.handles === 0) sharedByFile.delete(key)
    },
  }
}
