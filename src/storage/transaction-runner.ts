// transactionRunner: top-level transactions, nested ones as savepoints, and work deferred until commit.
import { sql } from 'kysely'
import { scopedStorage } from '../core/scoped-storage.js'
import { CommitNotDurableError } from './commit-not-durable-error.js'
import type { Db } from './schema.js'

export interface TransactionRunner {
  /**
   * Runs `work` in a transaction: committed if it resolves, rolled back if it throws, and run
   * again from the start when the policy calls the error retryable. Called again inside `work`,
   * it opens a savepoint on the same transaction instead of a second transaction (which, on
   * SQLite's single connection, would wait for itself forever): the inner work is undone alone
   * if it throws, and committed with the outer one.
   */
  run<T>(work: (tx: Db) => Promise<T>, options?: RunOptions): Promise<T>
  /** Runs `effect` once the outermost transaction commits; dropped if its (sub)transaction rolls back. Immediate outside one. */
  afterCommit(effect: () => void): void
  /** The open transaction of the calling async context, if any. */
  current(): Db | undefined
  /**
   * Runs `hook` at the end of every outermost transaction's work, inside it, just before it commits (and again on
   * each retried attempt); a throwing hook rolls the transaction back. What it returns says what to do once the
   * transaction has committed, or once this attempt has rolled back after all (the commit failed, a later hook threw).
   * For writes that must commit with whatever the transaction changed, whoever opened it (the audit event of the call
   * that made the change). The result removes the hook.
   */
  beforeEachCommit(hook: BeforeCommitHook): () => void
}

export type BeforeCommitHook = (tx: Db) => Promise<void | { readonly committed?: () => void; readonly rolledBack?: () => void }>

export interface RunOptions {
  /** Overrides the policy's isolation for this (outermost) transaction. */
  readonly isolation?: 'read committed' | 'serializable'
  /**
   * A group commit: the other calls whose changes this transaction carries, as async contexts to run in
   * (AsyncLocalStorage.snapshot()), asked for once `work` has resolved. The before-commit hooks run in each of them
   * too, so what a hook adds per call (its audit record) commits with the shared transaction. They are entered inside
   * this transaction's scope, where scoped storages (core/scoped-storage.ts) are enabled: each sees what it captured.
   */
  readonly carries?: () => readonly CallContext[]
  /**
   * A write no call waits on (the audit recorder's group commit): `work` runs in no scope, so it opens no savepoint,
   * defers nothing to the commit and runs no before-commit hooks (they add what a call changed). Opening no scope keeps
   * async hooks off (core/scoped-storage.ts), which a writer committing every few milliseconds would otherwise leave on
   * for every request in between. So `work` must use its `tx` alone: with no scope, a query on the root handle or a
   * nested transaction is not caught as one inside this transaction (on SQLite it waits for it). Refused inside
   * another transaction.
   */
  readonly background?: boolean
}

/** Runs `fn` in a captured async context (what AsyncLocalStorage.snapshot() returns). */
export type CallContext = <R>(fn: () => R) => R

interface Frame {
  readonly tx: Db
  readonly depth: number
  readonly afterCommit: (() => void)[]
  /** Nested transactions of this frame run one at a time: savepoints on one connection cannot interleave. */
  queue: Promise<unknown>
  open: boolean
}

export interface TransactionPolicy {
  /** Isolation for outermost transactions; undefined keeps the dialect's (SQLite is always serializable). */
  readonly isolation?: 'serializable'
  /** Whether an error means "run the whole transaction again" (PostgreSQL: serialization failure, deadlock). */
  isRetryable(error: unknown): boolean
  /** Runs of `work` before a retryable error is given up on and thrown. */
  readonly maxAttempts: number
}

