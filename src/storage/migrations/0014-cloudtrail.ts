// Migration 0014: CloudTrail — stored events (event history, data events) with the resources each names; trails.
import type { Kysely } from 'kysely'
import type { DbBoolean, DbTimestamp } from '../columns.js'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface CloudTrailTables {
  cloudtrail_trails: CloudTrailTrailRow
  cloudtrail_digest_chains: CloudTrailDigestChainRow
  cloudtrail_signing_keys: CloudTrailSigningKeyRow
  cloudtrail_event_batches: CloudTrailEventBatchRow
  cloudtrail_event_keys: CloudTrailEventKeyRow
}

export const createCloudTrail: Migration = {
  id: '0014-cloudtrail',
  async up(db: Kysely<any>) {
    await createEventTables(db)
    await createTrailTables(db)
  },
}

/** A trail (CreateTrail), its selectors, tags and delivery status (GetTrailStatus). */
export interface CloudTrailTrailRow {
  account_id: string
  home_region: string
  name: string
  s3_bucket_name: string
  s3_key_prefix: string | null
  sns_topic_name: string | null
  include_global_service_events: DbBoolean
  is_multi_region_trail: DbBoolean
  log_file_validation_enabled: DbBoolean
  cloud_watch_logs_log_group_arn: string | null
  cloud_watch_logs_role_arn: string | null
  /** The KMS key ARN log files are encrypted with (SSE-KMS), as CreateTrail resolved it. */
  kms_key_id: string | null
  is_organization_trail: DbBoolean
  /** The organization an organization trail records (its id), fixed at creation. */
  organization_id: string | null
  /** JSON EventSelector[] or null (the default selector). */
  event_selectors: string | null
  /** JSON AdvancedEventSelector[] or null. */
  advanced_event_selectors: string | null
  /** JSON object of tag key → value. */
  tags: string
  is_logging: DbBoolean
  start_logging_time: DbTimestamp | null
  stop_logging_time: DbTimestamp | null
  latest_delivery_time: DbTimestamp | null
  latest_delivery_attempt_time: DbTimestamp | null
  latest_delivery_error: string | null
  latest_digest_delivery_time: DbTimestamp | null
  latest_digest_delivery_error: string | null
  created_at: DbTimestamp
}

/** Where a trail's digest chain stands for one region and log account: the last digest and the log files since. */
export interface CloudTrailDigestChainRow {
  account_id: string
  home_region: string
  trail_name: string
  /** The region of the events (digest files are per region). */
  region: string
  /** The account whose log files the chain covers (a member account, for an organization trail). */
  log_account_id: string
  /** End of the last digest's period; the next one starts there. */
  digest_start_time: DbTimestamp
  previous_digest_bucket: string | null
  previous_digest_key: string | null
  /** Hex SHA-256 of the previous digest's uncompressed content, and its hex signature. */
  previous_digest_hash: string | null
  previous_digest_signature: string | null
  /** JSON array of the log files delivered since the last digest (bucket, key, hash, oldest/newest event time). */
  pending_log_files: string
}

/** CloudTrail's per-region digest signing key pair (ListPublicKeys); the private half sealed under the root key. */
export interface CloudTrailSigningKeyRow {
  region: string
  /** MD5 (hex) of the public key's DER: the digest files' digestPublicKeyFingerprint. */
  fingerprint: string
  /** PKCS#1 DER of the RSA public key, base64. */
  public_key: string
  /** PKCS#8 DER of the private key, sealed with the root key (context: `cloudtrail-signing-key:REGION:FINGERPRINT`). */
  sealed_private_key: string
  valid_from: DbTimestamp
  valid_to: DbTimestamp
}

