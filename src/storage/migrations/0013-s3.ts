// Migration 0013: S3 buckets (with their configuration documents), account-level settings, objects and their
// versions, multipart uploads and their parts. Object bytes live in files under <data-dir>/s3, named by these rows.
import type { Kysely } from 'kysely'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface S3Tables {
  s3_buckets: S3BucketRow
  s3_account_settings: S3AccountSettingsRow
  s3_objects: S3ObjectRow
  s3_multipart_uploads: S3MultipartUploadRow
  s3_multipart_parts: S3MultipartPartRow
}

/**
 * One row per bucket. Bucket names are global across accounts (as in AWS), so the name alone is the key; the
 * owning account is a column. The configuration columns hold the document as JSON text, null when never set.
 */
export interface S3BucketRow {
  name: string
  account_id: string
  region: string
  created_at: string
  /** '' (never enabled), 'Enabled' or 'Suspended'. */
  versioning: string
  /** The bucket policy document as given (JSON text). */
  policy: string | null
  /** AccessControlPolicy (owner and grants), JSON. */
  acl: string | null
  /** PublicAccessBlockConfiguration, JSON. */
  public_access_block: string | null
  /** OwnershipControls, JSON. */
  ownership_controls: string | null
  /** ServerSideEncryptionConfiguration, JSON. */
  encryption: string | null
  /** JSON object of tag key → value (TagSet order kept). */
  tags: string | null
}

/** Account-level settings (s3control): Block Public Access for every bucket of the account. */
export interface S3AccountSettingsRow {
  account_id: string
  /** PublicAccessBlockConfiguration, JSON, or null when never set. */
  public_access_block: string | null
}

/**
 * One row per object version (or delete marker). Unversioned writes use version id 'null', as S3 reports it.
 * `is_latest` marks the current version of the key.
 */
export interface S3ObjectRow {
  bucket: string
  object_key: string
  version_id: string
  /** Orders the versions of a key: larger is newer (time-sortable, see object-store.ts). */
  sequence: string
  /** The account that wrote the object (the object owner unless ownership controls say otherwise). */
  account_id: string
  is_latest: number
  is_delete_marker: number
  size: number
  /** Quoted, as S3 returns it. */
  etag: string
  last_modified: string
  storage_class: string
  /** Content-Type, Cache-Control, … and user metadata: JSON ({ headers: {…}, metadata: {…} }). */
  headers: string
  /** JSON object of tag key → value. */
  tags: string
  /** { algorithm, value, type } of the object's stored checksum, JSON, or null. */
  checksum: string | null
  /** The byte segments in order, each a data file with its cipher envelope (JSON array; empty for delete markers). */
  segments: string
  /** Encryption as reported (x-amz-server-side-encryption and friends), JSON. */
  encryption: string
  /** Object ACL (S3-security), JSON, or null. */
  acl: string | null
  /** Multipart objects: the number of parts, else null. */
  parts_count: number | null
}

export interface S3MultipartUploadRow {
  bucket: string
  upload_id: string
  object_key: string
  /** The initiator's account. */
  account_id: string
  initiator_arn: string
  initiated: string
  storage_class: string
  /** What CreateMultipartUpload said for the final object: headers, metadata, tags, checksum algorithm, encryption, acl (JSON). */
  settings: string
}

export interface S3MultipartPartRow {
  bucket: string
  upload_id: string
  part_number: number
  size: number
  etag: string
  last_modified: string
  checksum: string | null
  /** The part's data file and cipher envelope (JSON, one segment). */
  segment: string
}

export const createS3: Migration = {
  id: '0013-s3',
  async up(db: Kysely<any>) {
    await db.schema.createTable('s3_buckets')
      .addColumn('name', 'text', (column) => column.notNull()).addColumn('account_id', 'text', (column) => column.notNull())
      .addColumn('region', 'text', (column) => column.notNull()).addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('versioning', 'text', (column) => column.notNull())
      .addColumn('policy', 'text').addColumn('acl', 'text').addColumn('public_access_block', 'text')
      .addColumn('ownership_controls', 'text').addColumn('encryption', 'text').addColumn('tags', 'text')
      .addPrimaryKeyConstraint('s3_buckets_pk', ['name'])
      .execute()
    await db.schema.createIndex('s3_buckets_account').on('s3_buckets').columns(['account_id', 'name']).execute()
    await db.schema.createTable('s3_account_settings')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('public_access_block', 'text')
      .addPrimaryKeyConstraint('s3_account_settings_pk', ['account_id'])
      .execute()
    await db.schema.createTable('s3_objects')
      .addColumn('bucket', 'text', (column) => column.notNull()).addColumn('object_key', 'text', (column) => column.notNull())
      .addColumn('version_id', 'text', (column) => column.notNull()).addColumn('account_id', 'text', (column) => column.notNull())
      .addColumn('sequence', 'text', (column) => column.notNull())
      .addColumn('is_latest', 'integer', (column) => column.notNull()).addColumn('is_delete_marker', 'integer', (column) => column.notNull())
      .addColumn('size', 'bigint', (column) => column.notNull()).addColumn('etag', 'text', (column) => column.notNull())
      .addColumn('last_modified', 'text', (column) => column.notNull()).addColumn('storage_class', 'text', (column) => column.notNull())
      .addColumn('headers', 'text', (column) => column.notNull()).addColumn('tags', 'text', (column) => column.notNull())
      .addColumn('checksum', 'text').addColumn('segments', 'text', (column) => column.notNull())
      .addColumn('encryption', 'text', (column) => column.notNull()).addColumn('acl', 'text').addColumn('parts_count', 'integer')
      .addPrimaryKeyConstraint('s3_objects_pk', ['bucket', 'object_key', 'version_id'])
      .execute()
    // Listing the current objects of a bucket in key order.
    await db.schema.createIndex('s3_objects_latest').on('s3_objects').columns(['bucket', 'is_latest', 'object_key']).execute()
    await db.schema.createTable('s3_multipart_uploads')
      .addColumn('bucket', 'text', (column) => column.notNull()).addColumn('upload_id', 'text', (column) => column.notNull())
      .addColumn('object_key', 'text', (column) => column.notNull()).addColumn('account_id', 'text', (column) => column.notNull())
      .addColumn('initiator_arn', 'text', (column) => column.notNull()).addColumn('initiated', 'text', (column) => column.notNull())
      .addColumn('storage_class', 'text', (column) => column.notNull()).addColumn('settings', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('s3_multipart_uploads_pk', ['bucket', 'upload_id'])
      .execute()
    await db.schema.createTable('s3_multipart_parts')
      .addColumn('bucket', 'text', (column) => column.notNull()).addColumn('upload_id', 'text', (column) => column.notNull())
      .addColumn('part_number', 'integer', (column) => column.notNull()).addColumn('size', 'bigint', (column) => column.notNull())
      .addColumn('etag', 'text', (column) => column.notNull()).addColumn('last_modified', 'text', (column) => column.notNull())
      .addColumn('checksum', 'text').addColumn('segment', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('s3_multipart_parts_pk', ['bucket', 'upload_id', 'part_number'])
      .execute()
  },
}
