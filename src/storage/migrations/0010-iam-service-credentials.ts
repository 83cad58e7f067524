// Migration 0010: IAM users' service-specific credentials (HTTPS Git for CodeCommit, Amazon Keyspaces).
import type { Kysely } from 'kysely'
import type { DbTimestamp } from '../columns.js'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface IamServiceCredentialTables {
  iam_service_credentials: IamServiceCredentialRow
}

/** One service-specific credential of a user, keyed by the user's unique id (AIDA…) so a rename keeps it. */
export interface IamServiceCredentialRow {
  account_id: string
  /** ACCA… */
  credential_id: string
  user_id: string
  /** `codecommit.amazonaws.com` */
  service_name: string
  /** `<user name>-at-<account id>`, fixed when the credential is created. */
  service_user_name: string
  /** The password's scrypt hash (crypto/password-hash.ts): the password itself is shown once. */
  password_hash: string
  /** Active | Inactive */
  status: string
  created_at: DbTimestamp
}

export const createIamServiceCredentials: Migration = {
  id: '0010-iam-service-credentials',
  async up(db: Kysely<any>) {
    await db.schema.createTable('iam_service_credentials')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('credential_id', 'text', (column) => column.notNull())
      .addColumn('user_id', 'text', (column) => column.notNull()).addColumn('service_name', 'text', (column) => column.notNull())
      .addColumn('service_user_name', 'text', (column) => column.notNull()).addColumn('password_hash', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull()).addColumn('created_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('iam_service_credentials_pk', ['account_id', 'credential_id'])
      .execute()
    await db.schema.createIndex('iam_service_credentials_user').on('iam_service_credentials').columns(['account_id', 'user_id']).execute()
  },
}
