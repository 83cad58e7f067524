// Managed policies by ARN, customer (from storage) or AWS (from the data package), seen the same way by every
// operation that takes a PolicyArn.
import { NoSuchEntityException } from '../../generated/iam/errors.js'
import type { Policy } from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'
import { awsManagedPolicy, isAwsManagedPolicyArn, type AwsManagedPolicy } from './aws-managed-policies.js'
import { managedPolicyStore, type PolicyUsage, type StoredPolicy } from './managed-policies-store.js'

export type ManagedPolicy = { readonly kind: 'customer'; readonly policy: StoredPolicy } | { readonly kind: 'aws'; readonly policy: AwsManagedPolicy }

/** A customer policy of this account or an AWS managed policy; undefined otherwise (other accounts' policies too). */
export async function findManagedPolicy(db: Db, accountId: string, arn: string): Promise<ManagedPolicy | undefined> {
  if (isAwsManagedPolicyArn(arn)) {
    const policy = awsManagedPolicy(arn)
    return policy && { kind: 'aws', policy }
  }
  const policy = await managedPolicyStore(db).getByArn(arn)
  return policy && policy.accountId === accountId ? { kind: 'customer', policy } : undefined
}

/** GetPolicy's "Policy ARN was not found." */
export async function requireManagedPolicy(db: Db, accountId: string, arn: string): Promise<ManagedPolicy> {
  const found = await findManagedPolicy(db, accountId, arn)
  if (!found) throw new NoSuchEntityException(`Policy ${arn} was not found.`)
  return found
}

/** Attach{User,Group,Role}Policy and Put*PermissionsBoundary: "Policy ARN does not exist or is not attachable." */
export async function requireAttachablePolicy(db: Db, accountId: string, arn: string): Promise<ManagedPolicy> {
  const found = await findManagedPolicy(db, accountId, arn)
  if (!found) throw new NoSuchEntityException(`Policy ${arn} does not exist or is not attachable.`)
  return found
}

/**
 * Service-linked roles' policies (AWS managed, under `/aws-service-role/`) attach only to those roles, which AWS
 * creates: "Cannot attach a Service Role Policy to a Customer Role." (PolicyNotAttachable).
 */
export function isAttachable(found: ManagedPolicy): boolean {
  return !(found.kind === 'aws' && found.policy.path.startsWith('/aws-service-role/'))
}

/** Operations that change a policy (versions, tags, delete) work only on this account's customer policies. */
export async function requireCustomerPolicy(db: Db, accountId: string, arn: string): Promise<StoredPolicy> {
  const found = await requireManagedPolicy(db, accountId, arn)
  if (found.kind === 'aws') throw new NoSuchEntityException(`Policy ${arn} was not found.`)
  return found.policy
}

/** The Policy shape of GetPolicy, CreatePolicy and ListPolicies. */
export function toPolicyShape(found: ManagedPolicy, usage: PolicyUsage | undefined): Policy {
  const { policy } = found
  return {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: usage?.attachments ?? 0,
    PermissionsBoundaryUsageCount: usage?.boundaries ?? 0,
    IsAttachable: isAttachable(found),
    ...(found.kind === 'customer' && found.policy.description !== undefined && { Description: found.policy.description }),
    CreateDate: policy.createdAt,
    UpdateDate: policy.updatedAt,
  }
}

/** The default version's document of a customer policy of this account or an AWS managed policy (STS PolicyArns). */
export async function managedPolicyDocument(db: Db, accountId: string, arn: string): Promise<string | undefined> {
  const found = await findManagedPolicy(db, accountId, arn)
  if (!found) return undefined
  if (found.kind === 'aws') return found.policy.document
  return (await managedPolicyStore(db).getVersion(found.policy, found.policy.defaultVersionId))?.document
}
