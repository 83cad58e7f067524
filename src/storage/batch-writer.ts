// batchWriter: entries gathered in memory under a key (a later record merged into the one waiting) and written in one
// transaction per batch, for hot-path bookkeeping that must not cost a write per request (usage counts, last access).

import type { Database } from './database.js'
import type { Db } from './schema.js'

export interface BatchWriterOptions<T> {
  /** Writes one batch inside the transaction it is given. */
  readonly write: (tx: Db, batch: readonly T[]) => Promise<void>
  /** How long an entry may wait before its batch is written (ms); default 1000. */
  readonly flushMs?: number
  /** How many distinct keys may wait before the batch is written at once; default 10,000. */
  readonly maxPending?: number
}

export interface Flushable {
  /** Writes what is pending; resolves once written. */
  flush(): Promise<void>
  /** Writes what is pending, at shutdown. */
  close(): Promise<void>
}

export interface BatchWriter<T> extends Flushable {
  /** The entry waiting under `key`, for the caller to merge a new record into. */
  pending(key: string): T | undefined
  /** Puts `entry` under `key`; its batch is written within `flushMs`, or at once once `maxPending` keys wait. */
  put(key: string, entry: T): void
}

/**
 * Batches are written one after another, in the order they were cut. A batch whose write fails is dropped: the
 * bookkeeping it carried is approximate by nature, and the server keeps serving.
 */
export function batchWriter<T>(database: Database, options: BatchWriterOptions<T>): BatchWriter<T> {
  const flushMs = options.flushMs ?? 1000
  const maxPending = options.maxPending ?? 10_000
  const waiting = new Map<string, T>()
  let timer: NodeJS.Timeout | undefined
  let writing: Promise<void> = Promise.resolve()

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (waiting.size === 0) return writing
    const batch = [...waiting.values()]
    waiting.clear()
    writing = writing
      .then(() => database.transaction((tx) => options.write(tx, batch)))
      .catch(() => {}) // dropped, as documented above
    return writing
  }

  return {
    pending: (key) => waiting.get(key),
    put(key, entry) {
      waiting.set(key, entry)
      if (waiting.size >= maxPending) void flush()
      else timer ??= setTimeout(() => void flush(), flushMs).unref()
    },
    flush,
    close: flush,
  }
}
