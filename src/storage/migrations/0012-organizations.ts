// Migration 0012: AWS Organizations — the organization, its root and OUs, member accounts, policies and their
// attachments, tags, handshakes, account creation requests, delegated administrators and trusted service access.
import type { Kysely } from 'kysely'
import type { DbTimestamp } from '../columns.js'
import type { Migration } from '../migration.js'

/*
 * Everything an organization holds belongs to its management account, so `account_id` (the management account)
 * leads every primary key. An account is a member of at most one organization: `org_members.member_account_id` is
 * unique across the table. Names and statuses of accounts stay in `accounts` (migration 0002).
 */

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface OrganizationsTables {
  org_organizations: OrgOrganizationRow
  org_policy_types: OrgPolicyTypeRow
  org_units: OrgUnitRow
  org_members: OrgMemberRow
  org_policies: OrgPolicyRow
  org_attachments: OrgAttachmentRow
  org_tags: OrgTagRow
  org_handshakes: OrgHandshakeRow
  org_create_account_requests: OrgCreateAccountRequestRow
  org_delegated_admins: OrgDelegatedAdminRow
  org_service_access: OrgServiceAccessRow
  org_usage: OrgUsageRow
}

export interface OrgOrganizationRow {
  /** The management account. */
  account_id: string
  /** o-[a-z0-9]{10} */
  organization_id: string
  /** ALL or CONSOLIDATED_BILLING */
  feature_set: string
  /** r-[a-z0-9]{4} */
  root_id: string
  created_at: DbTimestamp
}

/** A policy type enabled on the root (SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY, TAG_POLICY, …). */
export interface OrgPolicyTypeRow {
  account_id: string
  policy_type: string
}

export interface OrgUnitRow {
  account_id: string
  /** ou-{root suffix}-[a-z0-9]{8} */
  ou_id: string
  /** The root or an OU. */
  parent_id: string
  name: string
  created_at: DbTimestamp
}

export interface OrgMemberRow {
  account_id: string
  /** Unique across organizations; the management account is a member of its own organization too. */
  member_account_id: string
  parent_id: string
  /** INVITED or CREATED */
  joined_method: string
  joined_at: DbTimestamp
  /** When CloseAccount closed it (the rolling 30-day closure quota counts these); null while active. */
  closed_at: DbTimestamp | null
}

/** Customer managed policies; AWS managed ones (FullAWSAccess, RCPFullAWSAccess) are built in, never stored. */
export interface OrgPolicyRow {
  account_id: string
  /** p-[a-z0-9]{8} */
  policy_id: string
  policy_type: string
  name: string
  description: string
  content: string
  created_at: DbTimestamp
  /** The last UpdatePolicy (DescribeEffectivePolicy's LastUpdatedTimestamp); created_at until then. */
  updated_at: DbTimestamp
}

/** A policy (customer or AWS managed) attached to the root, an OU or an account. */
export interface OrgAttachmentRow {
  account_id: string
  policy_id: string
  target_id: string
  policy_type: string
}

export interface OrgTagRow {
  account_id: string
  /** An account id, root id, OU id or policy id. */
  resource_id: string
  tag_key: string
  tag_value: string
}

export interface OrgHandshakeRow {
  account_id: string
  /** h-[a-z0-9]{10} */
  handshake_id: string
  /** INVITE, ENABLE_ALL_FEATURES, APPROVE_ALL_FEATURES */
  action: string
  state: string
  /** The account the handshake asks (the invited account, or the management account). */
  target_account_id: string
  requested_at: DbTimestamp
  expires_at: DbTimestamp
  notes: string | null
  /** For APPROVE_ALL_FEATURES: the ENABLE_ALL_FEATURES handshake it belongs to. */
  parent_handshake_id: string | null
}

export interface OrgCreateAccountRequestRow {
  account_id: string
  /** car-[a-z0-9]{32} */
  request_id: string
  account_name: string
  state: string
  requested_at: DbTimestamp
  completed_at: DbTimestamp | null
  created_account_id: string | null
  failure_reason: string | null
}

export interface OrgDelegatedAdminRow {
  account_id: string
  admin_account_id: string
  service_principal: string
  enabled_at: DbTimestamp
}

export interface OrgServiceAccessRow {
  account_id: string
  service_principal: string
  enabled_at: DbTimestamp
}

/**
 * Consolidated billing's metered usage: API requests one account made to one service on one UTC day. `account_id` is
 * the account whose principal signed the calls (every account, in an organization or not).
 */
export interface OrgUsageRow {
  account_id: string
  /** `2026-11-22` (UTC), fixed width so text order is date order. */
  usage_date: string
  /** The signing name: `iam`, `kms`, `s3`, … */
  service: string
  requests: number
}

