// Migration 0009: the account's STS preferences and the IAM credentials beside passwords and access keys: users' SSH
// public keys and signing certificates, and the account's server certificates.
import type { Kysely } from 'kysely'
import type { DbTimestamp } from '../columns.js'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface IamCredentialTables {
  iam_sts_preferences: IamStsPreferencesRow
  iam_ssh_public_keys: IamSshPublicKeyRow
  iam_signing_certificates: IamSigningCertificateRow
  iam_server_certificates: IamServerCertificateRow
}

/** SetSecurityTokenServicePreferences: absent means AWS's default, version 1 tokens. */
export interface IamStsPreferencesRow {
  account_id: string
  /** 1 (v1Token) or 2 (v2Token). */
  global_endpoint_token_version: number
}

/** One SSH public key of a user, keyed by the user's unique id (AIDA…) so a rename keeps it. */
export interface IamSshPublicKeyRow {
  account_id: string
  /** APKA… */
  key_id: string
  user_id: string
  /** The key in OpenSSH form (`ssh-rsa AAAA…`), whatever form it was uploaded in. */
  body_ssh: string
  /** The MD5 of the key blob, as colon-separated hex. */
  fingerprint: string
  /** Active | Inactive */
  status: string
  uploaded_at: DbTimestamp
}

/** One X.509 signing certificate of a user (user_id AIDA…) or of the root user (user_id = the account id). */
export interface IamSigningCertificateRow {
  account_id: string
  certificate_id: string
  user_id: string
  /** The PEM body as uploaded. */
  body: string
  /** SHA-256 of the DER certificate, hex: the same certificate twice is a DuplicateCertificate. */
  der_sha256: string
  /** Active | Inactive */
  status: string
  uploaded_at: DbTimestamp
}

/** A server certificate of the account; its private key is sealed with the root key and never returned. */
export interface IamServerCertificateRow {
  account_id: string
  /** ASCA… */
  certificate_id: string
  /** The name lower-cased: unique in the account. */
  name_key: string
  name: string
  path: string
  body: string
  chain: string | null
  private_key_sealed: string
  expires_at: DbTimestamp
  uploaded_at: DbTimestamp
}

export const createIamCredentials: Migration = {
  id: '0009-iam-credentials',
  async up(db: Kysely<any>) {
    await db.schema.createTable('iam_sts_preferences')
      .addColumn('account_id', 'text', (column) => column.primaryKey())
      .addColumn('global_endpoint_token_version', 'integer', (column) => column.notNull())
      .execute()
    await db.schema.createTable('iam_ssh_public_keys')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('key_id', 'text', (column) => column.notNull())
      .addColumn('user_id', 'text', (column) => column.notNull()).addColumn('body_ssh', 'text', (column) => column.notNull())
      .addColumn('fingerprint', 'text', (column) => column.notNull()).addColumn('status', 'text', (column) => column.notNull())
      .addColumn('uploaded_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('iam_ssh_public_keys_pk', ['account_id', 'key_id'])
      .execute()
    await db.schema.createIndex('iam_ssh_public_keys_user').on('iam_ssh_public_keys').columns(['account_id', 'user_id']).execute()
    await db.schema.createTable('iam_signing_certificates')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('certificate_id', 'text', (column) => column.notNull())
      .addColumn('user_id', 'text', (column) => column.notNull()).addColumn('body', 'text', (column) => column.notNull())
      .addColumn('der_sha256', 'text', (column) => column.notNull()).addColumn('status', 'text', (column) => column.notNull())
      .addColumn('uploaded_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('iam_signing_certificates_pk', ['account_id', 'certificate_id'])
      .execute()
    await db.schema.createIndex('iam_signing_certificates_user').on('iam_signing_certificates').columns(['account_id', 'user_id']).execute()
    await db.schema.createTable('iam_server_certificates')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('certificate_id', 'text', (column) => column.notNull())
      .addColumn('name_key', 'text', (column) => column.notNull()).addColumn('name', 'text', (column) => column.notNull())
      .addColumn('path', 'text', (column) => column.notNull()).addColumn('body', 'text', (column) => column.notNull())
      .addColumn('chain', 'text').addColumn('private_key_sealed', 'text', (column) => column.notNull())
      .addColumn('expires_at', 'text', (column) => column.notNull()).addColumn('uploaded_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('iam_server_certificates_pk', ['account_id', 'name_key'])
      .addUniqueConstraint('iam_server_certificates_id', ['certificate_id'])
      .execute()
  },
}
