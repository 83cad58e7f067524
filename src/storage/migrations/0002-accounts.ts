// Migration 0002: accounts (with the root user's console password) and access keys.
import type { Kysely } from 'kysely'
import type { DbTimestamp } from '../columns.js'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface AccountTables {
  accounts: AccountRow
  access_keys: AccessKeyRow
}

export interface AccountRow {
  account_id: string
  name: string
  email: string
  /** ACTIVE or SUSPENDED (Organizations' account states). */
  status: string
  created_at: DbTimestamp
  /** scrypt hash of the root user's console password; never the password. */
  root_password_hash: string | null
}

export interface AccessKeyRow {
  account_id: string
  access_key_id: string
  /** null for the root user's keys. */
  user_name: string | null
  /** The secret access key sealed under the root key (crypto/secret-box.ts), bound to access_key_id. */
  secret_sealed: string
  /** Active or Inactive, as IAM spells them. */
  status: string
  created_at: DbTimestamp
  last_used_at: DbTimestamp | null
  last_used_service: string | null
  last_used_region: string | null
}

export const createAccounts: Migration = {
  id: '0002-accounts',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('accounts')
      .addColumn('account_id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('email', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('root_password_hash', 'text')
      .execute()
    await db.schema
      .createTable('access_keys')
      .addColumn('account_id', 'text', (column) => column.notNull())
      .addColumn('access_key_id', 'text', (column) => column.notNull())
      .addColumn('user_name', 'text')
      .addColumn('secret_sealed', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('last_used_service', 'text')
      .addColumn('last_used_region', 'text')
      .addPrimaryKeyConstraint('access_keys_pk', ['account_id', 'access_key_id'])
      .execute()
    // Authentication finds a key by its id alone, and AWS's key ids are unique across accounts.
    await db.schema.createIndex('access_keys_by_id').on('access_keys').column('access_key_id').unique().execute()
  },
}
