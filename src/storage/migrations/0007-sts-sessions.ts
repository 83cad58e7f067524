// Migration 0007: STS sessions, the temporary credentials AssumeRole*, GetSessionToken and GetFederationToken issue.
import type { Kysely } from 'kysely'
import type { DbTimestamp } from '../columns.js'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface StsSessionTables {
  sts_sessions: StsSessionRow
}

export interface StsSessionRow {
  account_id: string
  /** ASIA… */
  access_key_id: string
  /** The secret access key, sealed under the root key with the access key id as context. */
  secret_sealed: string
  /** SHA-256 (hex) of the session token: the token itself is never stored. */
  token_hash: string
  /** JSON: the caller the session signs as, with its session facts (services/sts/session-store.ts). */
  caller_json: string
  issued_at: DbTimestamp
  expires_at: DbTimestamp
}

export const createStsSessions: Migration = {
  id: '0007-sts-sessions',
  async up(db: Kysely<any>) {
    await db.schema.createTable('sts_sessions')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('access_key_id', 'text', (column) => column.notNull())
      .addColumn('secret_sealed', 'text', (column) => column.notNull()).addColumn('token_hash', 'text', (column) => column.notNull())
      .addColumn('caller_json', 'text', (column) => column.notNull())
      .addColumn('issued_at', 'text', (column) => column.notNull()).addColumn('expires_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('sts_sessions_pk', ['account_id', 'access_key_id'])
      .execute()
    // Authentication and GetAccessKeyInfo find a session by its key id alone.
    await db.schema.createIndex('sts_sessions_access_key_id').on('sts_sessions').column('access_key_id').unique().execute()
    await db.schema.createIndex('sts_sessions_expires_at').on('sts_sessions').column('expires_at').execute()
  },
}
