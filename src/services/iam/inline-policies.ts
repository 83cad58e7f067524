// Inline policies: Put/Get/Delete/List{User,Group,Role}Policy (one implementation, three entity kinds).
import type { AuthorizationTable, CallFacts } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { LimitExceededException, NoSuchEntityException } from '../../generated/iam/errors.js'
import { policySizeWithoutWhitespace } from '../../policy/index.js'
import { requirePrincipal, type PrincipalKind } from './attachments-store.js'
import type { IamDeps } from './iam-deps.js'
import { iamArn, nameKey, ROOT_PATH } from './iam-names.js'
import { identityChangesApplied, notifyIdentityChange } from './identity-index.js'
import type { IamModule } from './index.js'
import { inlinePolicyStore } from './inline-policies-store.js'
import { checkIdentityPolicy, encodePolicyDocument } from './managed-policies-documents.js'
import { paginate } from './pagination.js'

/**
 * The aggregate size of all inline policies of one entity, whitespace excluded: user 2,048, group 5,120, role 10,240.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
 */
export const INLINE_POLICY_MAX_SIZE: Record<PrincipalKind, number> = { user: 2048, group: 5120, role: 10240 }

export function inlinePolicyOperations({ database }: IamDeps) {
  async function put(kind: PrincipalKind, accountId: string, entityName: string, policyName: string, document: string): Promise<void> {
    const size = checkIdentityPolicy(document)
    await database.transaction(async (tx) => {
      const entity = await requirePrincipal(tx, kind, accountId, entityName)
      const store = inlinePolicyStore(tx)
      let total = size
      for (const other of await store.listFor(entity)) {
        if (nameKey(other.policyName) !== nameKey(policyName)) total += policySizeWithoutWhitespace(other.document)
      }
      if (total > INLINE_POLICY_MAX_SIZE[kind]) {
        throw new LimitExceededException(`Maximum policy size of ${INLINE_POLICY_MAX_SIZE[kind]} bytes exceeded for ${kind} ${entity.name}`)
      }
      await store.put(entity, { policyName, document })
      await notifyIdentityChange(database, entity)
    })
    await identityChangesApplied(database)
  }

  async function get(kind: PrincipalKind, accountId: string, entityName: string, policyName: string) {
    const entity = await requirePrincipal(database.db, kind, accountId, entityName)
    const policy = await inlinePolicyStore(database.db).get(entity, policyName)
    if (!policy) throw noSuchPolicy(kind, policyName)
    return { entityName: entity.name, policyName: policy.policyName, document: encodePolicyDocument(policy.document) }
  }

  async function remove(kind: PrincipalKind, accountId: string, entityName: string, policyName: string): Promise<void> {
    await database.transaction(async (tx) => {
      const entity = await requirePrincipal(tx, kind, accountId, entityName)
      if (!(await inlinePolicyStore(tx).delete(entity, policyName))) throw noSuchPolicy(kind, policyName)
      await notifyIdentityChange(database, entity)
    })
    await identityChangesApplied(database)
  }

  async function list(kind: PrincipalKind, accountId: string, entityName: string, page: { Marker?: string; MaxItems?: number }) {
    const entity = await requirePrincipal(database.db, kind, accountId, entityName)
    const names = (await inlinePolicyStore(database.db).listFor(entity)).map((policy) => policy.policyName)
    const result = paginate(names, page, nameKey)
    return { PolicyNames: result.items, IsTruncated: result.IsTruncated, ...(result.Marker !== undefined && { Marker: result.Marker }) }
  }

  return {
    PutUserPolicy: (input, ctx) => put('user', ctx.accountId, input.UserName, input.PolicyName, input.PolicyDocument),
    PutGroupPolicy: (input, ctx) => put('group', ctx.accountId, input.GroupName, input.PolicyName, input.PolicyDocument),
    PutRolePolicy: (input, ctx) => put('role', ctx.accountId, input.RoleName, input.PolicyName, input.PolicyDocument),

    async GetUserPolicy(input, ctx) {
      const found = await get('user', ctx.accountId, input.UserName, input.PolicyName)
      return { UserName: found.entityName, PolicyName: found.policyName, PolicyDocument: found.document }
    },
    async GetGroupPolicy(input, ctx) {
      const found = await get('group', ctx.accountId, input.GroupName, input.PolicyName)
      return { GroupName: found.entityName, PolicyName: found.policyName, PolicyDocument: found.document }
    },
    async GetRolePolicy(input, ctx) {
      const found = await get('role', ctx.accountId, input.RoleName, input.PolicyName)
      return { RoleName: found.entityName, PolicyName: found.policyName, PolicyDocument: found.document }
    },

    DeleteUserPolicy: (input, ctx) => remove('user', ctx.accountId, input.UserName, input.PolicyName),
    DeleteGroupPolicy: (input, ctx) => remove('group', ctx.accountId, input.GroupName, input.PolicyName),
    DeleteRolePolicy: (input, ctx) => remove('role', ctx.accountId, input.RoleName, input.PolicyName),

    ListUserPolicies: (input, ctx) => list('user', ctx.accountId, input.UserName, input),
    ListGroupPolicies: (input, ctx) => list('group', ctx.accountId, input.GroupName, input),
    ListRolePolicies: (input, ctx) => list('role', ctx.accountId, input.RoleName, input),
  } satisfies Partial<IamApi>
}

