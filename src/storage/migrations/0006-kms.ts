// Migration 0006: KMS keys, their sealed key material versions, aliases and grants.
import type { Kysely } from 'kysely'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface KmsTables {
  kms_keys: KmsKeyRow
  kms_key_materials: KmsKeyMaterialRow
  kms_aliases: KmsAliasRow
  kms_grants: KmsGrantRow
}

export interface KmsKeyRow {
  account_id: string
  /** The key id (a UUID). */
  key_id: string
  description: string
  key_usage: string
  key_spec: string
  /** Enabled, Disabled or PendingDeletion. */
  key_state: string
  created_at: string
  /** While PendingDeletion: when the sweep deletes the key. */
  deletion_date: string | null
  pending_window_days: number | null
  /** The key policy document, as given (or the default). */
  policy: string
  rotation_enabled: number
  rotation_period_days: number | null
  next_rotation_date: string | null
  /** JSON object of tag key → value. */
  tags: string
}

export interface KmsKeyMaterialRow {
  account_id: string
  key_id: string
  /** 1 for the material made at CreateKey, then one more per rotation. */
  version: number
  /** The key material (raw secret, or PKCS#8 DER private key) sealed under the root key. */
  sealed: string
  created_at: string
  /** Null for the original material; AUTOMATIC or ON_DEMAND for a rotation. */
  rotation_type: string | null
}

export interface KmsAliasRow {
  account_id: string
  /** `alias/…` */
  alias_name: string
  key_id: string
  created_at: string
  updated_at: string
}

export interface KmsGrantRow {
  account_id: string
  grant_id: string
  key_id: string
  name: string | null
  grantee_principal: string
  retiring_principal: string | null
  /** JSON array of grant operations. */
  operations: string
  /** JSON GrantConstraints, or null. */
  constraints: string | null
  /** SHA-256 (hex) of the grant token: a bearer credential for RetireGrant, so only its hash is kept. */
  token_hash: string
  issuing_account: string
  created_at: string
}

export const createKms: Migration = {
  id: '0006-kms',
  async up(db: Kysely<any>) {
    await db.schema.createTable('kms_keys')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('key_id', 'text', (column) => column.notNull())
      .addColumn('description', 'text', (column) => column.notNull()).addColumn('key_usage', 'text', (column) => column.notNull())
      .addColumn('key_spec', 'text', (column) => column.notNull()).addColumn('key_state', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull()).addColumn('deletion_date', 'text')
      .addColumn('pending_window_days', 'integer').addColumn('policy', 'text', (column) => column.notNull())
      .addColumn('rotation_enabled', 'integer', (column) => column.notNull()).addColumn('rotation_period_days', 'integer')
      .addColumn('next_rotation_date', 'text').addColumn('tags', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('kms_keys_pk', ['account_id', 'key_id'])
      .execute()
    await db.schema.createTable('kms_key_materials')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('key_id', 'text', (column) => column.notNull())
      .addColumn('version', 'integer', (column) => column.notNull()).addColumn('sealed', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull()).addColumn('rotation_type', 'text')
      .addPrimaryKeyConstraint('kms_key_materials_pk', ['account_id', 'key_id', 'version'])
      .execute()
    await db.schema.createTable('kms_aliases')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('alias_name', 'text', (column) => column.notNull())
      .addColumn('key_id', 'text', (column) => column.notNull()).addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('kms_aliases_pk', ['account_id', 'alias_name'])
      .execute()
    await db.schema.createTable('kms_grants')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('grant_id', 'text', (column) => column.notNull())
      .addColumn('key_id', 'text', (column) => column.notNull()).addColumn('name', 'text')
      .addColumn('grantee_principal', 'text', (column) => column.notNull()).addColumn('retiring_principal', 'text')
      .addColumn('operations', 'text', (column) => column.notNull()).addColumn('constraints', 'text')
      .addColumn('token_hash', 'text', (column) => column.notNull()).addColumn('issuing_account', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('kms_grants_pk', ['account_id', 'grant_id'])
      .execute()
  },
}
