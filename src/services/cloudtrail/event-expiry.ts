// Event history keeps 90 days: a periodic sweep deletes older events (and data events) in small transactions.
import type { Clock } from '../../core/clock.js'
import type { Database } from '../../storage/database.js'
import { deleteBatchesBefore } from './event-store.js'
import { EVENT_HISTORY_DAYS } from './lookup-events.js'
import { recordTime } from './record-members.js'

/** Deletes every event older than 90 days before `clock.now()`; resolves with how many events went. */
export function expireEvents(database: Database, clock: Clock): Promise<number> {
  const cutoff = recordTime(new Date(clock.now().getTime() - EVENT_HISTORY_DAYS * 86_400_000))
  return deleteBatchesBefore((work) => database.transaction(work), cutoff)
}

/** Runs `expireEvents` every `intervalMs`; the result stops it and waits for a sweep under way. */
export function startEventExpiry(database: Database, clock: Clock, intervalMs: number, onError: (error: unknown) => void): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    running = running.then(() => expireEvents(database, clock)).catch(onError)
  }, intervalMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
