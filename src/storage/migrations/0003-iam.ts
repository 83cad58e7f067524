// Migration 0003: IAM's entities — users, groups, roles, instance profiles, policies, credentials, providers, MFA.
import type { Kysely } from 'kysely'
import type { DbBoolean, DbTimestamp } from '../columns.js'
import type { Migration } from '../migration.js'

/*
 * IAM names are unique without regard to case ("you can't create two users named TESTUSER and testuser"), so each
 * named entity keeps its name as given plus `name_key`, the lower-cased name, which carries the uniqueness.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
 */

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface IamTables {
  iam_users: IamUserRow
  iam_groups: IamGroupRow
  iam_group_members: IamGroupMemberRow
  iam_roles: IamRoleRow
  iam_instance_profiles: IamInstanceProfileRow
  iam_instance_profile_roles: IamInstanceProfileRoleRow
  iam_policies: IamPolicyRow
  iam_policy_versions: IamPolicyVersionRow
  iam_policy_attachments: IamPolicyAttachmentRow
  iam_inline_policies: IamInlinePolicyRow
  iam_tags: IamTagRow
  iam_login_profiles: IamLoginProfileRow
  iam_password_history: IamPasswordHistoryRow
  iam_password_policies: IamPasswordPolicyRow
  iam_account_aliases: IamAccountAliasRow
  iam_mfa_devices: IamMfaDeviceRow
  iam_oidc_providers: IamOidcProviderRow
  iam_saml_providers: IamSamlProviderRow
}

export interface IamUserRow {
  account_id: string
  name_key: string
  user_name: string
  /** AIDA… */
  user_id: string
  path: string
  arn: string
  created_at: DbTimestamp
  permissions_boundary_arn: string | null
  password_last_used: DbTimestamp | null
}

export interface IamGroupRow {
  account_id: string
  name_key: string
  group_name: string
  /** AGPA… */
  group_id: string
  path: string
  arn: string
  created_at: DbTimestamp
}

export interface IamGroupMemberRow {
  account_id: string
  group_key: string
  user_key: string
}

export interface IamRoleRow {
  account_id: string
  name_key: string
  role_name: string
  /** AROA… */
  role_id: string
  path: string
  arn: string
  created_at: DbTimestamp
  /** The trust policy, as the caller sent it. */
  assume_role_policy: string
  description: string | null
  max_session_duration: number
  permissions_boundary_arn: string | null
  last_used_at: DbTimestamp | null
  last_used_region: string | null
  /** Created by CreateServiceLinkedRole: deletable only through DeleteServiceLinkedRole. */
  service_linked: DbBoolean
}

export interface IamInstanceProfileRow {
  account_id: string
  name_key: string
  instance_profile_name: string
  /** AIPA… */
  instance_profile_id: string
  path: string
  arn: string
  created_at: DbTimestamp
}

export interface IamInstanceProfileRoleRow {
  account_id: string
  profile_key: string
  role_key: string
}

/** Customer managed policies; AWS managed ones come from a data package, not from storage. */
export interface IamPolicyRow {
  account_id: string
  name_key: string
  policy_name: string
  /** ANPA… */
  policy_id: string
  path: string
  arn: string
  description: string | null
  default_version_id: string
  created_at: DbTimestamp
  updated_at: DbTimestamp
  /** The next version number to hand out (v1, v2, …; numbers are never reused). */
  next_version: number
}

export interface IamPolicyVersionRow {
  account_id: string
  policy_key: string
  version_id: string
  document: string
  created_at: DbTimestamp
}

/** `principal_kind`: user, group or role; `principal_key`: its name_key. */
export interface IamPolicyAttachmentRow {
  account_id: string
  principal_kind: string
  principal_key: string
  policy_arn: string
  attached_at: DbTimestamp
}

export interface IamInlinePolicyRow {
  account_id: string
  principal_kind: string
  principal_key: string
  policy_key: string
  policy_name: string
  document: string
}

/** Tags on any IAM resource: `resource_kind` user, role, policy, instance-profile, oidc-provider, saml-provider, mfa. */
export interface IamTagRow {
  account_id: string
  resource_kind: string
  resource_key: string
  /** Lower-cased: IAM refuses two tag keys that differ only in case. */
  tag_key_lower: string
  tag_key: string
  tag_value: string
}

export interface IamLoginProfileRow {
  account_id: string
  user_key: string
  /** scrypt hash (crypto/password-hash.ts); never the password. */
  password_hash: string
  password_reset_required: DbBoolean
  created_at: DbTimestamp
  password_changed_at: DbTimestamp
}

export interface IamPasswordHistoryRow {
  account_id: string
  user_key: string
  password_hash: string
  created_at: DbTimestamp
}

