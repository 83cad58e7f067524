// statementCache: one prepared better-sqlite3 Statement per SQL text, reused, so a query pays SQLite's parse and plan
// once instead of on every execution (kysely's SqliteDriver calls `prepare` for every query it runs).
import type BetterSqlite3 from 'better-sqlite3'

export type Statement = BetterSqlite3.Statement<unknown[], unknown>

export interface StatementCache {
  /** A prepared statement for `sql`: the cached one when it is free, a fresh one otherwise. */
  prepare(sql: string): Statement
  /** How many statements are cached (tests). */
  readonly size: number
}

/** Statements kept by default: Palisade's distinct query texts, with room to spare. */
export const DEFAULT_STATEMENT_CAPACITY = 500

/**
 * A least-recently-used cache of at most `capacity` statements, keyed by SQL text. A cached statement stays valid
 * across schema changes: SQLite prepares it again by itself when the schema it was planned for has changed
 * (https://www.sqlite.org/c3ref/prepare.html, sqlite3_prepare_v2). A statement still stepping through an `iterate`
 * (a stream not yet finished) cannot be run a second time meanwhile, so the caller then gets a fresh, uncached one.
 */
export function statementCache(file: BetterSqlite3.Database, capacity = DEFAULT_STATEMENT_CAPACITY): StatementCache {
  // A Map iterates in insertion order: re-inserting on each hit keeps the least recently used first.
  const statements = new Map<string, Statement>()
  return {
    prepare(sql) {
      const cached = statements.get(sql)
      if (cached) {
        if (cached.busy) return file.prepare(sql)
        statements.delete(sql)
        statements.set(sql, cached)
        return cached
      }
      const statement = file.prepare(sql)
      statements.set(sql, statement)
      // An evicted statement is finalized when it is garbage collected, or when the file closes.
      if (statements.size > capacity) statements.delete(statements.keys().next().value!)
      return statement
    },
    get size() {
      return statements.size
    },
  }
}
