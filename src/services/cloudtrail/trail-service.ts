// The trail side of CloudTrail in one place: its operations, their authorization, and the runtime that delivers
// log and digest files (started by the composition root, spread into the CloudTrail service by index.ts).
import type { Clock } from '../../core/clock.js'
import type { Ids } from '../../core/ids.js'
import type { Logger } from '../../core/logger.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { CloudtrailApi } from '../../generated/cloudtrail/api.js'
import type { Database } from '../../storage/database.js'
import { digestSigningKeys, publicKeyOperations } from './digest-keys.js'
import { trailDelivery, type DeliveryOptions } from './delivery.js'
import { selectorOperations } from './selectors-operations.js'
import type { TrailDeps } from './trail-deps.js'
import type { LogFileSink, TrailEventSource, TrailKmsKeys, TrailOrganizations } from './trail-ports.js'
import { trailTagOperations } from './trail-tags.js'
import { trailOperations } from './trails.js'
import { type TrailOperationName } from './trails-authorization.js'
import { loadTrailIndex, trailChangesApplied } from './trails-index.js'
import { trailLoggingOperations } from './trails-logging.js'
import { trailReadOperations } from './trails-read.js'

export { trailAuthorization, type TrailOperationName } from './trails-authorization.js'
export { TRAILS_CHANGED } from './trails-index.js'
export { resealSigningKeys } from './digest-keys.js'
export type { DeliveryOptions } from './delivery.js'
export type { TrailDeps } from './trail-deps.js'
export { LogFileDeliveryError, type DataEventInterest, type DeliveryRefusal, type LogFileObject, type LogFileSink, type TrailEvent, type TrailEventSource, type TrailKmsKeys, type TrailOrganizations } from './trail-ports.js'

export function trailHandlers(deps: TrailDeps): Pick<CloudtrailApi, TrailOperationName> {
  return {
    ...trailOperations(deps),
    ...trailReadOperations(deps),
    ...trailLoggingOperations(deps),
    ...selectorOperations(deps),
    ...trailTagOperations(deps),
    ...publicKeyOperations(deps),
  }
}

export interface TrailRuntimeOptions {
  readonly database: Database
  readonly clock: Clock
  readonly ids: Ids
  readonly box: SecretBox
  readonly log: Logger
  readonly partition: string
  readonly sink: LogFileSink
  /** The recorded events; without it trails are managed but receive nothing. */
  readonly events?: TrailEventSource
  readonly kmsKeys?: TrailKmsKeys
  readonly organizations?: TrailOrganizations
  readonly delivery?: DeliveryOptions
  /** Publishes the recorded events still waiting for their batch. */
  readonly flushEvents?: () => Promise<void>
}

export interface TrailRuntime {
  readonly deps: TrailDeps
  /** Writes every buffered log file and due digest now. */
  deliver(): Promise<void>
  /** Unsubscribes, writes what is buffered (log files, then their digests) and stops. */
  close(): Promise<void>
}

export async function startTrails(options: TrailRuntimeOptions): Promise<TrailRuntime> {
  const { database, clock, ids, box, log, sink } = options
  const trails = await loadTrailIndex(database, options.partition)
  const signingKeys = digestSigningKeys({ database, box, clock })
  const delivery = trailDelivery({ database, clock, ids, sink, signingKeys, trails, log, ...(options.organizations && { organizations: options.organizations }) }, options.delivery)
  const unsubscribe = options.events?.subscribe((event) => delivery.accept(event), delivery) ?? (() => {})
  const deps: TrailDeps = {
    database, clock, ids, trails, sink, delivery, signingKeys,
    ...(options.kmsKeys && { kmsKeys: options.kmsKeys }),
    ...(options.organizations && { organizations: options.organizations }),
    ...(options.flushEvents && { flushEvents: options.flushEvents }),
  }
  return {
    deps,
    async deliver() {
      await delivery.deliver()
      await trailChangesApplied(trails) // the delivery status it recorded
    },
    async close() {
      unsubscribe()
      await delivery.close()
      await trails.close()
    },
  }
}
