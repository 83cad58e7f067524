// TrailDelivery: routes each recorded event to the logging trails that select it, buffers it per trail, region
// and account, and writes the buffers as log files every `logIntervalMs` (AWS: about every 5 minutes), on StopLogging
// and DeleteTrail, and on close; writes each validated trail's digest files every `digestIntervalMs` (AWS: hourly).
import type { Clock } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import { deliverDigest, deliverLogFile, openChain, type DeliveryFileDeps } from './delivery-files.js'
import type { TrailEvent, TrailOrganizations } from './trail-ports.js'
import type { IndexedTrail, TrailIndex } from './trails-index.js'
import { trailStore, type Trail } from './trails-store.js'

export interface TrailDelivery {
  /** Buffers `event` for every logging trail that records it; never waits and never throws (the request path calls it). */
  accept(event: TrailEvent): void
  /**
   * Whether a logging trail that may select data events covers `accountId` in `region` at `at` (ms): the recorder
   * builds no data event otherwise. Cheap: it runs on the request path of every S3 object call.
   */
  coversDataEvents(accountId: string, region: string, at: number): boolean
  /** Whether any trail exists: without one, the recorder keeps no record for this subscriber. */
  listening(): boolean
  /** Whether some logging trail records `event` (a data event is built and stored only then). */
  selects(event: TrailEvent): boolean
  /** Writes every buffered log file, then every digest that is due. */
  deliver(): Promise<void>
  /** StartLogging: opens the trail's digest chain in its home region. */
  startTrail(trail: Trail): Promise<void>
  /** StopLogging, DeleteTrail: writes what the trail holds, then a last digest for each of its chains. */
  finishTrail(trail: Trail): Promise<void>
  /** Stops the timers and writes what every trail holds. */
  close(): Promise<void>
}

export interface DeliveryOptions {
  /** How often buffered events are written as log files. Default 5 minutes. */
  readonly logIntervalMs?: number
  /** How often a validated trail's digest file is written. Default 1 hour. */
  readonly digestIntervalMs?: number
}

export interface TrailDeliveryDeps extends DeliveryFileDeps {
  readonly trails: TrailIndex
  readonly organizations?: TrailOrganizations
  readonly log: Logger
  readonly clock: Clock
}

/** A log file holds at most this many records; a fuller buffer is written at once. */
const MAX_RECORDS_PER_FILE = 5000
/** Events kept for a trail whose bucket refuses its files, while it does; older ones beyond this are dropped. */
const MAX_HELD_EVENTS = 50_000
/** Global services' events go only to trails that include global service events. */
const GLOBAL_SOURCES = new Set(['iam.amazonaws.com', 'sts.amazonaws.com', 'signin.amazonaws.com', 'cloudfront.amazonaws.com', 'route53.amazonaws.com', 'organizations.amazonaws.com'])

interface EventBuffer {
  readonly trailKey: string
  readonly accountId: string
  readonly region: string
  events: TrailEvent[]
}

