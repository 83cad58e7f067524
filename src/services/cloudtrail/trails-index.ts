// TrailIndex: every trail in memory with its compiled selectors, so routing each recorded event to the trails that
// log it never queries SQL. Writers notify `cloudtrail.trails`; trails are few, so the index reloads them all.
import type { Database } from '../../storage/database.js'
import { compileSelectors, selectsDataEvents, type EventPredicate } from './selectors.js'
import { toTrail, trailStore, type Trail } from './trails-store.js'

export const TRAILS_CHANGED = 'cloudtrail.trails'

export interface IndexedTrail extends Trail {
  readonly selects: EventPredicate
  /** Whether its selectors may select data events (most trails log management events only). */
  readonly logsDataEvents: boolean
}

export interface TrailIndex {
  readonly partition: string
  get(accountId: string, homeRegion: string, name: string): IndexedTrail | undefined
  /** The account's trails in every region. */
  inAccount(accountId: string): readonly IndexedTrail[]
  /** Every trail (the same array until the next change: the event path reads it per event). */
  all(): readonly IndexedTrail[]
  /** Resolves once every change notified so far in this process has been applied. */
  settled(): Promise<void>
  close(): Promise<void>
}

/** Inside a mutating transaction: tells every trail index to reload. */
export function notifyTrailChange(database: Database, accountId: string): Promise<void> {
  return database.notify(TRAILS_CHANGED, accountId)
}

/** After a transaction that notified a change: resolves once this process's index has applied it. */
export async function trailChangesApplied(index: TrailIndex): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve)) // the bus delivers on a later microtask
  await index.settled()
}

export async function loadTrailIndex(database: Database, partition: string): Promise<TrailIndex> {
  let trails = new Map<string, IndexedTrail>()
  let list: IndexedTrail[] = []
  const reload = async () => {
    const next = new Map<string, IndexedTrail>()
    for (const row of await trailStore(database.db).all()) {
      const trail = toTrail(row, partition)
      next.set(key(trail.accountId, trail.homeRegion, trail.name), { ...trail, selects: compileSelectors(trail), logsDataEvents: selectsDataEvents(trail) })
    }
    trails = next
    list = [...next.values()]
  }
  let queue: Promise<void> = Promise.resolve()
  const enqueue = () => {
    // A failed reload leaves no trail logging rather than a stale set (fails closed: nothing is sent anywhere).
    queue = queue.then(reload).catch(() => { trails = new Map(); list = [] })
    return queue
  }
  const unsubscribe = await database.subscribe(TRAILS_CHANGED, () => void enqueue(), { onMissed: () => void enqueue() })
  await reload()
  return {
    partition,
    get: (accountId, homeRegion, name) => trails.get(key(accountId, homeRegion, name)),
    inAccount: (accountId) => [...trails.values()].filter((trail) => trail.accountId === accountId),
    all: () => list,
    async settled() {
      let seen: Promise<void> | undefined
      while (seen !== queue) await (seen = queue)
    },
    close: unsubscribe,
  }
}

function key(accountId: string, homeRegion: string, name: string): string {
  return `${accountId}/${homeRegion}/${name}`
}
