// Finding a policy (customer or AWS managed) or a policy target in an organization, and their wire shapes.
import { PolicyNotFoundException, TargetNotFoundException } from '../../generated/organizations/errors.js'
import type { PolicySummary, PolicyTargetSummary } from '../../generated/organizations/types.js'
import type { Db } from '../../storage/schema.js'
import { awsManagedOrgPolicy } from './aws-managed-policies.js'
import type { OrgScope } from './org-access.js'
import { ID_PATTERNS, targetKindOf, type TargetKind } from './org-ids.js'
import { orgStore } from './org-store.js'
import { ROOT_NAME } from './org-view.js'
import { policyStore } from './policy-store.js'
import { TARGET_NOT_FOUND } from './tags.js'

export interface OrgPolicy {
  readonly id: string
  readonly type: string
  readonly name: string
  readonly description: string
  readonly content: string
  readonly awsManaged: boolean
}

export const POLICY_NOT_FOUND = "We can't find a policy with the PolicyId that you specified."

export async function findPolicy(db: Db, scope: OrgScope, policyId: string): Promise<OrgPolicy | undefined> {
  const managed = awsManagedOrgPolicy(policyId)
  if (managed) return { ...managed, awsManaged: true }
  if (!ID_PATTERNS.policy.test(policyId)) return undefined
  const row = await policyStore(db).policy(scope.management, policyId)
  return row && { id: row.policy_id, type: row.policy_type, name: row.name, description: row.description, content: row.content, awsManaged: false }
}

export async function requirePolicy(db: Db, scope: OrgScope, policyId: string): Promise<OrgPolicy> {
  const policy = await findPolicy(db, scope, policyId)
  if (!policy) throw new PolicyNotFoundException(POLICY_NOT_FOUND)
  return policy
}

export function toPolicySummary(scope: OrgScope, policy: OrgPolicy): PolicySummary {
  return {
    Id: policy.id,
    Arn: scope.arns.policy(policy.type, policy.id),
    Name: policy.name,
    Description: policy.description,
    Type: policy.type as PolicySummary['Type'],
    AwsManaged: policy.awsManaged,
  }
}

/** A root, OU or account of the organization as a policy target; TargetNotFoundException otherwise. */
export async function requireTarget(db: Db, scope: OrgScope, targetId: string): Promise<PolicyTargetSummary & { Type: TargetKind }> {
  const kind = targetKindOf(targetId)
  if (kind === 'ROOT' && targetId === scope.org.root_id) return { TargetId: targetId, Arn: scope.arns.root(targetId), Name: ROOT_NAME, Type: kind }
  if (kind === 'ORGANIZATIONAL_UNIT') {
    const unit = await orgStore(db).unit(scope.management, targetId)
    if (unit) return { TargetId: targetId, Arn: scope.arns.ou(targetId), Name: unit.name, Type: kind }
  }
  if (kind === 'ACCOUNT') {
    const member = await orgStore(db).member(scope.management, targetId)
    if (member) return { TargetId: targetId, Arn: scope.arns.account(targetId), Name: member.name, Type: kind }
  }
  throw new TargetNotFoundException(TARGET_NOT_FOUND)
}
