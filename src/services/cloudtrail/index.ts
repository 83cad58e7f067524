// The CloudTrail service: recording every call (the pipeline's audit sink, with an in-process subscription to the
// committed records), event history (LookupEvents) and its expiry, console sign-in events; trails join as modules.
import type { Clock } from '../../core/clock.js'
import type { Database } from '../../storage/database.js'
import { lookupAuthorization } from './authorization.js'
import type { CloudTrailRecorder } from './event-recorder.js'
import { lookupOperations } from './lookup-events.js'
import { trailAuthorization, trailHandlers, type TrailDeps } from './trail-service.js'

export { cloudTrailRecorder, type CloudTrailEvents, type CloudTrailListener, type CloudTrailRecorder } from './event-recorder.js'
export type { CloudTrailRecord } from './event-record.js'
export { HIDDEN } from './record-members.js'
export { startEventExpiry, expireEvents } from './event-expiry.js'
export { consoleLoginRecord, type ConsoleLogin } from './console-login.js'
export { kmsServiceEvents, type KmsSweepOutcome } from './service-event.js'
export { startTrails, resealSigningKeys, TRAILS_CHANGED, type DeliveryOptions, type TrailRuntime } from './trail-service.js'
export { cloudTrailTrustedAccess } from './trail-org-access.js'
export { validateLogs, type LogBucketReader, type ValidationReport } from './validate-logs.js'

export interface CloudTrailDeps {
  readonly database: Database
  readonly clock: Clock
  /** The recorder of this process: a lookup first writes the calls still waiting for their batch. */
  readonly recorder?: Pick<CloudTrailRecorder, 'flush'>
  /** Trails, their delivery and digests (trail-service.ts: startTrails gives these). */
  readonly trails?: TrailDeps
}

/** Handler modules with their authorization entries; operations no module implements answer NotImplemented. */
export function cloudtrailModules(deps: CloudTrailDeps) {
  return [
    { handlers: lookupOperations({ database: deps.database, clock: deps.clock, flushPending: deps.recorder?.flush }), authorization: lookupAuthorization },
    ...(deps.trails ? [{ handlers: trailHandlers(deps.trails), authorization: trailAuthorization(deps.trails.trails) }] : []),
  ]
}