// The resource is the entity the policy is embedded in. Its path is not known before the handler reads it, so the
// ARN carries the root path; policies that name entities by path prefix should use wildcards.
export function entityArn(call: CallFacts, kind: PrincipalKind, name: string): string {
  return iamArn(call.partition, call.accountId, kind, ROOT_PATH, name)
}

export const inlinePolicyAuthorization = {
  PutUserPolicy: (input, call) => ({ action: 'iam:PutUserPolicy', resources: [entityArn(call, 'user', input.UserName)] }),
  PutGroupPolicy: (input, call) => ({ action: 'iam:PutGroupPolicy', resources: [entityArn(call, 'group', input.GroupName)] }),
  PutRolePolicy: (input, call) => ({ action: 'iam:PutRolePolicy', resources: [entityArn(call, 'role', input.RoleName)] }),
  GetUserPolicy: (input, call) => ({ action: 'iam:GetUserPolicy', resources: [entityArn(call, 'user', input.UserName)] }),
  GetGroupPolicy: (input, call) => ({ action: 'iam:GetGroupPolicy', resources: [entityArn(call, 'group', input.GroupName)] }),
  GetRolePolicy: (input, call) => ({ action: 'iam:GetRolePolicy', resources: [entityArn(call, 'role', input.RoleName)] }),
  DeleteUserPolicy: (input, call) => ({ action: 'iam:DeleteUserPolicy', resources: [entityArn(call, 'user', input.UserName)] }),
  DeleteGroupPolicy: (input, call) => ({ action: 'iam:DeleteGroupPolicy', resources: [entityArn(call, 'group', input.GroupName)] }),
  DeleteRolePolicy: (input, call) => ({ action: 'iam:DeleteRolePolicy', resources: [entityArn(call, 'role', input.RoleName)] }),
  ListUserPolicies: (input, call) => ({ action: 'iam:ListUserPolicies', resources: [entityArn(call, 'user', input.UserName)] }),
  ListGroupPolicies: (input, call) => ({ action: 'iam:ListGroupPolicies', resources: [entityArn(call, 'group', input.GroupName)] }),
  ListRolePolicies: (input, call) => ({ action: 'iam:ListRolePolicies', resources: [entityArn(call, 'role', input.RoleName)] }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function inlinePolicyModule(deps: IamDeps): IamModule {
  return { handlers: inlinePolicyOperations(deps), authorization: inlinePolicyAuthorization }
}

// "The user policy with name X cannot be found." (and group policy, role policy).
function noSuchPolicy(kind: PrincipalKind, policyName: string): NoSuchEntityException {
  return new NoSuchEntityException(`The ${kind} policy with name ${policyName} cannot be found.`)
}
