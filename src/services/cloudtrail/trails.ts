// Trail lifecycle: CreateTrail, UpdateTrail, DeleteTrail
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html).
import type { CloudtrailApi } from '../../generated/cloudtrail/api.js'
import { MaximumNumberOfTrailsExceededException, TrailAlreadyExistsException } from '../../generated/cloudtrail/errors.js'
import { toDbBoolean } from '../../storage/columns.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import type { CloudTrailTrailRow } from '../../storage/migrations/0014-cloudtrail.js'
import type { TrailDeps } from './trail-deps.js'
import { checkTrailName, requireHomeRegion, requireTrail } from './trail-lookup.js'
import {
  checkBucketAccepts, checkBucketName, checkCloudWatchLogs, checkGlobalEvents, checkPrefix, requireOrganizationManagement, resolveKmsKey,
} from './trail-settings.js'
import { toTrailSettings } from './trail-shape.js'
import { checkTags, tagMap } from './trail-tags.js'
import { notifyTrailChange, trailChangesApplied } from './trails-index.js'
import { trailArn, trailStore, type TrailRowPatch } from './trails-store.js'

/** Trails per account and region (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html). */
const MAX_TRAILS_PER_REGION = 5

export function trailOperations(deps: TrailDeps) {
  const { database, clock, trails } = deps
  const alreadyExists = (name: string, accountId: string) => new TrailAlreadyExistsException(`Trail ${name} already exists for customer: ${accountId}`)
  const saved = async (accountId: string, homeRegion: string, name: string) => {
    await trailChangesApplied(trails)
    return toTrailSettings(trails.get(accountId, homeRegion, name)!)
  }

  return {
    async CreateTrail(input, ctx) {
      checkTrailName(input.Name)
      checkBucketName(input.S3BucketName)
      checkPrefix(input.S3KeyPrefix)
      const includeGlobal = input.IncludeGlobalServiceEvents ?? true
      const multiRegion = input.IsMultiRegionTrail ?? false
      checkGlobalEvents(multiRegion, includeGlobal)
      checkCloudWatchLogs(input.CloudWatchLogsLogGroupArn, input.CloudWatchLogsRoleArn)
      checkTags(input.TagsList)
      if (trails.get(ctx.accountId, ctx.region, input.Name)) throw alreadyExists(input.Name, ctx.accountId)
      if (trails.inAccount(ctx.accountId).filter((trail) => trail.homeRegion === ctx.region).length >= MAX_TRAILS_PER_REGION) {
        throw new MaximumNumberOfTrailsExceededException(`User: ${ctx.accountId} already has ${MAX_TRAILS_PER_REGION} trails in ${ctx.region}.`)
      }
      const arn = trailArn(trails.partition, { accountId: ctx.accountId, homeRegion: ctx.region, name: input.Name })
      const kmsKeyId = input.KmsKeyId === undefined ? null : resolveKmsKey(deps, input.KmsKeyId, arn, ctx)
      const organizationId = input.IsOrganizationTrail ? await requireOrganizationManagement(deps, ctx) : null
      await checkBucketAccepts(deps, input.S3BucketName, arn, ctx.accountId, input.S3KeyPrefix)
      const row: CloudTrailTrailRow = {
        account_id: ctx.accountId, home_region: ctx.region, name: input.Name,
        s3_bucket_name: input.S3BucketName, s3_key_prefix: input.S3KeyPrefix ?? null, sns_topic_name: input.SnsTopicName ?? null,
        include_global_service_events: toDbBoolean(includeGlobal), is_multi_region_trail: toDbBoolean(multiRegion),
        log_file_validation_enabled: toDbBoolean(input.EnableLogFileValidation ?? false),
        cloud_watch_logs_log_group_arn: input.CloudWatchLogsLogGroupArn ?? null, cloud_watch_logs_role_arn: input.CloudWatchLogsRoleArn ?? null,
        kms_key_id: kmsKeyId, is_organization_trail: toDbBoolean(organizationId !== null), organization_id: organizationId,
        event_selectors: null, advanced_event_selectors: null, tags: JSON.stringify(tagMap(input.TagsList)),
        is_logging: 0, start_logging_time: null, stop_logging_time: null,
        latest_delivery_time: null, latest_delivery_attempt_time: null, latest_delivery_error: null,
        latest_digest_delivery_time: null, latest_digest_delivery_error: null,
        created_at: clock.now().toISOString(),
      }
      try {
        await database.transaction(async (tx) => {
          await trailStore(tx).insert(row)
          await notifyTrailChange(database, ctx.accountId)
        })
      } catch (error) {
        if (error instanceof DuplicateKeyError) throw alreadyExists(input.Name, ctx.accountId)
        throw error
      }
      return saved(ctx.accountId, ctx.region, input.Name)
    },

    async UpdateTrail(input, ctx) {
      const trail = requireTrail(trails, input.Name, ctx)
      requireHomeRegion(trail, ctx)
      const patch: TrailRowPatch = {}
      if (input.S3BucketName !== undefined) {
        checkBucketName(input.S3BucketName)
        patch.s3_bucket_name = input.S3BucketName
      }
      if (input.S3KeyPrefix !== undefined) {
        checkPrefix(input.S3KeyPrefix)
        patch.s3_key_prefix = input.S3KeyPrefix === '' ? null : input.S3KeyPrefix
      }
      if (input.SnsTopicName !== undefined) patch.sns_topic_name = input.SnsTopicName === '' ? null : input.SnsTopicName
      const includeGlobal = input.IncludeGlobalServiceEvents ?? trail.includeGlobalServiceEvents
      const multiRegion = input.IsMultiRegionTrail ?? trail.isMultiRegionTrail
      checkGlobalEvents(multiRegion, includeGlobal)
      patch.include_global_service_events = toDbBoolean(includeGlobal)
      patch.is_multi_region_trail = toDbBoolean(multiRegion)
      if (input.EnableLogFileValidation !== undefined) patch.log_file_validation_enabled = toDbBoolean(input.EnableLogFileValidation)
      if (input.CloudWatchLogsLogGroupArn !== undefined || input.CloudWatchLogsRoleArn !== undefined) {
        // Empty strings for both stop CloudWatch Logs delivery.
        const group = input.CloudWatchLogsLogGroupArn || undefined
        const role = input.CloudWatchLogsRoleArn || undefined
        checkCloudWatchLogs(group, role)
        patch.cloud_watch_logs_log_group_arn = group ?? null
        patch.cloud_watch_logs_role_arn = role ?? null
      }
      if (input.KmsKeyId !== undefined) patch.kms_key_id = input.KmsKeyId === '' ? null : resolveKmsKey(deps, input.KmsKeyId, trail.arn, ctx)
      if (input.IsOrganizationTrail !== undefined) {
        const organizationId = input.IsOrganizationTrail ? await requireOrganizationManagement(deps, ctx) : null
        patch.is_organization_trail = toDbBoolean(organizationId !== null)
        patch.organization_id = organizationId
      }
      if (patch.s3_bucket_name !== undefined || patch.s3_key_prefix !== undefined) {
        const prefix = patch.s3_key_prefix === undefined ? trail.s3KeyPrefix : patch.s3_key_prefix ?? undefined
        await checkBucketAccepts(deps, patch.s3_bucket_name ?? trail.s3BucketName, trail.arn, ctx.accountId, prefix)
      }
      await database.transaction(async (tx) => {
        await trailStore(tx).update(trail.accountId, trail.homeRegion, trail.name, patch)
        await notifyTrailChange(database, ctx.accountId)
      })
      return saved(trail.accountId, trail.homeRegion, trail.name)
    },

    async DeleteTrail(input, ctx) {
      const trail = requireTrail(trails, input.Name, ctx)
      requireHomeRegion(trail, ctx)
      // What the trail has buffered is delivered before it goes, as StopLogging would.
      await deps.flushEvents?.()
      await deps.delivery.finishTrail(trail)
      await database.transaction(async (tx) => {
        await trailStore(tx).delete(trail.accountId, trail.homeRegion, trail.name)
        await notifyTrailChange(database, ctx.accountId)
      })
      await trailChangesApplied(trails)
      return {}
    },
  } satisfies Partial<CloudtrailApi>
}
