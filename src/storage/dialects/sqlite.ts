// SQLite dialect: one better-sqlite3 connection per file, WAL, durable commits, one writer at a time.
import { resolve } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { sql, SqliteDialect, type Kysely, type SqliteDatabase } from 'kysely'
import { asyncMutex, type AsyncMutex } from '../async-mutex.js'
import { changeBus, type ChangeBus } from '../change-bus.js'
import { CommitNotDurableError } from '../commit-not-durable-error.js'
import type { StorageDialect } from '../storage-dialect.js'
import { statementCache } from './statement-cache.js'
import { groupSync, walFileSync, type SyncFile } from './wal-sync.js'

export interface SqliteOptions {
  /** A file path, or `:memory:` for a private database that lives as long as the handle. */
  readonly file: string
  /** How long a write waits for another connection's lock before failing with SQLITE_BUSY. */
  readonly busyTimeoutMs: number
  /** Makes what was written to the log durable; default an fdatasync of the `-wal` file (tests hold it). */
  readonly syncWal?: SyncFile
}

export function sqliteDialect(options: SqliteOptions): StorageDialect {
  const file = new BetterSqlite3(options.file, { timeout: options.busyTimeoutMs })
  configure(file, options)
  const shared = sharedPerFile(options.file)
  const subscriptions = new Set<() => void>()
  const onDisk = options.file !== ':memory:'
  const walFile = onDisk && !options.syncWal ? walFileSync(resolve(options.file)) : undefined
  const connection = trackedConnection(file, () => walFile?.close())
  const syncWal = onDisk ? options.syncWal ?? walFile?.sync : undefined
  const walSync = syncWal && groupSync(reportingFailure(syncWal))
  return {
    name: 'sqlite',
    kysely: new SqliteDialect({ database: connection }),
    capabilities: { skipLocked: false, concurrentWriters: false },
    // Deferred transactions that read and then write fail with SQLITE_BUSY when another
    // connection wrote in between; taking the write lock at BEGIN makes them wait instead.
    beginSql: 'begin immediate',
    // better-sqlite3 waits for a busy file synchronously, blocking the event loop; a second
    // handle on the same file in this process would then block the very transaction it waits
    // for. Handles on one file take turns here instead.
    connectionLock: shared.lock,
    // Commits do not sync (synchronous = NORMAL, see configure): a write is acknowledged once a sync of the log that
    // started after its commit has finished, shared with every other commit before it, off the event loop.
    untilDurable: walSync && (() => (connection.takeCommittedWrite() ? walSync.request() : undefined)),
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

function configure(file: BetterSqlite3.Database, options: SqliteOptions): void {
  if (options.file !== ':memory:') {
    const mode = file.pragma('journal_mode = WAL', { simple: true })
    if (mode !== 'wal') throw new Error(`SQLite refused WAL mode for \`${options.file}\` (journal_mode is \`${String(mode)}\`)`)
  }
  // Durable commits without a sync on the event loop. FULL would fdatasync the log inside every COMMIT, blocking
  // every other request meanwhile. NORMAL writes the commit's frames to the log without syncing them
  // (https://www.sqlite.org/pragma.html#pragma_synchronous: in WAL mode it syncs only around checkpoints, and the
  // database stays consistent), so a commit alone would survive a crash of the process but not a power loss. No
  // write is acknowledged alone: `untilDurable` holds its transaction's (or statement's) promise until an fdatasync of
  // the log that started after the commit has finished, in the threadpool and shared by every commit before it. The
  // log is appended in commit order, so that sync also covers every commit the write read from: an acknowledged
  // write is as durable as under FULL. What a power loss can take is a commit not yet acknowledged, which other
  // readers may have seen meanwhile (as they may see a write whose caller has not been answered yet); change notices
  // of a transaction (afterCommit) go out only once it is durable.
  file.pragma('synchronous = NORMAL', { simple: true })
  file.pragma('foreign_keys = ON', { simple: true })
  file.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`, { simple: true })
}

/**
 * The handle kysely's SqliteDriver runs queries on: cached prepared statements, and a record of whether a write
 * committed since the last `takeCommittedWrite`, asked as the connection is released. Its statements show what they
 * do: a statement that may change the database (sqlite3_stmt_readonly false: DML, DDL) marks the connection as
 * written; once no transaction is open, that write has committed, unless a full `rollback` undid it first.
 * Transaction control (commit, savepoint) counts as read-only, except `begin immediate` (it takes the write lock), so
 * it is told apart by its text: a read-only transaction waits for no sync. `closed` is told once the file is closed
 * (the log's held descriptor goes with it).
 */
function trackedConnection(file: BetterSqlite3.Database, closed: () => void): SqliteDatabase & { takeCommittedWrite(): boolean } {
  const statements = statementCache(file)
  let wrote = false
  return {
    close: () => {
      try {
        file.close()
      } finally {
        closed()
      }
    },
    prepare(source) {
      const statement = statements.prepare(source)
      if (!statement.readonly) wrote ||= !BEGIN.test(source)
      else if (wrote && FULL_ROLLBACK.test(source)) wrote = false
      return statement
    },
    takeCommittedWrite() {
      if (!wrote || file.inTransaction) return false
      wrote = false
      return true
    },
  }
}

/** A failed sync leaves the commits it was for visible but not known to be on disk: their callers are told so. */
function reportingFailure(sync: SyncFile): SyncFile {
  return async () => {
    try {
      await sync()
    } catch (error) {
      throw new CommitNotDurableError(error)
    }
  }
}

const BEGIN = /^\s*begin\b/i
/** `rollback` of the whole transaction, not `rollback to` a savepoint. */
const FULL_ROLLBACK = /^\s*rollback(\s+transaction)?\s*;?\s*$/i

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