async function createTrailTables(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('cloudtrail_trails')
    .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('home_region', 'text', (column) => column.notNull())
    .addColumn('name', 'text', (column) => column.notNull()).addColumn('s3_bucket_name', 'text', (column) => column.notNull())
    .addColumn('s3_key_prefix', 'text').addColumn('sns_topic_name', 'text')
    .addColumn('include_global_service_events', 'integer', (column) => column.notNull())
    .addColumn('is_multi_region_trail', 'integer', (column) => column.notNull())
    .addColumn('log_file_validation_enabled', 'integer', (column) => column.notNull())
    .addColumn('cloud_watch_logs_log_group_arn', 'text').addColumn('cloud_watch_logs_role_arn', 'text')
    .addColumn('kms_key_id', 'text').addColumn('is_organization_trail', 'integer', (column) => column.notNull())
    .addColumn('organization_id', 'text').addColumn('event_selectors', 'text').addColumn('advanced_event_selectors', 'text')
    .addColumn('tags', 'text', (column) => column.notNull()).addColumn('is_logging', 'integer', (column) => column.notNull())
    .addColumn('start_logging_time', 'text').addColumn('stop_logging_time', 'text')
    .addColumn('latest_delivery_time', 'text').addColumn('latest_delivery_attempt_time', 'text').addColumn('latest_delivery_error', 'text')
    .addColumn('latest_digest_delivery_time', 'text').addColumn('latest_digest_delivery_error', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('cloudtrail_trails_pk', ['account_id', 'home_region', 'name'])
    .execute()
  await db.schema.createTable('cloudtrail_digest_chains')
    .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('home_region', 'text', (column) => column.notNull())
    .addColumn('trail_name', 'text', (column) => column.notNull()).addColumn('region', 'text', (column) => column.notNull())
    .addColumn('log_account_id', 'text', (column) => column.notNull()).addColumn('digest_start_time', 'text', (column) => column.notNull())
    .addColumn('previous_digest_bucket', 'text').addColumn('previous_digest_key', 'text')
    .addColumn('previous_digest_hash', 'text').addColumn('previous_digest_signature', 'text')
    .addColumn('pending_log_files', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('cloudtrail_digest_chains_pk', ['account_id', 'home_region', 'trail_name', 'region', 'log_account_id'])
    .execute()
  await db.schema.createTable('cloudtrail_signing_keys')
    .addColumn('region', 'text', (column) => column.notNull()).addColumn('fingerprint', 'text', (column) => column.notNull())
    .addColumn('public_key', 'text', (column) => column.notNull()).addColumn('sealed_private_key', 'text', (column) => column.notNull())
    .addColumn('valid_from', 'text', (column) => column.notNull()).addColumn('valid_to', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('cloudtrail_signing_keys_pk', ['region', 'fingerprint'])
    .execute()
}

/**
 * Recorded events, stored a batch per row: the records of one account and region that one group commit wrote (or the
 * single record a mutation's own transaction wrote), as JSON lines, newest first. Writing a batch costs one row and an
 * index entry per distinct lookup value, instead of a row and seven index entries per event: what keeps recording
 * within its share of a request's cost.
 */
export interface CloudTrailEventBatchRow {
  account_id: string
  region: string
  batch_id: string
  /** 1 for management events (event history), 0 for data events (trails only). */
  management: DbBoolean
  /** The batch's oldest and newest eventTime. */
  oldest_time: DbTimestamp
  newest_time: DbTimestamp
  event_count: number
  /** The CloudTrail records (AWS's JSON), one per line, deflated and in base64 (event-store.ts encodeRecords). */
  records: string
}

/**
 * LookupEvents' index: for each lookup attribute value in a management batch, where its records start. EventId is
 * indexed by the first 8 hex digits every event id of a batch shares.
 */
export interface CloudTrailEventKeyRow {
  account_id: string
  region: string
  /** EventName, EventSource, ReadOnly, Username, AccessKeyId, ResourceType, ResourceName or EventId. */
  attribute: string
  value: string
  newest_time: DbTimestamp
  oldest_time: DbTimestamp
  batch_id: string
  /** Comma-separated offsets (string indexes) in the batch's records where the records with this value start. */
  offsets: string
}

async function createEventTables(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('cloudtrail_event_batches')
    .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('region', 'text', (column) => column.notNull())
    .addColumn('batch_id', 'text', (column) => column.notNull()).addColumn('management', 'integer', (column) => column.notNull())
    .addColumn('oldest_time', 'text', (column) => column.notNull()).addColumn('newest_time', 'text', (column) => column.notNull())
    .addColumn('event_count', 'integer', (column) => column.notNull()).addColumn('records', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('cloudtrail_event_batches_pk', ['account_id', 'region', 'batch_id'])
    .execute()
  // Event history reads an account and region's batches newest first; oldest_time is in the index so a range that
  // ends in the past skips newer batches without reading them.
  await db.schema.createIndex('cloudtrail_event_batches_by_time').on('cloudtrail_event_batches')
    .columns(['account_id', 'region', 'management', 'newest_time', 'oldest_time']).execute()
  // The 90-day expiry deletes the oldest batches first, across accounts and regions.
  await db.schema.createIndex('cloudtrail_event_batches_by_age').on('cloudtrail_event_batches').column('newest_time').execute()

  await db.schema.createTable('cloudtrail_event_keys')
    .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('region', 'text', (column) => column.notNull())
    .addColumn('attribute', 'text', (column) => column.notNull()).addColumn('value', 'text', (column) => column.notNull())
    .addColumn('newest_time', 'text', (column) => column.notNull()).addColumn('oldest_time', 'text', (column) => column.notNull())
    .addColumn('batch_id', 'text', (column) => column.notNull()).addColumn('offsets', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('cloudtrail_event_keys_pk', ['account_id', 'region', 'attribute', 'value', 'newest_time', 'batch_id'])
    .execute()
  await db.schema.createIndex('cloudtrail_event_keys_by_age').on('cloudtrail_event_keys').column('newest_time').execute()
}
