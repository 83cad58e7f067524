// guardedDialect: wraps a kysely dialect's driver so every dialect reports duplicates, failed transactions and misuse the same way.
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import type { AsyncMutex } from './async-mutex.js'
import { DuplicateKeyError } from './duplicate-key-error.js'

export interface DriverGuards {
  /** The driver's error for a unique violation, described; undefined for any other error. */
  uniqueViolation(error: unknown): { readonly constraint: string | undefined } | undefined
  /** Called before the database hands out a connection; throws to refuse (see transaction-runner.ts). */
  beforeAcquire(): void
  /** Replaces the dialect's `begin` (SQLite: `begin immediate`). */
  readonly beginSql?: string
  /** Held from acquiring a connection to releasing it (SQLite: shared by the handles on one file). */
  readonly connectionLock?: AsyncMutex
  /**
   * Asked as a connection is released, before anyone else can take it: a promise that resolves once what was
   * committed on it is durable, or undefined when nothing needs waiting for. The query or transaction that held the
   * connection resolves only after it (SQLite: the group sync of its write-ahead log; see dialects/sqlite.ts).
   */
  readonly untilDurable?: () => Promise<void> | undefined
}

export function guardedDialect(inner: Dialect, guards: DriverGuards): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => guardedDriver(inner.createDriver(), guards),
  }
}

/** One acquisition of a connection, from acquireConnection to releaseConnection. */
interface Session {
  readonly original: DatabaseConnection
  readonly unlock: (() => void) | undefined
  inTransaction: boolean
  /** A statement failed inside the open transaction and nothing has rolled it back yet. */
  failed: boolean
}

function guardedDriver(driver: Driver, guards: DriverGuards): Driver {
  // The driver gets back the connection objects it handed out, so wrappers map to their sessions.
  const sessions = new WeakMap<DatabaseConnection, Session>()
  const session = (connection: DatabaseConnection): Session => {
    const found = sessions.get(connection)
    if (!found) throw new Error('connection was not handed out by this driver')
    return found
  }
  const original = (connection: DatabaseConnection) => session(connection).original

  return {
    init: () => driver.init(),
    destroy: () => driver.destroy(),
    async acquireConnection() {
      guards.beforeAcquire()
      const unlock = await guards.connectionLock?.lock()
      try {
        const opened: Session = { original: await driver.acquireConnection(), unlock, inTransaction: false, failed: false }
        const wrapped = guardedConnection(opened, guards)
        sessions.set(wrapped, opened)
        return wrapped
      } catch (error) {
        unlock?.()
        throw error
      }
    },
    async releaseConnection(connection) {
      const { original, unlock } = session(connection)
      const durable = guards.untilDurable?.()
      // Handled from the start: if the release below throws, nothing awaits `durable`, and a failed sync left
      // unhandled would end the process (node's default for unhandled rejections).
      durable?.catch(() => {})
      try {
        await driver.releaseConnection(original)
      } finally {
        unlock?.()
      }
      // Waited for with the connection already free: the commits that follow can share the same sync.
      await durable
    },
    async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
      const current = session(connection)
      if (guards.beginSql === undefined) await driver.beginTransaction(current.original, settings)
      else await current.original.executeQuery(CompiledQuery.raw(guards.beginSql))
      current.inTransaction = true
      current.failed = false
    },
    async commitTransaction(connection) {
      const current = session(connection)
      if (current.failed) {
        // PostgreSQL would answer COMMIT with a silent ROLLBACK; kysely rolls back after this throw.
        throw new Error(
          'transaction not committed: a statement in it failed and `work` caught the error; '
            + 'rethrow it, or run the statement in a nested `transaction(...)` to recover from it',
        )
      }
      await driver.commitTransaction(current.original)
      current.inTransaction = false
    },
    async rollbackTransaction(connection) {
      const current = session(connection)
      await driver.rollbackTransaction(current.original)
      current.inTransaction = false
      current.failed = false
    },
    savepoint: driver.savepoint && ((connection, name, compile) => driver.savepoint!(original(connection), name, compile)),
    rollbackToSavepoint: driver.rollbackToSavepoint && (async (connection, name, compile) => {
      await driver.rollbackToSavepoint!(original(connection), name, compile)
      session(connection).failed = false
    }),
    releaseSavepoint: driver.releaseSavepoint
      && ((connection, name, compile) => driver.releaseSavepoint!(original(connection), name, compile)),
  }
}

/**
 * Translates unique violations into DuplicateKeyError, and gives SQLite PostgreSQL's rule that
 * after a failed statement a transaction accepts nothing but a rollback (to a savepoint), so
 * code tested on one dialect behaves the same on the other.
 */
function guardedConnection(current: Session, guards: DriverGuards): DatabaseConnection {
  const translate = (error: unknown): never => {
    if (current.inTransaction) current.failed = true
    const duplicate = guards.uniqueViolation(error)
    if (!duplicate) throw error
    const where = duplicate.constraint === undefined ? '' : ` on \`${duplicate.constraint}\``
    throw new DuplicateKeyError(`duplicate key${where}`, duplicate.constraint, { cause: error })
  }
  const refuseIfFailed = (query: CompiledQuery) => {
    if (current.failed && !/^\s*rollback\b/i.test(query.sql)) {
      throw new Error('transaction aborted by an earlier failed statement: only a rollback (to a savepoint) can follow')
    }
  }
  return {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      refuseIfFailed(query)
      let result: QueryResult<R>
      try {
        result = await current.original.executeQuery<R>(query)
      } catch (error) {
        return translate(error)
      }
      if (/^\s*rollback\b/i.test(query.sql)) current.failed = false
      return result
    },
    async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
      refuseIfFailed(query)
      try {
        yield* current.original.streamQuery<R>(query, chunkSize)
      } catch (error) {
        translate(error)
      }
    },
  }
}
