// Inline policies of users, groups and roles as rows (iam_inline_policies).
import type { Db } from '../../storage/schema.js'
import type { PrincipalRef } from './attachments-store.js'
import { nameKey } from './iam-names.js'

export interface InlinePolicy {
  readonly policyName: string
  readonly document: string
}

export function inlinePolicyStore(db: Db) {
  return {
    /** In name order, as ListUserPolicies returns them. */
    async listFor(principal: PrincipalRef): Promise<InlinePolicy[]> {
      const rows = await db
        .selectFrom('iam_inline_policies')
        .select(['policy_name', 'document'])
        .where('account_id', '=', principal.accountId)
        .where('principal_kind', '=', principal.kind)
        .where('principal_key', '=', principal.key)
        .orderBy('policy_key')
        .execute()
      return rows.map((row) => ({ policyName: row.policy_name, document: row.document }))
    },

    async get(principal: PrincipalRef, policyName: string): Promise<InlinePolicy | undefined> {
      const row = await db
        .selectFrom('iam_inline_policies')
        .select(['policy_name', 'document'])
        .where('account_id', '=', principal.accountId)
        .where('principal_kind', '=', principal.kind)
        .where('principal_key', '=', principal.key)
        .where('policy_key', '=', nameKey(policyName))
        .executeTakeFirst()
      return row && { policyName: row.policy_name, document: row.document }
    },

    /** Adds the policy or replaces the one with the same name (PutUserPolicy overwrites). */
    async put(principal: PrincipalRef, policy: InlinePolicy): Promise<void> {
      await db
        .insertInto('iam_inline_policies')
        .values({
          account_id: principal.accountId,
          principal_kind: principal.kind,
          principal_key: principal.key,
          policy_key: nameKey(policy.policyName),
          policy_name: policy.policyName,
          document: policy.document,
        })
        .onConflict((conflict) =>
          conflict.columns(['account_id', 'principal_kind', 'principal_key', 'policy_key']).doUpdateSet({ policy_name: policy.policyName, document: policy.document }),
        )
        .execute()
    },

    /** False when there was no such policy. */
    async delete(principal: PrincipalRef, policyName: string): Promise<boolean> {
      const result = await db
        .deleteFrom('iam_inline_policies')
        .where('account_id', '=', principal.accountId)
        .where('principal_kind', '=', principal.kind)
        .where('principal_key', '=', principal.key)
        .where('policy_key', '=', nameKey(policyName))
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
  }
}

export type InlinePolicyStore = ReturnType<typeof inlinePolicyStore>