export function transactionRunner(db: Db, policy: TransactionPolicy): TransactionRunner {
  // Scoped: its promise hooks are off while no transaction is open; a stale frame is closed anyway (`open`).
  const frames = scopedStorage<Frame>()
  const beforeCommitHooks = new Set<BeforeCommitHook>()
  const openFrame = (): Frame | undefined => {
    const frame = frames.getStore()
    return frame?.open ? frame : undefined
  }

  async function runOutermost<T>(work: (tx: Db) => Promise<T>, isolation: RunOptions['isolation'], carries?: RunOptions['carries'], background?: boolean): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await (background ? attemptInBackground(work, isolation) : attemptOutermost(work, isolation, carries))
      } catch (error) {
        if (attempt >= policy.maxAttempts || !policy.isRetryable(error)) throw error
        // Backing off lets the transaction that won the conflict finish before this one retries.
        await new Promise((resolve) => setTimeout(resolve, 2 ** attempt))
      }
    }
  }

  async function attemptOutermost<T>(work: (tx: Db) => Promise<T>, isolation: RunOptions['isolation'], carries?: RunOptions['carries']): Promise<T> {
    let committed: Frame | undefined
    const rolledBack: (() => void)[] = []
    const builder = isolation ? db.transaction().setIsolationLevel(isolation) : db.transaction()
    let result: T
    try {
      result = await builder.execute(async (tx) => {
        const frame: Frame = { tx, depth: 0, afterCommit: [], queue: Promise.resolve(), open: true }
        try {
          const value = await frames.run(frame, async () => {
            const result = await work(tx)
            const own: CallContext = (fn) => fn()
            for (const context of [own, ...(carries?.() ?? [])]) {
              for (const hook of beforeCommitHooks) {
                const outcome = await context(() => hook(tx))
                if (outcome?.committed) frame.afterCommit.push(outcome.committed)
                if (outcome?.rolledBack) rolledBack.push(outcome.rolledBack)
              }
            }
            return result
          })
          committed = frame
          return value
        } finally {
          frame.open = false
        }
      })
    } catch (error) {
      // Committed after all, only not known to be durable: what follows a commit (cache notices) must still happen.
      const effects = error instanceof CommitNotDurableError ? committed?.afterCommit ?? [] : rolledBack
      for (const effect of effects) effect()
      throw error
    }
    for (const effect of committed?.afterCommit ?? []) effect()
    return result
  }

  function attemptInBackground<T>(work: (tx: Db) => Promise<T>, isolation: RunOptions['isolation']): Promise<T> {
    return (isolation ? db.transaction().setIsolationLevel(isolation) : db.transaction()).execute(work)
  }

  async function runNested<T>(outer: Frame, work: (tx: Db) => Promise<T>): Promise<T> {
    const savepoint = sql.id(`palisade_savepoint_${outer.depth + 1}`)
    await sql`savepoint ${savepoint}`.execute(outer.tx)
    const frame: Frame = { tx: outer.tx, depth: outer.depth + 1, afterCommit: [], queue: Promise.resolve(), open: true }
    try {
      const value = await frames.run(frame, () => work(outer.tx))
      frame.open = false
      await sql`release savepoint ${savepoint}`.execute(outer.tx)
      outer.afterCommit.push(...frame.afterCommit)
      return value
    } catch (error) {
      frame.open = false
      // `rollback to` also clears PostgreSQL's aborted state, so the outer work can carry on.
      await sql`rollback to savepoint ${savepoint}`.execute(outer.tx)
      await sql`release savepoint ${savepoint}`.execute(outer.tx)
      throw error
    }
  }

  return {
    run(work, options = {}) {
      const outer = openFrame()
      // A write no call waits on has no call's transaction to join; on SQLite a second one would wait for the first.
      if (outer && options.background) return Promise.reject(new Error('a background transaction cannot run inside another transaction'))
      if (!outer) return runOutermost(work, options.isolation ?? policy.isolation, options.carries, options.background)
      const turn = outer.queue.then(() => runNested(outer, work))
      outer.queue = turn.catch(() => undefined)
      return turn
    },
    afterCommit(effect) {
      const frame = openFrame()
      if (frame) frame.afterCommit.push(effect)
      else effect()
    },
    current: () => openFrame()?.tx,
    beforeEachCommit(hook) {
      beforeCommitHooks.add(hook)
      return () => void beforeCommitHooks.delete(hook)
    },
  }
}