export interface IamPasswordPolicyRow {
  account_id: string
  /** The PasswordPolicy members as JSON. */
  settings: string
}

export interface IamAccountAliasRow {
  account_id: string
  /** Globally unique across accounts, as in AWS. */
  alias: string
}

export interface IamMfaDeviceRow {
  account_id: string
  /** arn:aws:iam::ACCOUNT:mfa/PATHNAME */
  serial_number: string
  name_key: string
  path: string
  /** The user it is enabled for; null while unassigned. */
  user_key: string | null
  /** The TOTP seed sealed under the root key (crypto/secret-box.ts). */
  seed_sealed: string
  created_at: DbTimestamp
  enabled_at: DbTimestamp | null
  /** The last accepted TOTP time step, so a code cannot be replayed. */
  last_used_step: number | null
}

export interface IamOidcProviderRow {
  account_id: string
  /** The issuer URL without `https://`, lower-cased host; part of the ARN. */
  url_key: string
  url: string
  arn: string
  client_ids: string
  thumbprints: string
  created_at: DbTimestamp
}

export interface IamSamlProviderRow {
  account_id: string
  name_key: string
  name: string
  arn: string
  metadata_document: string
  created_at: DbTimestamp
  valid_until: DbTimestamp | null
}

export const createIam: Migration = {
  id: '0003-iam',
  async up(db: Kysely<any>) {
    const text = 'text' as const
    const required = (column: any) => column.notNull()

    await db.schema.createTable('iam_users')
      .addColumn('account_id', text, required).addColumn('name_key', text, required).addColumn('user_name', text, required)
      .addColumn('user_id', text, required).addColumn('path', text, required).addColumn('arn', text, required)
      .addColumn('created_at', text, required).addColumn('permissions_boundary_arn', text).addColumn('password_last_used', text)
      .addPrimaryKeyConstraint('iam_users_pk', ['account_id', 'name_key'])
      .execute()
    await db.schema.createIndex('iam_users_by_id').on('iam_users').column('user_id').unique().execute()

    await db.schema.createTable('iam_groups')
      .addColumn('account_id', text, required).addColumn('name_key', text, required).addColumn('group_name', text, required)
      .addColumn('group_id', text, required).addColumn('path', text, required).addColumn('arn', text, required)
      .addColumn('created_at', text, required)
      .addPrimaryKeyConstraint('iam_groups_pk', ['account_id', 'name_key'])
      .execute()

    await db.schema.createTable('iam_group_members')
      .addColumn('account_id', text, required).addColumn('group_key', text, required).addColumn('user_key', text, required)
      .addPrimaryKeyConstraint('iam_group_members_pk', ['account_id', 'group_key', 'user_key'])
      .execute()
    await db.schema.createIndex('iam_group_members_by_user').on('iam_group_members').columns(['account_id', 'user_key']).execute()

    await db.schema.createTable('iam_roles')
      .addColumn('account_id', text, required).addColumn('name_key', text, required).addColumn('role_name', text, required)
      .addColumn('role_id', text, required).addColumn('path', text, required).addColumn('arn', text, required)
      .addColumn('created_at', text, required).addColumn('assume_role_policy', text, required).addColumn('description', text)
      .addColumn('max_session_duration', 'integer', required).addColumn('permissions_boundary_arn', text)
      .addColumn('last_used_at', text).addColumn('last_used_region', text)
      .addColumn('service_linked', 'integer', (column) => column.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('iam_roles_pk', ['account_id', 'name_key'])
      .execute()
    await db.schema.createIndex('iam_roles_by_id').on('iam_roles').column('role_id').unique().execute()

    await db.schema.createTable('iam_instance_profiles')
      .addColumn('account_id', text, required).addColumn('name_key', text, required).addColumn('instance_profile_name', text, required)
      .addColumn('instance_profile_id', text, required).addColumn('path', text, required).addColumn('arn', text, required)
      .addColumn('created_at', text, required)
      .addPrimaryKeyConstraint('iam_instance_profiles_pk', ['account_id', 'name_key'])
      .execute()

    await db.schema.createTable('iam_instance_profile_roles')
      .addColumn('account_id', text, required).addColumn('profile_key', text, required).addColumn('role_key', text, required)
      .addPrimaryKeyConstraint('iam_instance_profile_roles_pk', ['account_id', 'profile_key', 'role_key'])
      .execute()

    await db.schema.createTable('iam_policies')
      .addColumn('account_id', text, required).addColumn('name_key', text, required).addColumn('policy_name', text, required)
      .addColumn('policy_id', text, required).addColumn('path', text, required).addColumn('arn', text, required)
      .addColumn('description', text).addColumn('default_version_id', text, required)
      .addColumn('created_at', text, required).addColumn('updated_at', text, required).addColumn('next_version', 'integer', required)
      .addPrimaryKeyConstraint('iam_policies_pk', ['account_id', 'name_key'])
      .execute()
    await db.schema.createIndex('iam_policies_by_arn').on('iam_policies').column('arn').unique().execute()

    await db.schema.createTable('iam_policy_versions')
      .addColumn('account_id', text, required).addColumn('policy_key', text, required).addColumn('version_id', text, required)
      .addColumn('document', text, required).addColumn('created_at', text, required)
      .addPrimaryKeyConstraint('iam_policy_versions_pk', ['account_id', 'policy_key', 'version_id'])
      .execute()

    await db.schema.createTable('iam_policy_attachments')
      .addColumn('account_id', text, required).addColumn('principal_kind', text, required).addColumn('principal_key', text, required)
      .addColumn('policy_arn', text, required).addColumn('attached_at', text, required)
      .addPrimaryKeyConstraint('iam_policy_attachments_pk', ['account_id', 'principal_kind', 'principal_key', 'policy_arn'])
      .execute()
    await db.schema.createIndex('iam_policy_attachments_by_policy').on('iam_policy_attachments').columns(['account_id', 'policy_arn']).execute()

    await db.schema.createTable('iam_inline_policies')
      .addColumn('account_id', text, required).addColumn('principal_kind', text, required).addColumn('principal_key', text, required)
      .addColumn('policy_key', text, required).addColumn('policy_name', text, required).addColumn('document', text, required)
      .addPrimaryKeyConstraint('iam_inline_policies_pk', ['account_id', 'principal_kind', 'principal_key', 'policy_key'])
      .execute()

    await db.schema.createTable('iam_tags')
      .addColumn('account_id', text, required).addColumn('resource_kind', text, required).addColumn('resource_key', text, required)
      .addColumn('tag_key_lower', text, required).addColumn('tag_key', text, required).addColumn('tag_value', text, required)
      .addPrimaryKeyConstraint('iam_tags_pk', ['account_id', 'resource_kind', 'resource_key', 'tag_key_lower'])
      .execute()

    await db.schema.createTable('iam_login_profiles')
      .addColumn('account_id', text, required).addColumn('user_key', text, required).addColumn('password_hash', text, required)
      .addColumn('password_reset_required', 'integer', required).addColumn('created_at', text, required)
      .addColumn('password_changed_at', text, required)
      .addPrimaryKeyConstraint('iam_login_profiles_pk', ['account_id', 'user_key'])
      .execute()

    await db.schema.createTable('iam_password_history')
      .addColumn('account_id', text, required).addColumn('user_key', text, required).addColumn('password_hash', text, required)
      .addColumn('created_at', text, required)
      .execute()
    await db.schema.createIndex('iam_password_history_by_user').on('iam_password_history').columns(['account_id', 'user_key']).execute()

    await db.schema.createTable('iam_password_policies')
      .addColumn('account_id', text, (column) => column.primaryKey()).addColumn('settings', text, required)
      .execute()

    await db.schema.createTable('iam_account_aliases')
      .addColumn('account_id', text, (column) => column.primaryKey()).addColumn('alias', text, required)
      .execute()
    await db.schema.createIndex('iam_account_aliases_by_alias').on('iam_account_aliases').column('alias').unique().execute()

    await db.schema.createTable('iam_mfa_devices')
      .addColumn('account_id', text, required).addColumn('serial_number', text, required).addColumn('name_key', text, required)
      .addColumn('path', text, required).addColumn('user_key', text).addColumn('seed_sealed', text, required)
      .addColumn('created_at', text, required).addColumn('enabled_at', text).addColumn('last_used_step', 'integer')
      .addPrimaryKeyConstraint('iam_mfa_devices_pk', ['account_id', 'serial_number'])
      .execute()

    await db.schema.createTable('iam_oidc_providers')
      .addColumn('account_id', text, required).addColumn('url_key', text, required).addColumn('url', text, required)
      .addColumn('arn', text, required).addColumn('client_ids', text, required).addColumn('thumbprints', text, required)
      .addColumn('created_at', text, required)
      .addPrimaryKeyConstraint('iam_oidc_providers_pk', ['account_id', 'url_key'])
      .execute()

    await db.schema.createTable('iam_saml_providers')
      .addColumn('account_id', text, required).addColumn('name_key', text, required).addColumn('name', text, required)
      .addColumn('arn', text, required).addColumn('metadata_document', text, required).addColumn('created_at', text, required)
      .addColumn('valid_until', text)
      .addPrimaryKeyConstraint('iam_saml_providers_pk', ['account_id', 'name_key'])
      .execute()
  },
}
