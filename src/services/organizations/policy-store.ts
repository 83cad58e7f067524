// PolicyStore: an organization's customer managed policies and the attachments of every policy to its targets.
import type { OrgAttachmentRow, OrgPolicyRow } from '../../storage/migrations/0012-organizations.js'
import type { Db } from '../../storage/schema.js'

export function policyStore(db: Db) {
  return {
    async policy(managementAccountId: string, policyId: string): Promise<OrgPolicyRow | undefined> {
      return db.selectFrom('org_policies').selectAll().where('account_id', '=', managementAccountId).where('policy_id', '=', policyId).executeTakeFirst()
    },

    async policiesOfType(managementAccountId: string, policyType: string): Promise<OrgPolicyRow[]> {
      return db.selectFrom('org_policies').selectAll().where('account_id', '=', managementAccountId).where('policy_type', '=', policyType).orderBy('policy_id').execute()
    },

    async countOfType(managementAccountId: string, policyType: string): Promise<number> {
      const row = await db.selectFrom('org_policies').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', managementAccountId).where('policy_type', '=', policyType).executeTakeFirstOrThrow()
      return Number(row.n)
    },

    /** DuplicateKeyError when the name is taken for the type. */
    async insertPolicy(row: OrgPolicyRow): Promise<void> {
      await db.insertInto('org_policies').values(row).execute()
    },

    async updatePolicy(managementAccountId: string, policyId: string, changes: Partial<Pick<OrgPolicyRow, 'name' | 'description' | 'content' | 'updated_at'>>): Promise<void> {
      await db.updateTable('org_policies').set(changes).where('account_id', '=', managementAccountId).where('policy_id', '=', policyId).execute()
    },

    async deletePolicy(managementAccountId: string, policyId: string): Promise<void> {
      await db.deleteFrom('org_policies').where('account_id', '=', managementAccountId).where('policy_id', '=', policyId).execute()
    },

    /** The ids of the policies of `policyType` attached to a target. */
    async attachedTo(managementAccountId: string, targetId: string, policyType: string): Promise<string[]> {
      const rows = await db.selectFrom('org_attachments').select('policy_id')
        .where('account_id', '=', managementAccountId).where('target_id', '=', targetId).where('policy_type', '=', policyType)
        .orderBy('policy_id').execute()
      return rows.map((row) => row.policy_id)
    },

    /** The targets a policy is attached to. */
    async targetsOf(managementAccountId: string, policyId: string): Promise<string[]> {
      const rows = await db.selectFrom('org_attachments').select('target_id')
        .where('account_id', '=', managementAccountId).where('policy_id', '=', policyId).orderBy('target_id').execute()
      return rows.map((row) => row.target_id)
    },

    async attachments(managementAccountId: string, policyTypes?: readonly string[]): Promise<OrgAttachmentRow[]> {
      let query = db.selectFrom('org_attachments').selectAll().where('account_id', '=', managementAccountId)
      if (policyTypes) query = query.where('policy_type', 'in', [...policyTypes])
      return query.orderBy('target_id').orderBy('policy_id').execute()
    },

    async attach(row: OrgAttachmentRow): Promise<void> {
      await db.insertInto('org_attachments').values(row).execute()
    },

    async detach(managementAccountId: string, policyId: string, targetId: string): Promise<boolean> {
      const result = await db.deleteFrom('org_attachments')
        .where('account_id', '=', managementAccountId).where('policy_id', '=', policyId).where('target_id', '=', targetId).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },

    /** Removes every attachment to a target (an OU or account leaving the tree). */
    async detachAllFrom(managementAccountId: string, targetId: string): Promise<void> {
      await db.deleteFrom('org_attachments').where('account_id', '=', managementAccountId).where('target_id', '=', targetId).execute()
    },

    /** Removes every attachment of one policy type (DisablePolicyType). */
    async detachAllOfType(managementAccountId: string, policyType: string): Promise<void> {
      await db.deleteFrom('org_attachments').where('account_id', '=', managementAccountId).where('policy_type', '=', policyType).execute()
    },
  }
}

export type PolicyStore = ReturnType<typeof policyStore>
