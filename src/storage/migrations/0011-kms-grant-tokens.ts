// Migration 0011: the further tokens of a KMS grant, one per CreateGrant retry that returned an existing named grant.
import type { Kysely } from 'kysely'
import type { DbTimestamp } from '../columns.js'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface KmsGrantTokenTables {
  kms_grant_tokens: KmsGrantTokenRow
}

/**
 * A token minted by a CreateGrant retry: AWS returns the existing grant id with a new token, and "all grant tokens
 * for the same grant ID can be used interchangeably"
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html#KMS-CreateGrant-request-Name).
 * The grant's first token stays in `kms_grants.token_hash`.
 */
export interface KmsGrantTokenRow {
  account_id: string
  grant_id: string
  /** The grant's key, so deleting a key deletes its grants' tokens by the same column as its other rows. */
  key_id: string
  /** SHA-256 (hex) of the token: a bearer credential for RetireGrant, so only its hash is kept. */
  token_hash: string
  created_at: DbTimestamp
}

export const createKmsGrantTokens: Migration = {
  id: '0011-kms-grant-tokens',
  async up(db: Kysely<any>) {
    await db.schema.createTable('kms_grant_tokens')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('grant_id', 'text', (column) => column.notNull())
      .addColumn('key_id', 'text', (column) => column.notNull()).addColumn('token_hash', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('kms_grant_tokens_pk', ['account_id', 'grant_id', 'token_hash'])
      .execute()
    await db.schema.createIndex('kms_grant_tokens_key').on('kms_grant_tokens').columns(['account_id', 'key_id']).execute()
  },
}
