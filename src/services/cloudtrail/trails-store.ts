// TrailStore: the SQL for trails and their digest chains, and the mapping between rows and the Trail model.
import type { AdvancedEventSelector, EventSelector } from '../../generated/cloudtrail/types.js'
import { fromDbBoolean } from '../../storage/columns.js'
import type { CloudTrailDigestChainRow, CloudTrailTrailRow } from '../../storage/migrations/0014-cloudtrail.js'
import type { Db } from '../../storage/schema.js'

export type { CloudTrailDigestChainRow, CloudTrailTrailRow }

export interface Trail {
  readonly accountId: string
  readonly homeRegion: string
  readonly name: string
  readonly arn: string
  readonly s3BucketName: string
  readonly s3KeyPrefix?: string
  readonly snsTopicName?: string
  readonly includeGlobalServiceEvents: boolean
  readonly isMultiRegionTrail: boolean
  readonly logFileValidationEnabled: boolean
  readonly cloudWatchLogsLogGroupArn?: string
  readonly cloudWatchLogsRoleArn?: string
  readonly kmsKeyId?: string
  readonly isOrganizationTrail: boolean
  readonly organizationId?: string
  /** Undefined: the default selector (all management events, read and write). */
  readonly eventSelectors?: readonly EventSelector[]
  readonly advancedEventSelectors?: readonly AdvancedEventSelector[]
  readonly tags: Readonly<Record<string, string>>
  readonly isLogging: boolean
  readonly startLoggingTime?: Date
  readonly stopLoggingTime?: Date
  readonly latestDeliveryTime?: Date
  readonly latestDeliveryAttemptTime?: Date
  readonly latestDeliveryError?: string
  readonly latestDigestDeliveryTime?: Date
  readonly latestDigestDeliveryError?: string
  readonly createdAt: Date
}

export type TrailRowPatch = Partial<Omit<CloudTrailTrailRow, 'account_id' | 'home_region' | 'name'>>

export function trailArn(partition: string, trail: { accountId: string; homeRegion: string; name: string }): string {
  return `arn:${partition}:cloudtrail:${trail.homeRegion}:${trail.accountId}:trail/${trail.name}`
}

export function trailStore(db: Db) {
  const byKey = (accountId: string, homeRegion: string, name: string) =>
    db.updateTable('cloudtrail_trails').where('account_id', '=', accountId).where('home_region', '=', homeRegion).where('name', '=', name)
  return {
    /** DuplicateKeyError when the account already has a trail of that name in the region. */
    async insert(row: CloudTrailTrailRow): Promise<void> {
      await db.insertInto('cloudtrail_trails').values(row).execute()
    },

    async update(accountId: string, homeRegion: string, name: string, patch: TrailRowPatch): Promise<void> {
      await byKey(accountId, homeRegion, name).set(patch).execute()
    },

    /** A deleted trail takes its digest chains with it. */
    async delete(accountId: string, homeRegion: string, name: string): Promise<void> {
      await db.deleteFrom('cloudtrail_trails').where('account_id', '=', accountId).where('home_region', '=', homeRegion).where('name', '=', name).execute()
      await db.deleteFrom('cloudtrail_digest_chains').where('account_id', '=', accountId).where('home_region', '=', homeRegion)
        .where('trail_name', '=', name).execute()
    },

    async all(): Promise<CloudTrailTrailRow[]> {
      return db.selectFrom('cloudtrail_trails').selectAll().execute()
    },

    async chain(key: ChainKey): Promise<CloudTrailDigestChainRow | undefined> {
      return db.selectFrom('cloudtrail_digest_chains').selectAll()
        .where('account_id', '=', key.account_id).where('home_region', '=', key.home_region).where('trail_name', '=', key.trail_name)
        .where('region', '=', key.region).where('log_account_id', '=', key.log_account_id)
        .executeTakeFirst()
    },

    async chains(accountId: string, homeRegion: string, trailName: string): Promise<CloudTrailDigestChainRow[]> {
      return db.selectFrom('cloudtrail_digest_chains').selectAll()
        .where('account_id', '=', accountId).where('home_region', '=', homeRegion).where('trail_name', '=', trailName).execute()
    },

    async allChains(): Promise<CloudTrailDigestChainRow[]> {
      return db.selectFrom('cloudtrail_digest_chains').selectAll().execute()
    },

    async putChain(row: CloudTrailDigestChainRow): Promise<void> {
      const { account_id, home_region, trail_name, region, log_account_id, ...rest } = row
      const updated = await db.updateTable('cloudtrail_digest_chains').set(rest)
        .where('account_id', '=', account_id).where('home_region', '=', home_region).where('trail_name', '=', trail_name)
        .where('region', '=', region).where('log_account_id', '=', log_account_id)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) === 0) await db.insertInto('cloudtrail_digest_chains').values(row).execute()
    },
  }
}

export type ChainKey = Pick<CloudTrailDigestChainRow, 'account_id' | 'home_region' | 'trail_name' | 'region' | 'log_account_id'>

export function toTrail(row: CloudTrailTrailRow, partition: string): Trail {
  const date = (value: string | null) => (value === null ? undefined : new Date(value))
  const optional = <K extends string>(key: K, value: string | null) => (value === null ? {} : { [key]: value } as Record<K, string>)
  const trail = { accountId: row.account_id, homeRegion: row.home_region, name: row.name }
  return {
    ...trail,
    arn: trailArn(partition, trail),
    s3BucketName: row.s3_bucket_name,
    ...optional('s3KeyPrefix', row.s3_key_prefix),
    ...optional('snsTopicName', row.sns_topic_name),
    includeGlobalServiceEvents: fromDbBoolean(row.include_global_service_events),
    isMultiRegionTrail: fromDbBoolean(row.is_multi_region_trail),
    logFileValidationEnabled: fromDbBoolean(row.log_file_validation_enabled),
    ...optional('cloudWatchLogsLogGroupArn', row.cloud_watch_logs_log_group_arn),
    ...optional('cloudWatchLogsRoleArn', row.cloud_watch_logs_role_arn),
    ...optional('kmsKeyId', row.kms_key_id),
    isOrganizationTrail: fromDbBoolean(row.is_organization_trail),
    ...optional('organizationId', row.organization_id),
    ...(row.event_selectors !== null && { eventSelectors: JSON.parse(row.event_selectors) as EventSelector[] }),
    ...(row.advanced_event_selectors !== null && { advancedEventSelectors: JSON.parse(row.advanced_event_selectors) as AdvancedEventSelector[] }),
    tags: JSON.parse(row.tags) as Record<string, string>,
    isLogging: fromDbBoolean(row.is_logging),
    startLoggingTime: date(row.start_logging_time),
    stopLoggingTime: date(row.stop_logging_time),
    latestDeliveryTime: date(row.latest_delivery_time),
    latestDeliveryAttemptTime: date(row.latest_delivery_attempt_time),
    ...optional('latestDeliveryError', row.latest_delivery_error),
    latestDigestDeliveryTime: date(row.latest_digest_delivery_time),
    ...optional('latestDigestDeliveryError', row.latest_digest_delivery_error),
    createdAt: new Date(row.created_at),
  }
}