export function trailDelivery(deps: TrailDeliveryDeps, options: DeliveryOptions = {}): TrailDelivery {
  const logIntervalMs = options.logIntervalMs ?? 5 * 60_000
  const digestIntervalMs = options.digestIntervalMs ?? 60 * 60_000
  const buffers = new Map<string, EventBuffer>() // `trailKey|region|account`
  // All writing runs one step at a time, so a digest never races the log file it should list.
  let queue: Promise<unknown> = Promise.resolve()
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work)
    queue = next.catch((error: unknown) => deps.log.error('cloudtrail delivery failed', { error: String(error) }))
    return next
  }

  /** Whether the trail covers the account (its own; a member's, for an organization trail) and the region. */
  const covers = (trail: IndexedTrail, accountId: string, region: string): boolean => {
    if (accountId !== trail.accountId) {
      if (!trail.isOrganizationTrail || trail.organizationId === undefined) return false
      if (deps.organizations?.membership(accountId)?.organizationId !== trail.organizationId) return false
    }
    return region === trail.homeRegion || trail.isMultiRegionTrail
  }

  const recordsFor = (trail: IndexedTrail, event: TrailEvent): boolean => {
    if (!covers(trail, event.recipientAccountId, event.awsRegion)) return false
    if (!trail.includeGlobalServiceEvents && GLOBAL_SOURCES.has(event.eventSource)) return false
    return trail.selects(event)
  }

  const writeBuffers = async (only?: (buffer: EventBuffer) => boolean) => {
    for (const [id, buffer] of [...buffers]) {
      if (buffer.events.length === 0 || (only && !only(buffer))) continue
      const trail = deps.trails.all().find((candidate) => trailKey(candidate) === buffer.trailKey)
      // A trail deleted (or erased by a reset) and created again under its name does not inherit what its
      // predecessor held: only events from this trail's creation on are written.
      const created = trail ? Math.floor(trail.createdAt.getTime() / 1000) * 1000 : 0
      const events = trail ? buffer.events.filter((event) => Date.parse(event.eventTime) >= created) : []
      buffer.events = []
      if (!trail) {
        buffers.delete(id) // the trail is gone
        continue
      }
      if (events.length === 0) continue
      for (let start = 0; start < events.length; start += MAX_RECORDS_PER_FILE) {
        const part = events.slice(start, start + MAX_RECORDS_PER_FILE)
        if (!(await deliverLogFile(deps, trail, { accountId: buffer.accountId, region: buffer.region }, part))) {
          // Refused (no bucket, no permission): keep the events for the next attempt, within bounds.
          buffer.events = [...events.slice(start), ...buffer.events].slice(-MAX_HELD_EVENTS)
          break
        }
      }
    }
  }

  const writeDigests = async (due: (chainStart: Date) => boolean, onlyTrail?: Trail) => {
    for (const chain of await trailStore(deps.database.db).allChains()) {
      const trail = deps.trails.get(chain.account_id, chain.home_region, chain.trail_name)
      if (!trail || !trail.logFileValidationEnabled) continue
      if (onlyTrail && trailKey(trail) !== trailKey(onlyTrail)) continue
      if (!onlyTrail && !trail.isLogging) continue
      // Checked again in deliverDigest's transaction (another process may have written it): this skips the signing
      // key lookup and the transaction for the chains not due, most of them on each timer tick.
      if (!due(new Date(chain.digest_start_time))) continue
      await deliverDigest(deps, trail, chain, due)
    }
  }

  const digestsDue = () => {
    const now = deps.clock.now().getTime()
    return writeDigests((start) => now - start.getTime() >= digestIntervalMs)
  }
  const deliver = () => serially(async () => {
    await writeBuffers()
    await digestsDue()
  })

  const logTimer = setInterval(() => void serially(() => writeBuffers()).catch(() => {}), logIntervalMs)
  logTimer.unref()
  // Digests are due an interval after each chain's last one: look often enough to write each close to its time.
  const digestTimer = setInterval(() => void serially(digestsDue).catch(() => {}), Math.min(digestIntervalMs, 60_000))
  digestTimer.unref()

  return {
    coversDataEvents(accountId, region, at) {
      const trails = deps.trails.all()
      for (const trail of trails) {
        if (trail.logsDataEvents && loggingAt(trail, at) && covers(trail, accountId, region)) return true
      }
      return false
    },
    listening: () => deps.trails.all().length > 0,
    selects(event) {
      const trails = deps.trails.all()
      if (trails.length === 0) return false // the recorder asks for every record: most deployments have no trail
      const at = Date.parse(event.eventTime)
      return trails.some((trail) => loggingAt(trail, at) && recordsFor(trail, event))
    },
    accept(event) {
      const trails = deps.trails.all()
      if (trails.length === 0) return // most deployments: no trail, nothing to parse or route
      const at = Date.parse(event.eventTime)
      for (const trail of trails) {
        if (!loggingAt(trail, at) || !recordsFor(trail, event)) continue
        const key = trailKey(trail)
        const id = `${key}|${event.awsRegion}|${event.recipientAccountId}`
        let buffer = buffers.get(id)
        if (!buffer) buffers.set(id, buffer = { trailKey: key, accountId: event.recipientAccountId, region: event.awsRegion, events: [] })
        buffer.events.push(event)
        if (buffer.events.length === MAX_RECORDS_PER_FILE) void serially(() => writeBuffers((candidate) => candidate === buffer))
      }
    },
    deliver,
    startTrail: (trail) => serially(async () => {
      if (trail.logFileValidationEnabled) await openChain(deps, trail, trail.startLoggingTime ?? deps.clock.now())
    }),
    finishTrail: (trail) => serially(async () => {
      await writeBuffers((buffer) => buffer.trailKey === trailKey(trail))
      await writeDigests(() => true, trail)
    }),
    async close() {
      clearInterval(logTimer)
      clearInterval(digestTimer)
      await serially(async () => {
        await writeBuffers()
        // Files written since the last digest get one now, so none is left uncovered by a restart.
        const pending = await trailStore(deps.database.db).allChains()
        const withFiles = new Set(pending.filter((chain) => chain.pending_log_files !== '[]').map((chain) => `${chain.account_id}/${chain.home_region}/${chain.trail_name}`))
        for (const trail of deps.trails.all().filter((candidate) => withFiles.has(trailKey(candidate)))) await writeDigests(() => true, trail)
      }).catch(() => {})
    },
  }
}

/**
 * Whether the trail was logging when the event happened: events reach subscribers shortly after their calls, so a
 * call made just before StopLogging is still the trail's, and one made before StartLogging is not.
 */
function loggingAt(trail: Trail, at: number): boolean {
  if (!trail.startLoggingTime) return false
  if (at < Math.floor(trail.startLoggingTime.getTime() / 1000) * 1000) return false // event times have second precision
  return trail.isLogging || (trail.stopLoggingTime !== undefined && at <= trail.stopLoggingTime.getTime())
}

function trailKey(trail: Pick<Trail, 'accountId' | 'homeRegion' | 'name'>): string {
  return `${trail.accountId}/${trail.homeRegion}/${trail.name}`
}
