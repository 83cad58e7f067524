// The AWS managed policy of every enabled policy type that has one (FullAWSAccess, RCPFullAWSAccess), attached to
// each new root, OU or account, as AWS does while the type is enabled.
import type { Db } from '../../storage/schema.js'
import { defaultPolicyFor } from './aws-managed-policies.js'
import type { OrgScope } from './org-access.js'
import { orgStore } from './org-store.js'
import { policyStore } from './policy-store.js'

/** Inside a transaction: attaches the default policies of the enabled types to a new target. */
export async function attachDefaultPolicies(tx: Db, scope: OrgScope, targetId: string): Promise<void> {
  if (scope.org.feature_set !== 'ALL') return
  for (const type of await orgStore(tx).enabledPolicyTypes(scope.management)) {
    const policy = defaultPolicyFor(type)
    if (policy) await policyStore(tx).attach({ account_id: scope.management, policy_id: policy.id, target_id: targetId, policy_type: type })
  }
}

/** Every target of the organization: the root, each OU and each account. */
export async function everyTarget(tx: Db, scope: OrgScope): Promise<string[]> {
  const store = orgStore(tx)
  const units = await store.allUnits(scope.management)
  const accounts = await tx.selectFrom('org_members').select('member_account_id').where('account_id', '=', scope.management).execute()
  return [scope.org.root_id, ...units.map((unit) => unit.ou_id), ...accounts.map((row) => row.member_account_id)]
}
