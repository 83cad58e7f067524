// OrgStore: an organization's rows — the organization, enabled policy types, OUs and member accounts.
import type { OrgMemberRow, OrgOrganizationRow, OrgUnitRow } from '../../storage/migrations/0012-organizations.js'
import type { Db } from '../../storage/schema.js'

export interface MemberAccount {
  readonly accountId: string
  readonly name: string
  readonly email: string
  /** ACTIVE, PENDING_CLOSURE or SUSPENDED (from `accounts.status`). */
  readonly status: string
  readonly parentId: string
  readonly joinedMethod: string
  readonly joinedAt: string
}

export function orgStore(db: Db) {
  return {
    /** The organization `accountId` manages. */
    async organization(managementAccountId: string): Promise<OrgOrganizationRow | undefined> {
      return db.selectFrom('org_organizations').selectAll().where('account_id', '=', managementAccountId).executeTakeFirst()
    },

    /** The organization `accountId` belongs to (as management or member account). */
    async organizationOf(accountId: string): Promise<OrgOrganizationRow | undefined> {
      const member = await db.selectFrom('org_members').select('account_id').where('member_account_id', '=', accountId).executeTakeFirst()
      return member && this.organization(member.account_id)
    },

    async insertOrganization(row: OrgOrganizationRow): Promise<void> {
      await db.insertInto('org_organizations').values(row).execute()
    },

    async setFeatureSet(managementAccountId: string, featureSet: string): Promise<void> {
      await db.updateTable('org_organizations').set({ feature_set: featureSet }).where('account_id', '=', managementAccountId).execute()
    },

    /** Deletes every row the organization owns. */
    async deleteOrganization(managementAccountId: string): Promise<void> {
      for (const table of ORGANIZATION_TABLES) await db.deleteFrom(table).where('account_id', '=', managementAccountId).execute()
    },

    async enabledPolicyTypes(managementAccountId: string): Promise<string[]> {
      const rows = await db.selectFrom('org_policy_types').select('policy_type').where('account_id', '=', managementAccountId).orderBy('policy_type').execute()
      return rows.map((row) => row.policy_type)
    },

    async setPolicyTypeEnabled(managementAccountId: string, policyType: string, enabled: boolean): Promise<void> {
      if (enabled) await db.insertInto('org_policy_types').values({ account_id: managementAccountId, policy_type: policyType }).execute()
      else await db.deleteFrom('org_policy_types').where('account_id', '=', managementAccountId).where('policy_type', '=', policyType).execute()
    },

    async unit(managementAccountId: string, ouId: string): Promise<OrgUnitRow | undefined> {
      return db.selectFrom('org_units').selectAll().where('account_id', '=', managementAccountId).where('ou_id', '=', ouId).executeTakeFirst()
    },

    /** The OUs directly under `parentId`, by id. */
    async unitsUnder(managementAccountId: string, parentId: string): Promise<OrgUnitRow[]> {
      return db.selectFrom('org_units').selectAll().where('account_id', '=', managementAccountId).where('parent_id', '=', parentId).orderBy('ou_id').execute()
    },

    async allUnits(managementAccountId: string): Promise<OrgUnitRow[]> {
      return db.selectFrom('org_units').selectAll().where('account_id', '=', managementAccountId).orderBy('ou_id').execute()
    },

    async countUnits(managementAccountId: string): Promise<number> {
      const row = await db.selectFrom('org_units').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', managementAccountId).executeTakeFirstOrThrow()
      return Number(row.n)
    },

    async insertUnit(row: OrgUnitRow): Promise<void> {
      await db.insertInto('org_units').values(row).execute()
    },

    async renameUnit(managementAccountId: string, ouId: string, name: string): Promise<void> {
      await db.updateTable('org_units').set({ name }).where('account_id', '=', managementAccountId).where('ou_id', '=', ouId).execute()
    },

    async deleteUnit(managementAccountId: string, ouId: string): Promise<void> {
      await db.deleteFrom('org_units').where('account_id', '=', managementAccountId).where('ou_id', '=', ouId).execute()
    },

    async member(managementAccountId: string, accountId: string): Promise<MemberAccount | undefined> {
      const row = await memberQuery(db, managementAccountId).where('m.member_account_id', '=', accountId).executeTakeFirst()
      return row && toMember(row)
    },

    /**
     * One page of the organization's accounts (or those under `parentId`) in account id order, after `afterId`:
     * one indexed range query, whatever the organization's size.
     */
    async members(managementAccountId: string, page: { afterId?: string; limit: number; parentId?: string }): Promise<MemberAccount[]> {
      let query = memberQuery(db, managementAccountId)
      if (page.parentId !== undefined) query = query.where('m.parent_id', '=', page.parentId)
      if (page.afterId !== undefined) query = query.where('m.member_account_id', '>', page.afterId)
      const rows = await query.orderBy('m.member_account_id').limit(page.limit).execute()
      return rows.map(toMember)
    },

    async countMembers(managementAccountId: string, parentId?: string): Promise<number> {
      let query = db.selectFrom('org_members').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', managementAccountId)
      if (parentId !== undefined) query = query.where('parent_id', '=', parentId)
      return Number((await query.executeTakeFirstOrThrow()).n)
    },

    async insertMember(row: Omit<OrgMemberRow, 'closed_at'>): Promise<void> {
      await db.insertInto('org_members').values(row).execute()
    },

    async moveMember(managementAccountId: string, accountId: string, parentId: string): Promise<void> {
      await db.updateTable('org_members').set({ parent_id: parentId }).where('account_id', '=', managementAccountId).where('member_account_id', '=', accountId).execute()
    },

    async markClosed(managementAccountId: string, accountId: string, at: Date): Promise<void> {
      await db.updateTable('org_members').set({ closed_at: at.toISOString() }).where('account_id', '=', managementAccountId).where('member_account_id', '=', accountId).execute()
    },

    async countClosedSince(managementAccountId: string, since: Date): Promise<number> {
      const row = await db.selectFrom('org_members').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', managementAccountId).where('closed_at', '>=', since.toISOString()).executeTakeFirstOrThrow()
      return Number(row.n)
    },

    async deleteMember(managementAccountId: string, accountId: string): Promise<void> {
      await db.deleteFrom('org_members').where('account_id', '=', managementAccountId).where('member_account_id', '=', accountId).execute()
    },
  }
}

export type OrgStore = ReturnType<typeof orgStore>

/** Every table an organization owns rows in (all keyed by the management account). */
export const ORGANIZATION_TABLES = [
  'org_policy_types', 'org_units', 'org_members', 'org_policies', 'org_attachments', 'org_tags', 'org_handshakes',
  'org_create_account_requests', 'org_delegated_admins', 'org_service_access', 'org_organizations',
] as const

function memberQuery(db: Db, managementAccountId: string) {
  return db.selectFrom('org_members as m')
    .innerJoin('accounts as a', 'a.account_id', 'm.member_account_id')
    .select(['m.member_account_id', 'm.parent_id', 'm.joined_method', 'm.joined_at', 'a.name', 'a.email', 'a.status'])
    .where('m.account_id', '=', managementAccountId)
}

function toMember(row: { member_account_id: string; parent_id: string; joined_method: string; joined_at: string; name: string; email: string; status: string }): MemberAccount {
  return {
    accountId: row.member_account_id,
    name: row.name,
    email: row.email,
    status: row.status,
    parentId: row.parent_id,
    joinedMethod: row.joined_method,
    joinedAt: row.joined_at,
  }
}
