// Database: the storage boundary's handle (query builder, transactions, change notifications); openDatabase picks the dialect.
import { Kysely } from 'kysely'
import { postgresDialect } from './dialects/postgres.js'
import { sqliteDialect } from './dialects/sqlite.js'
import { guardedDialect } from './guarded-dialect.js'
import { migrate } from './migrate.js'
import type { Migration } from './migration.js'
import { migrations as allMigrations } from './migrations/index.js'
import type { Db, Schema } from './schema.js'
import type { Capabilities, ChangeListener, StorageDialect } from './storage-dialect.js'
import { transactionRunner, type BeforeCommitHook, type RunOptions, type TransactionRunner } from './transaction-runner.js'

export type { Capabilities, ChangeListener } from './storage-dialect.js'
export type { BeforeCommitHook } from './transaction-runner.js'

export interface StorageConfig {
  /** `postgres://…` or `postgresql://…` for PostgreSQL; otherwise an SQLite file path, or `:memory:`. */
  readonly url: string
  /** SQLite: how long a write waits for another connection's lock. Default 5000. */
  readonly busyTimeoutMs?: number
  /**
   * SQLite: what makes committed writes durable before they are acknowledged; default an fdatasync of the `-wal` file
   * (see dialects/sqlite.ts). Tests pass one they can hold.
   */
  readonly syncWal?: () => Promise<void>
  /** PostgreSQL: connections in the pool. Default 10. */
  readonly poolSize?: number
  /** The migrations to run at open; default all of migrations/index.ts (tests pass their own). */
  readonly migrations?: readonly Migration[]
}

export interface Database {
  /** The query builder. Inside `transaction(work)` use the `tx` given to `work` instead: this one then throws. */
  readonly db: Db
  readonly capabilities: Capabilities
  /**
   * Runs `work` in a transaction, committed when it resolves and rolled back when it throws.
   * Transactions are serializable on both dialects: on SQLite they run one at a time; on
   * PostgreSQL they may run concurrently, and when PostgreSQL aborts one for a conflict, `work`
   * runs again from the start. So `work` should touch nothing outside the database (send
   * notifications with `notify`, which waits for the commit). Nested calls become savepoints of
   * the outer transaction. A transaction that wrote resolves once its commit is on disk (SQLite: a group sync of
   * the log, see dialects/sqlite.ts); when that sync fails it rejects with CommitNotDurableError.
   */
  transaction<T>(work: (tx: Db) => Promise<T>, options?: Pick<RunOptions, 'carries' | 'background'>): Promise<T>
  /**
   * Runs `hook` inside every outermost transaction, after its work and just before it commits (see
   * TransactionRunner.beforeEachCommit); the result removes the hook.
   */
  beforeEachCommit(hook: BeforeCommitHook): () => void
  /**
   * Tells every subscriber of `channel`, in this process and in every other process sharing the
   * database, that something changed (`payload`, at most 7990 bytes, says what). Inside a
   * transaction it is sent only when the outermost transaction commits.
   */
  notify(channel: string, payload: string): Promise<void>
  /**
   * Resolves once `listener` will hear `channel`'s notifications; the result unsubscribes.
   * `onMissed` runs when notifications may have been lost (PostgreSQL: the listening connection
   * dropped and has been re-opened): a cache should then drop everything it holds.
   */
  subscribe(channel: string, listener: ChangeListener, options?: { onMissed?: () => void }): Promise<() => Promise<void>>
  close(): Promise<void>
}

// PostgreSQL's payload limit is 7999 bytes (https://www.postgresql.org/docs/15/sql-notify.html), less the origin tag
// postgres-notifications.ts puts in front; kept on SQLite too, so code behaves the same on both.
const MAX_PAYLOAD_BYTES = 7990

/** Runs of a transaction's work before a write conflict (PostgreSQL) is reported to the caller. */
const TRANSACTION_ATTEMPTS = 8

export async function openDatabase(config: StorageConfig): Promise<Database> {
  const dialect = isPostgresUrl(config.url)
    ? postgresDialect({ url: config.url, poolSize: config.poolSize ?? 10 })
    : sqliteDialect({ file: config.url, busyTimeoutMs: config.busyTimeoutMs ?? 5000, syncWal: config.syncWal })
  const { database, transactions } = databaseOn(dialect)
  try {
    await migrate(transactions, dialect, config.migrations ?? allMigrations)
  } catch (error) {
    await database.close()
    throw error
  }
  return database
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url)
}

function databaseOn(dialect: StorageDialect): { database: Database; transactions: TransactionRunner } {
  // `transactions` is needed by the guard, and the guard by the Kysely that `transactions` wraps.
  let transactions: TransactionRunner | undefined
  const db: Db = new Kysely<Schema>({
    dialect: guardedDialect(dialect.kysely, {
      uniqueViolation: dialect.uniqueViolation,
      beginSql: dialect.beginSql,
      connectionLock: dialect.connectionLock,
      untilDurable: dialect.untilDurable,
      beforeAcquire() {
        if (transactions?.current()) {
          throw new Error(
            'query on the root database handle inside `transaction(work)`: use the `tx` passed to `work` '
              + '(on SQLite the root handle waits for the transaction forever; on PostgreSQL it runs outside it)',
          )
        }
      },
    }),
  })
  transactions = transactionRunner(db, {
    isolation: dialect.isolation,
    isRetryable: dialect.isRetryable,
    maxAttempts: TRANSACTION_ATTEMPTS,
  })
  const runner = transactions
  let closed = false

  const database: Database = {
    db,
    capabilities: dialect.capabilities,
    transaction: (work, options) => runner.run(work, options),
    beforeEachCommit: (hook) => runner.beforeEachCommit(hook),
    async notify(channel, payload) {
      checkChannel(channel)
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
        throw new Error(`notification payload on \`${channel}\` is ${Buffer.byteLength(payload)} bytes; the limit is ${MAX_PAYLOAD_BYTES}`)
      }
      // This process's subscribers hear a notification as soon as it commits, not after a round trip through the
      // database: a writer that waits for its own caches to catch up then answers with them current.
      const { notifications } = dialect
      const local = notifications.deliverLocally && (() => notifications.deliverLocally!(channel, payload))
      const tx = runner.current()
      if (tx && notifications.deliveredOnCommit) {
        await notifications.publish(tx, channel, payload)
        if (local) runner.afterCommit(local)
        return
      }
      if (tx) return runner.afterCommit(() => void notifications.publish(db, channel, payload))
      await notifications.publish(db, channel, payload)
      local?.()
    },
    subscribe(channel, listener, options = {}) {
      checkChannel(channel)
      return dialect.notifications.subscribe(channel, listener, options.onMissed)
    },
    async close() {
      if (closed) return
      closed = true
      await dialect.notifications.close()
      await db.destroy()
    },
  }
  return { database, transactions: runner }
}

// PostgreSQL channel names are identifiers (at most 63 bytes); lower-case words keep them one
// spelling on both dialects.
function checkChannel(channel: string): void {
  if (!/^[a-z][a-z0-9_.-]{0,62}$/.test(channel)) throw new Error(`notification channel \`${channel}\` is not [a-z][a-z0-9_.-]{0,62}`)
}
