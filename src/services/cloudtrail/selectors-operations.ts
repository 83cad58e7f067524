// PutEventSelectors, GetEventSelectors and GetInsightSelectors
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html).
import type { CloudtrailApi } from '../../generated/cloudtrail/api.js'
import { InsightNotEnabledException, InvalidParameterCombinationException, UnsupportedOperationException } from '../../generated/cloudtrail/errors.js'
import { DEFAULT_EVENT_SELECTORS } from './selectors.js'
import { checkAdvancedEventSelectors, checkEventSelectors, checkSelectorChoice } from './selectors-validate.js'
import type { TrailDeps } from './trail-deps.js'
import { requireHomeRegion, requireTrail } from './trail-lookup.js'
import { notifyTrailChange, trailChangesApplied } from './trails-index.js'
import { trailStore } from './trails-store.js'

export function selectorOperations({ database, trails }: TrailDeps) {
  return {
    /** One kind replaces the other: advanced selectors overwrite basic ones and the reverse. */
    async PutEventSelectors(input, ctx) {
      const trail = requireTrail(trails, input.TrailName, ctx)
      requireHomeRegion(trail, ctx)
      checkSelectorChoice(input.EventSelectors, input.AdvancedEventSelectors)
      if (input.EventSelectors) checkEventSelectors(input.EventSelectors)
      if (input.AdvancedEventSelectors) checkAdvancedEventSelectors(input.AdvancedEventSelectors)
      await database.transaction(async (tx) => {
        await trailStore(tx).update(trail.accountId, trail.homeRegion, trail.name, {
          event_selectors: input.EventSelectors ? JSON.stringify(input.EventSelectors) : null,
          advanced_event_selectors: input.AdvancedEventSelectors ? JSON.stringify(input.AdvancedEventSelectors) : null,
        })
        await notifyTrailChange(database, ctx.accountId)
      })
      await trailChangesApplied(trails)
      return {
        TrailARN: trail.arn,
        ...(input.EventSelectors ? { EventSelectors: input.EventSelectors } : { AdvancedEventSelectors: input.AdvancedEventSelectors }),
      }
    },

    async GetEventSelectors(input, ctx) {
      const trail = requireTrail(trails, input.TrailName, ctx)
      return trail.advancedEventSelectors
        ? { TrailARN: trail.arn, AdvancedEventSelectors: [...trail.advancedEventSelectors] }
        : { TrailARN: trail.arn, EventSelectors: [...(trail.eventSelectors ?? DEFAULT_EVENT_SELECTORS)] }
    },

    /** Insights are never enabled here (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetInsightSelectors.html). */
    async GetInsightSelectors(input, ctx) {
      if (input.TrailName !== undefined && input.EventDataStore !== undefined) {
        throw new InvalidParameterCombinationException('You cannot specify both TrailName and EventDataStore.')
      }
      if (input.EventDataStore !== undefined) throw new UnsupportedOperationException('Event data stores are not supported.')
      if (input.TrailName === undefined) throw new InvalidParameterCombinationException('You must specify either TrailName or EventDataStore.')
      const trail = requireTrail(trails, input.TrailName, ctx)
      throw new InsightNotEnabledException(`Trail ${trail.name} does not have Insights enabled.`)
    },
  } satisfies Partial<CloudtrailApi>
}
