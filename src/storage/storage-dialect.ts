// StorageDialect: what database.ts needs from a dialect; everything dialect-specific sits behind it.
import type { Dialect, Kysely } from 'kysely'
import type { DriverGuards } from './guarded-dialect.js'

export interface Capabilities {
  /** `SELECT … FOR UPDATE SKIP LOCKED` is available (PostgreSQL), so several workers can claim rows. */
  readonly skipLocked: boolean
  /** Several transactions can write at once (PostgreSQL); SQLite has one writer at a time. */
  readonly concurrentWriters: boolean
}

/** Called with a notification's payload. */
export type ChangeListener = (payload: string) => void

export interface Notifications {
  /**
   * True when the database itself delivers a notification sent inside a transaction only at
   * commit (PostgreSQL's NOTIFY); otherwise database.ts holds it back until commit.
   */
  readonly deliveredOnCommit: boolean
  publish(executor: Kysely<any>, channel: string, payload: string): Promise<void>
  /**
   * Where the database delivers even this process's own notifications through a round trip (PostgreSQL's LISTEN),
   * hands one to this process's subscribers at once; `publish` then skips its echo. Called after commit.
   */
  deliverLocally?(channel: string, payload: string): void
  /**
   * Resolves once notifications on `channel` will reach `listener`; the result stops them.
   * `onMissed` runs when notifications may have been lost (a dropped connection, now restored).
   */
  subscribe(channel: string, listener: ChangeListener, onMissed?: () => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

export interface StorageDialect {
  readonly name: 'sqlite' | 'postgres'
  readonly kysely: Dialect
  readonly capabilities: Capabilities
  readonly beginSql?: string
  /** Isolation for every transaction, when the dialect's default is weaker than serializable. */
  readonly isolation?: 'serializable'
  /** Errors after which a whole transaction should simply be run again. */
  isRetryable(error: unknown): boolean
  readonly connectionLock?: DriverGuards['connectionLock']
  readonly untilDurable?: DriverGuards['untilDurable']
  readonly notifications: Notifications
  uniqueViolation: DriverGuards['uniqueViolation']
  /** Inside a migration transaction: makes concurrent migrators of the same database wait for this one. */
  lockMigrations(tx: Kysely<any>): Promise<void>
  /** Whether `table` exists where unqualified names resolve (PostgreSQL: the search_path). */
  tableExists(db: Kysely<any>, table: string): Promise<boolean>
}
