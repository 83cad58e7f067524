// guardedDialect: wraps a kysely dialect's driver so every dialect reports duplicates and misuse the same way.
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
}

export function guardedDialect(inner: Dialect, guards: DriverGuards): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => guardedDriver(inner.createDriver(), guards),
  }
}

function guardedDriver(driver: Driver, guards: DriverGuards): Driver {
  // The driver gets back the connection objects it handed out, so wrappers map to their originals.
  const handedOut = new WeakMap<DatabaseConnection, { original: DatabaseConnection; unlock?: () => void }>()
  const original = (connection: DatabaseConnection): DatabaseConnection => {
    const found = handedOut.get(connection)
    if (!found) throw new Error('connection was not handed out by this driver')
    return found.original
  }

  return {
    init: () => driver.init(),
    destroy: () => driver.destroy(),
    async acquireConnection() {
      guards.beforeAcquire()
      const unlock = await guards.connectionLock?.lock()
      try {
        const connection = await driver.acquireConnection()
        const wrapped = translatingConnection(connection, guards)
        handedOut.set(wrapped, { original: connection, unlock })
        return wrapped
      } catch (error) {
        unlock?.()
        throw error
      }
    },
    async releaseConnection(connection) {
      const entry = handedOut.get(connection)
      try {
        await driver.releaseConnection(original(connection))
      } finally {
        entry?.unlock?.()
      }
    },
    async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
      if (guards.beginSql === undefined) return driver.beginTransaction(original(connection), settings)
      await original(connection).executeQuery(CompiledQuery.raw(guards.beginSql))
    },
    commitTransaction: (connection) => driver.commitTransaction(original(connection)),
    rollbackTransaction: (connection) => driver.rollbackTransaction(original(connection)),
    savepoint: driver.savepoint && ((connection, name, compile) => driver.savepoint!(original(connection), name, compile)),
    rollbackToSavepoint: driver.rollbackToSavepoint
      && ((connection, name, compile) => driver.rollbackToSavepoint!(original(connection), name, compile)),
    releaseSavepoint: driver.releaseSavepoint
      && ((connection, name, compile) => driver.releaseSavepoint!(original(connection), name, compile)),
  }
}

function translatingConnection(connection: DatabaseConnection, guards: DriverGuards): DatabaseConnection {
  const translate = (error: unknown): never => {
    const duplicate = guards.uniqueViolation(error)
    if (!duplicate) throw error
    const where = duplicate.constraint === undefined ? '' : ` on \`${duplicate.constraint}\``
    throw new DuplicateKeyError(`duplicate key${where}`, duplicate.constraint, { cause: error })
  }
  return {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      try {
        return await connection.executeQuery<R>(query)
      } catch (error) {
        return translate(error)
      }
    },
    async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
      try {
        yield* connection.streamQuery<R>(query, chunkSize)
      } catch (error) {
        translate(error)
      }
    },
  }
}
