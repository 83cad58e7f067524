// StartLogging and StopLogging (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html).
import type { CloudtrailApi } from '../../generated/cloudtrail/api.js'
import type { TrailDeps } from './trail-deps.js'
import { requireHomeRegion, requireTrail } from './trail-lookup.js'
import { notifyTrailChange, trailChangesApplied } from './trails-index.js'
import { trailStore } from './trails-store.js'

export function trailLoggingOperations({ database, clock, trails, delivery, flushEvents }: TrailDeps) {
  return {
    async StartLogging(input, ctx) {
      const trail = requireTrail(trails, input.Name, ctx)
      requireHomeRegion(trail, ctx)
      if (trail.isLogging) return {}
      const now = clock.now()
      await database.transaction(async (tx) => {
        await trailStore(tx).update(trail.accountId, trail.homeRegion, trail.name, { is_logging: 1, start_logging_time: now.toISOString() })
        await notifyTrailChange(database, ctx.accountId)
      })
      await trailChangesApplied(trails)
      await delivery.startTrail(trails.get(trail.accountId, trail.homeRegion, trail.name)!)
      return {}
    },

    /** Stopping delivers what the trail holds, then a last digest file for each of its chains. */
    async StopLogging(input, ctx) {
      const trail = requireTrail(trails, input.Name, ctx)
      requireHomeRegion(trail, ctx)
      if (!trail.isLogging) return {}
      await flushEvents?.()
      await database.transaction(async (tx) => {
        await trailStore(tx).update(trail.accountId, trail.homeRegion, trail.name, { is_logging: 0, stop_logging_time: clock.now().toISOString() })
        await notifyTrailChange(database, ctx.accountId)
      })
      await trailChangesApplied(trails)
      await delivery.finishTrail(trails.get(trail.accountId, trail.homeRegion, trail.name)!)
      await trailChangesApplied(trails) // the delivery status it recorded, for the next GetTrailStatus
      return {}
    },
  } satisfies Partial<CloudtrailApi>
}
