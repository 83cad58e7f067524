// Reading trails: GetTrail, DescribeTrails, ListTrails, GetTrailStatus
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html).
import type { CloudtrailApi } from '../../generated/cloudtrail/api.js'
import type { TrailDeps } from './trail-deps.js'
import { requireTrail } from './trail-lookup.js'
import { toTrailShape } from './trail-shape.js'
import type { IndexedTrail } from './trails-index.js'

export function trailReadOperations({ trails, organizations }: TrailDeps) {
  /** The organization trails a member account sees beside its own (they record it; it cannot change them). */
  const organizationTrails = (accountId: string): IndexedTrail[] => {
    const membership = organizations?.membership(accountId)
    if (!membership || membership.managementAccountId === accountId) return []
    return trails.inAccount(membership.managementAccountId)
      .filter((trail) => trail.isOrganizationTrail && trail.organizationId === membership.organizationId)
  }
  const byArn = (a: IndexedTrail, b: IndexedTrail) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0)
  return {
    async GetTrail(input, ctx) {
      return { Trail: toTrailShape(requireTrail(trails, input.Name, ctx)) }
    },

    /**
     * Without names: the region's trails and (includeShadowTrails, default true) the multi-region trails of other
     * regions, with the organization's trails for a member account. With names: a name matches the region's trails
     * (and shadows), an ARN any trail of the account; names that match no trail are left out, as AWS does.
     */
    async DescribeTrails(input, ctx) {
      const shadows = input.includeShadowTrails ?? true
      const all = [...trails.inAccount(ctx.accountId), ...organizationTrails(ctx.accountId)].sort(byArn)
      // Shadows: another region's multi-region trails and, in a member account, the organization's trails ("If you do
      // not include shadow trails, organization trails in a member account and region replication trails will not be
      // returned", https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html).
      const visible = all.filter((trail) => (trail.homeRegion === ctx.region && trail.accountId === ctx.accountId)
        || (shadows && (trail.homeRegion === ctx.region || trail.isMultiRegionTrail)))
      const names = input.trailNameList ?? []
      const listed = names.length === 0
        ? visible
        : all.filter((trail) => names.includes(trail.arn) || (names.includes(trail.name) && visible.includes(trail)))
      return { trailList: listed.map(toTrailShape) }
    },

    /** Every trail of the account, in every region. */
    async ListTrails(_input, ctx) {
      return {
        Trails: [...trails.inAccount(ctx.accountId)].sort(byArn).map((trail) => ({ TrailARN: trail.arn, Name: trail.name, HomeRegion: trail.homeRegion })),
      }
    },

    /** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html */
    async GetTrailStatus(input, ctx) {
      const trail = requireTrail(trails, input.Name, ctx)
      const text = (date: Date | undefined) => date?.toISOString().replace(/\.\d{3}Z$/, 'Z')
      return {
        IsLogging: trail.isLogging,
        ...(trail.latestDeliveryError !== undefined && { LatestDeliveryError: trail.latestDeliveryError }),
        ...(trail.latestDeliveryTime && { LatestDeliveryTime: trail.latestDeliveryTime }),
        ...(trail.startLoggingTime && { StartLoggingTime: trail.startLoggingTime, TimeLoggingStarted: text(trail.startLoggingTime) }),
        ...(trail.stopLoggingTime && { StopLoggingTime: trail.stopLoggingTime, TimeLoggingStopped: text(trail.stopLoggingTime) }),
        ...(trail.latestDigestDeliveryTime && { LatestDigestDeliveryTime: trail.latestDigestDeliveryTime }),
        ...(trail.latestDigestDeliveryError !== undefined && { LatestDigestDeliveryError: trail.latestDigestDeliveryError }),
        ...(trail.latestDeliveryAttemptTime && {
          LatestDeliveryAttemptTime: text(trail.latestDeliveryAttemptTime),
          LatestDeliveryAttemptSucceeded: text(trail.latestDeliveryTime) ?? '',
        }),
        LatestNotificationAttemptTime: '',
        LatestNotificationAttemptSucceeded: '',
      }
    },
  } satisfies Partial<CloudtrailApi>
}
