// Scoped storage: AsyncLocalStorage whose promise hooks are off while no scope is open.
//
// On node 20, once any AsyncLocalStorage has run, the async_hooks promise hooks stay on for the rest of the process:
// every promise created afterwards pays for them (about 10% of a small S3 GET's CPU), even on paths that never use a
// storage. A scoped storage counts the scopes open (run() until the promise it returned settles) and the captured
// contexts still to be re-entered (hold()); once neither is left, every scoped storage is disabled (node turns the
// shared hook off when no storage is enabled), and the next run() enables it again. The disable waits until nothing
// has been open for SCOPED_STORAGE_IDLE_MS: under a steady stream of writes the hooks stay on rather than going off
// and on between them (each switch re-installs node's promise hooks).
//
// What callers must accept: after a disable, getStore() returns undefined everywhere, also in a continuation that
// outlived its scope. Use a scoped storage only for stores that are meaningless once their scope has ended (a flag like
// `open`, cleared when the scope ends, already says so). As the disable waits, the code that closes a scope right after
// it settles (a `finally` after `await run(...)`) runs while its store is still visible.
import { AsyncLocalStorage } from 'node:async_hooks'

export interface ScopedStorage<T> {
  /** Runs `fn` with `store` as the current store; the scope stays open until the promise `fn` returns has settled. */
  run<R>(store: T, fn: () => R): R
  /** The store of the calling async context; undefined outside any scope (and in a context whose scope has ended). */
  getStore(): T | undefined
}

/** Weakly: an enabled storage is also held by node's list of storages, a disabled one by nothing once unused. */
const storages = new Set<WeakRef<AsyncLocalStorage<unknown>>>()
/** Scopes open plus contexts held, across every scoped storage. */
let inUse = 0
/** When `inUse` last dropped to 0 (performance.now()). */
let idleSince = 0
let disableTimer: NodeJS.Timeout | undefined

/** How long nothing must have been open or held before the storages are disabled. */
export const SCOPED_STORAGE_IDLE_MS = 50

export function scopedStorage<T>(): ScopedStorage<T> {
  const storage = new AsyncLocalStorage<T>()
  storages.add(new WeakRef(storage as AsyncLocalStorage<unknown>))
  return {
    run(store, fn) {
      inUse++
      let result: ReturnType<typeof fn>
      try {
        result = storage.run(store, fn)
      } catch (error) {
        release()
        throw error
      }
      if (isPromiseLike(result)) result.then(release, release)
      else release()
      return result
    },
    getStore: () => storage.getStore(),
  }
}

/**
 * Keeps every scoped storage enabled until the result is called (once; later calls do nothing): for an async context
 * captured now (an AsyncResource) and re-entered later, which must see the stores it captured.
 */
export function holdScopedStorage(): () => void {
  inUse++
  let released = false
  return () => {
    if (released) return
    released = true
    release()
  }
}

function release(): void {
  inUse--
  if (inUse > 0) return
  idleSince = performance.now()
  disableTimer ??= setTimeout(disableWhenIdle, SCOPED_STORAGE_IDLE_MS).unref()
}

function disableWhenIdle(): void {
  disableTimer = undefined
  // Busy again: the release that ends it schedules the next attempt.
  if (inUse > 0) return
  const idleFor = performance.now() - idleSince
  if (idleFor < SCOPED_STORAGE_IDLE_MS) {
    disableTimer = setTimeout(disableWhenIdle, SCOPED_STORAGE_IDLE_MS - idleFor).unref()
    return
  }
  for (const ref of storages) {
    const storage = ref.deref()
    if (storage) storage.disable()
    else storages.delete(ref)
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}