export const createOrganizations: Migration = {
  id: '0012-organizations',
  async up(db: Kysely<any>) {
    const text = 'text' as const
    await db.schema.createTable('org_organizations')
      .addColumn('account_id', text, (c) => c.primaryKey()).addColumn('organization_id', text, (c) => c.notNull().unique())
      .addColumn('feature_set', text, (c) => c.notNull()).addColumn('root_id', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .execute()
    await db.schema.createTable('org_policy_types')
      .addColumn('account_id', text, (c) => c.notNull()).addColumn('policy_type', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('org_policy_types_pk', ['account_id', 'policy_type'])
      .execute()
    await db.schema.createTable('org_units')
      .addColumn('account_id', text, (c) => c.notNull()).addColumn('ou_id', text, (c) => c.notNull())
      .addColumn('parent_id', text, (c) => c.notNull()).addColumn('name', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('org_units_pk', ['account_id', 'ou_id'])
      .execute()
    await db.schema.createIndex('org_units_parent').on('org_units').columns(['account_id', 'parent_id', 'name']).execute()
    await db.schema.createTable('org_members')
      .addColumn('account_id', text, (c) => c.notNull()).addColumn('member_account_id', text, (c) => c.notNull())
      .addColumn('parent_id', text, (c) => c.notNull()).addColumn('joined_method', text, (c) => c.notNull())
      .addColumn('joined_at', text, (c) => c.notNull()).addColumn('closed_at', text)
      .addPrimaryKeyConstraint('org_members_pk', ['account_id', 'member_account_id'])
      .execute()
    await db.schema.createIndex('org_members_account').on('org_members').column('member_account_id').unique().execute()
    await db.schema.createIndex('org_members_parent').on('org_members').columns(['account_id', 'parent_id', 'member_account_id']).execute()
    await db.schema.createTable('org_policies')
      .addColumn('account_id', text, (c) => c.notNull()).addColumn('policy_id', text, (c) => c.notNull())
      .addColumn('policy_type', text, (c) => c.notNull()).addColumn('name', text, (c) => c.notNull())
      .addColumn('description', text, (c) => c.notNull()).addColumn('content', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull()).addColumn('updated_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('org_policies_pk', ['account_id', 'policy_id'])
      .execute()
    await db.schema.createIndex('org_policies_name').on('org_policies').columns(['account_id', 'policy_type', 'name']).unique().execute()
    await db.schema.createTable('org_attachments')
      .addColumn('account_id', text, (c) => c.notNull()).addColumn('policy_id', text, (c) => c.notNull())
      .addColumn('target_id', text, (c) => c.notNull()).addColumn('policy_type', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('org_attachments_pk', ['account_id', 'policy_id', 'target_id'])
      .execute()
    await db.schema.createIndex('org_attachments_target').on('org_attachments').columns(['account_id', 'target_id', 'policy_type']).execute()
    await db.schema.createTable('org_tags')
      .addColumn('account_id', text, (c) => c.notNull()).addColumn('resource_id', text, (c) => c.notNull())
      .addColumn('tag_key', text, (c) => c.notNull()).addColumn('tag_value', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('org_tags_pk', ['account_id', 'resource_id', 'tag_key'])
      .execute()
    await db.schema.createTable('org_handshakes')
      .addColumn('account_id', text, (c) => c.notNull()).addColumn('handshake_id', text, (c) => c.notNull())
      .addColumn('action', text, (c) => c.notNull()).addColumn('state', text, (c) => c.notNull())
      .addColumn('target_account_id', text, (c) => c.notNull()).addColumn('requested_at', text, (c) => c.notNull())
      .addColumn('expires_at', text, (c) => c.notNull()).addColumn('notes', text).addColumn('parent_handshake_id', text)
      .addPrimaryKeyConstraint('org_handshakes_pk', ['account_id', 'handshake_id'])
      .execute()
    await db.schema.createIndex('org_handshakes_target').on('org_handshakes').column('target_account_id').execute()
    await db.schema.createIndex('org_handshakes_id').on('org_handshakes').column('handshake_id').unique().execute()
    await db.schema.createTable('org_create_account_requests')
      .addColumn('account_id', text, (c) => c.notNull()).addColumn('request_id', text, (c) => c.notNull())
      .addColumn('account_name', text, (c) => c.notNull()).addColumn('state', text, (c) => c.notNull())
      .addColumn('requested_at', text, (c) => c.notNull()).addColumn('completed_at', text)
      .addColumn('created_account_id', text).addColumn('failure_reason', text)
      .addPrimaryKeyConstraint('org_create_account_requests_pk', ['account_id', 'request_id'])
      .execute()
    await db.schema.createTable('org_delegated_admins')
      .addColumn('account_id', text, (c) => c.notNull()).addColumn('admin_account_id', text, (c) => c.notNull())
      .addColumn('service_principal', text, (c) => c.notNull()).addColumn('enabled_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('org_delegated_admins_pk', ['account_id', 'admin_account_id', 'service_principal'])
      .execute()
    await db.schema.createTable('org_service_access')
      .addColumn('account_id', text, (c) => c.notNull()).addColumn('service_principal', text, (c) => c.notNull())
      .addColumn('enabled_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('org_service_access_pk', ['account_id', 'service_principal'])
      .execute()
    await db.schema.createTable('org_usage')
      .addColumn('account_id', text, (c) => c.notNull()).addColumn('usage_date', text, (c) => c.notNull())
      .addColumn('service', text, (c) => c.notNull()).addColumn('requests', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('org_usage_pk', ['account_id', 'usage_date', 'service'])
      .execute()
  },
}
