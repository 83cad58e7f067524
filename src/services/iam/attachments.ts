// Managed-policy attachments: Attach/Detach/ListAttached{User,Group,Role}Policies.
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { LimitExceededException, NoSuchEntityException, PolicyNotAttachableException } from '../../generated/iam/errors.js'
import type { AttachedPolicy } from '../../generated/iam/types.js'
import { attachmentStore, requirePrincipal, type PrincipalKind } from './attachments-store.js'
import type { IamDeps } from './iam-deps.js'
import { identityChangesApplied, notifyIdentityChange } from './identity-index.js'
import type { IamModule } from './index.js'
import { entityArn } from './inline-policies.js'
import { isAttachable, requireAttachablePolicy } from './managed-policies-lookup.js'
import { paginate } from './pagination.js'

// "Managed policies attached to an IAM user / group / role: 10" (default quotas), with AWS's quota names.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities
export const MAX_ATTACHED_POLICIES = 10
const quotaNames: Record<PrincipalKind, string> = { user: 'PoliciesPerUser', group: 'PoliciesPerGroup', role: 'PoliciesPerRole' }

export function attachmentOperations({ database, clock }: IamDeps) {
  async function attach(kind: PrincipalKind, accountId: string, entityName: string, policyArn: string): Promise<void> {
    await database.transaction(async (tx) => {
      const entity = await requirePrincipal(tx, kind, accountId, entityName)
      if (!isAttachable(await requireAttachablePolicy(tx, accountId, policyArn))) {
        throw new PolicyNotAttachableException('Cannot attach a Service Role Policy to a Customer Role.')
      }
      const store = attachmentStore(tx)
      const attached = await store.listFor(entity)
      if (attached.includes(policyArn)) return // attaching again changes nothing, as in AWS
      if (attached.length >= MAX_ATTACHED_POLICIES) throw new LimitExceededException(`Cannot exceed quota for ${quotaNames[kind]}: ${MAX_ATTACHED_POLICIES}`)
      await store.attach(entity, policyArn, clock.now())
      await notifyIdentityChange(database, entity)
    })
    await identityChangesApplied(database)
  }

  async function detach(kind: PrincipalKind, accountId: string, entityName: string, policyArn: string): Promise<void> {
    await database.transaction(async (tx) => {
      const entity = await requirePrincipal(tx, kind, accountId, entityName)
      if (!(await attachmentStore(tx).detach(entity, policyArn))) throw new NoSuchEntityException(`Policy ${policyArn} was not found.`)
      await notifyIdentityChange(database, entity)
    })
    await identityChangesApplied(database)
  }

  async function listAttached(kind: PrincipalKind, accountId: string, entityName: string, input: { PathPrefix?: string; Marker?: string; MaxItems?: number }) {
    const entity = await requirePrincipal(database.db, kind, accountId, entityName)
    const policies = (await attachmentStore(database.db).listFor(entity))
      .map(attachedPolicy)
      .filter((policy) => policyPath(policy.PolicyArn!).startsWith(input.PathPrefix ?? '/'))
      .sort((a, b) => (a.PolicyArn! < b.PolicyArn! ? -1 : 1))
    const page = paginate(policies, input, (policy) => policy.PolicyArn!)
    return { AttachedPolicies: page.items, IsTruncated: page.IsTruncated, ...(page.Marker !== undefined && { Marker: page.Marker }) }
  }

  return {
    AttachUserPolicy: (input, ctx) => attach('user', ctx.accountId, input.UserName, input.PolicyArn),
    AttachGroupPolicy: (input, ctx) => attach('group', ctx.accountId, input.GroupName, input.PolicyArn),
    AttachRolePolicy: (input, ctx) => attach('role', ctx.accountId, input.RoleName, input.PolicyArn),
    DetachUserPolicy: (input, ctx) => detach('user', ctx.accountId, input.UserName, input.PolicyArn),
    DetachGroupPolicy: (input, ctx) => detach('group', ctx.accountId, input.GroupName, input.PolicyArn),
    DetachRolePolicy: (input, ctx) => detach('role', ctx.accountId, input.RoleName, input.PolicyArn),
    ListAttachedUserPolicies: (input, ctx) => listAttached('user', ctx.accountId, input.UserName, input),
    ListAttachedGroupPolicies: (input, ctx) => listAttached('group', ctx.accountId, input.GroupName, input),
    ListAttachedRolePolicies: (input, ctx) => listAttached('role', ctx.accountId, input.RoleName, input),
  } satisfies Partial<IamApi>
}

export const attachmentAuthorization = {
  AttachUserPolicy: (input, call) => ({ action: 'iam:AttachUserPolicy', resources: [entityArn(call, 'user', input.UserName)], context: { 'iam:PolicyARN': input.PolicyArn } }),
  AttachGroupPolicy: (input, call) => ({ action: 'iam:AttachGroupPolicy', resources: [entityArn(call, 'group', input.GroupName)], context: { 'iam:PolicyARN': input.PolicyArn } }),
  AttachRolePolicy: (input, call) => ({ action: 'iam:AttachRolePolicy', resources: [entityArn(call, 'role', input.RoleName)], context: { 'iam:PolicyARN': input.PolicyArn } }),
  DetachUserPolicy: (input, call) => ({ action: 'iam:DetachUserPolicy', resources: [entityArn(call, 'user', input.UserName)], context: { 'iam:PolicyARN': input.PolicyArn } }),
  DetachGroupPolicy: (input, call) => ({ action: 'iam:DetachGroupPolicy', resources: [entityArn(call, 'group', input.GroupName)], context: { 'iam:PolicyARN': input.PolicyArn } }),
  DetachRolePolicy: (input, call) => ({ action: 'iam:DetachRolePolicy', resources: [entityArn(call, 'role', input.RoleName)], context: { 'iam:PolicyARN': input.PolicyArn } }),
  ListAttachedUserPolicies: (input, call) => ({ action: 'iam:ListAttachedUserPolicies', resources: [entityArn(call, 'user', input.UserName)] }),
  ListAttachedGroupPolicies: (input, call) => ({ action: 'iam:ListAttachedGroupPolicies', resources: [entityArn(call, 'group', input.GroupName)] }),
  ListAttachedRolePolicies: (input, call) => ({ action: 'iam:ListAttachedRolePolicies', resources: [entityArn(call, 'role', input.RoleName)] }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function attachmentModule(deps: IamDeps): IamModule {
  return { handlers: attachmentOperations(deps), authorization: attachmentAuthorization }
}

/** A managed policy ARN names its path and name: `arn:aws:iam::ACCOUNT:policy/PATH/NAME`. */
function attachedPolicy(arn: string): AttachedPolicy {
  return { PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn }
}

function policyPath(arn: string): string {
  return arn.slice(arn.indexOf(':policy/') + ':policy'.length, arn.lastIndexOf('/') + 1)
}
