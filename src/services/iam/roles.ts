// IAM roles: CreateRole, GetRole, UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy, DeleteRole, ListRoles, role tags.
import type { AuthorizationTable, CallFacts, ContextValues } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import {
  DeleteConflictException,
  EntityAlreadyExistsException,
  LimitExceededException,
  NoSuchEntityException,
  UnmodifiableEntityException,
} from '../../generated/iam/errors.js'
import type { Tag } from '../../generated/iam/types.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import type { Db } from '../../storage/schema.js'
import { ACCOUNT_QUOTAS } from './account.js'
import type { IamDeps } from './iam-deps.js'
import { iamArn, nameKey, ROOT_PATH } from './iam-names.js'
import { dropTags, listTags, putTags, tagHandlers, type TaggedResource } from './iam-tags.js'
import { identityChangesApplied, notifyIdentityChange } from './identity-index.js'
import type { IamModule } from './index.js'
import { findManagedPolicy } from './managed-policies-lookup.js'
import { paginate } from './pagination.js'
import { roleStore, type RoleChanges, type RoleDependent, type RoleRecord } from './roles-store.js'
import { checkTrustPolicy } from './roles-trust.js'
import { requireRole, roleArnFor, toRoleShape } from './roles-view.js'

/** MaxSessionDuration when CreateRole does not give one: one hour. */
export const DEFAULT_MAX_SESSION_DURATION = 3600

// DeleteRole reports the first remaining dependent with these texts (IAM API reference, DeleteRole).
const dependentMessages: Record<RoleDependent, string> = {
  'instance-profile': 'Cannot delete entity, must remove roles from instance profile first.',
  'inline-policy': 'Cannot delete entity, must delete policies first.',
  'attached-policy': 'Cannot delete entity, must detach all policies first.',
}

export function roleOperations({ database, clock, ids }: IamDeps) {
  const roleTags = tagHandlers(database, {
    find: (db, input: { readonly RoleName: string }, ctx) => requireRole(db, ctx.accountId, input.RoleName),
    resource: (role, ctx) => roleResource(ctx.accountId, role.roleName),
    changed: (role) => notifyRoleChange(database, role), // aws:PrincipalTag of the role's sessions
    committed: () => identityChangesApplied(database),
  })
  return {
    async CreateRole(input, ctx) {
      const path = input.Path ?? ROOT_PATH
      const role: RoleRecord = {
        accountId: ctx.accountId,
        roleName: input.RoleName,
        roleId: ids.uniqueId('AROA'),
        path,
        arn: iamArn(ctx.partition, ctx.accountId, 'role', path, input.RoleName),
        createdAt: clock.now(),
        assumeRolePolicy: input.AssumeRolePolicyDocument,
        ...(input.Description !== undefined && { description: input.Description }),
        maxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
        ...(input.PermissionsBoundary !== undefined && { permissionsBoundaryArn: input.PermissionsBoundary }),
        serviceLinked: false,
      }
      const tags = await database.transaction(async (tx) => {
        await checkTrustPolicy(tx, input.AssumeRolePolicyDocument)
        if (input.PermissionsBoundary !== undefined) await requireBoundaryPolicy(tx, ctx.accountId, input.PermissionsBoundary)
        await insertRole(tx, role)
        await putTags(tx, roleResource(ctx.accountId, role.roleName), input.Tags ?? [])
        await notifyRoleChange(database, role)
        return listTags(tx, roleResource(ctx.accountId, role.roleName))
      })
      await identityChangesApplied(database)
      return { Role: toRoleShape(role, { tags }) }
    },

    async GetRole(input, ctx) {
      const db = database.db
      const role = await requireRole(db, ctx.accountId, input.RoleName)
      return { Role: toRoleShape(role, { tags: await listTags(db, roleResource(ctx.accountId, role.roleName)) }) }
    },

    async UpdateRole(input, ctx) {
      await updateRole(database, ctx.accountId, input.RoleName, {
        ...(input.Description !== undefined && { description: input.Description }),
        ...(input.MaxSessionDuration !== undefined && { maxSessionDuration: input.MaxSessionDuration }),
      })
      return {}
    },

    async UpdateRoleDescription(input, ctx) {
      const role = await updateRole(database, ctx.accountId, input.RoleName, { description: input.Description })
      return { Role: toRoleShape(role, { tags: await listTags(database.db, roleResource(ctx.accountId, role.roleName)) }) }
    },

    async UpdateAssumeRolePolicy(input, ctx) {
      await updateRole(database, ctx.accountId, input.RoleName, { assumeRolePolicy: input.PolicyDocument }, (tx) => checkTrustPolicy(tx, input.PolicyDocument))
    },

    async DeleteRole(input, ctx) {
      await database.transaction(async (tx) => {
        const role = await requireRole(tx, ctx.accountId, input.RoleName)
        if (role.serviceLinked) throw protectedRoleError(role.roleName)
        await deleteRoleRow(tx, role)
        await notifyRoleChange(database, role)
      })
      await identityChangesApplied(database)
    },

    async ListRoles(input, ctx) {
      const roles = await roleStore(database.db).list(ctx.accountId, input.PathPrefix)
      const page = paginate(roles, input, (role) => nameKey(role.roleName))
      return { Roles: page.items.map((role) => toRoleShape(role)), IsTruncated: page.IsTruncated, ...(page.Marker !== undefined && { Marker: page.Marker }) }
    },

    TagRole: roleTags.tag,
    UntagRole: roleTags.untag,
    ListRoleTags: roleTags.list,
  } satisfies Partial<IamApi>
}

// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
export const roleAuthorization = {
  CreateRole: (input, call) => ({
    action: 'iam:CreateRole',
    resources: [roleArnFor(call, input.RoleName, input.Path)],
    context: {
      ...requestTagContext(input.Tags),
      ...(input.PermissionsBoundary !== undefined && { 'iam:PermissionsBoundary': input.PermissionsBoundary }),
    },
  }),
  GetRole: (input, call) => roleTarget('iam:GetRole', call, input.RoleName),
  UpdateRole: (input, call) => roleTarget('iam:UpdateRole', call, input.RoleName),
  UpdateRoleDescription: (input, call) => roleTarget('iam:UpdateRoleDescription', call, input.RoleName),
  UpdateAssumeRolePolicy: (input, call) => roleTarget('iam:UpdateAssumeRolePolicy', call, input.RoleName),
  DeleteRole: (input, call) => roleTarget('iam:DeleteRole', call, input.RoleName),
  ListRoles: () => ({ action: 'iam:ListRoles', resources: ['*'] }),
  TagRole: (input, call) => ({ ...roleTarget('iam:TagRole', call, input.RoleName), context: requestTagContext(input.Tags) }),
  UntagRole: (input, call) => ({ ...roleTarget('iam:UntagRole', call, input.RoleName), context: { 'aws:TagKeys': input.TagKeys } }),
  ListRoleTags: (input, call) => roleTarget('iam:ListRoleTags', call, input.RoleName),
} satisfies Partial<AuthorizationTable<IamApi>>

export function roleModule(deps: IamDeps): IamModule {
  return { handlers: roleOperations(deps), authorization: roleAuthorization }
}

export function roleResource(accountId: string, roleName: string): TaggedResource {
  return { accountId, kind: 'role', key: nameKey(roleName) }
}

/** Inserts a new role within the account's role quota, turning a taken name into AWS's EntityAlreadyExists. */
export async function insertRole(tx: Db, role: RoleRecord): Promise<void> {
  if ((await roleStore(tx).count(role.accountId)) >= ACCOUNT_QUOTAS.RolesQuota) {
    throw new LimitExceededException(`Cannot exceed quota for RolesPerAccount: ${ACCOUNT_QUOTAS.RolesQuota}`)
  }
  try {
    await roleStore(tx).insert(role)
  } catch (error) {
    if (error instanceof DuplicateKeyError) throw new EntityAlreadyExistsException(`Role with name ${role.roleName} already exists.`)
    throw error
  }
}

/** Deletes a role and its tags once nothing refers to it any more; DeleteConflict otherwise. */
export async function deleteRoleRow(tx: Db, role: RoleRecord): Promise<void> {
  const dependent = await roleStore(tx).firstDependent(role.accountId, role.roleName)
  if (dependent) throw new DeleteConflictException(dependentMessages[dependent])
  await roleStore(tx).delete(role.accountId, role.roleName)
  await dropTags(tx, roleResource(role.accountId, role.roleName))
}

/** AWS's refusal to change a service-linked role through the ordinary role operations. */
export function protectedRoleError(roleName: string): UnmodifiableEntityException {
  return new UnmodifiableEntityException(`Cannot perform the operation on the protected role '${roleName}' - this role is only modifiable by AWS`)
}

/** Inside the transaction that changed a role: the identity index reloads it (policies, boundary, tags). */
export function notifyRoleChange(database: IamDeps['database'], role: Pick<RoleRecord, 'accountId' | 'roleName'>): Promise<void> {
  return notifyIdentityChange(database, { kind: 'role', accountId: role.accountId, key: nameKey(role.roleName) })
}

async function updateRole(
  database: IamDeps['database'],
  accountId: string,
  roleName: string,
  changes: RoleChanges,
  check?: (tx: Db) => Promise<unknown>,
): Promise<RoleRecord> {
  return database.transaction(async (tx) => {
    const role = await requireRole(tx, accountId, roleName)
    if (role.serviceLinked && changes.assumeRolePolicy !== undefined) throw protectedRoleError(role.roleName)
    await check?.(tx)
    await roleStore(tx).update(accountId, roleName, changes)
    return { ...role, ...changes }
  })
}

// A boundary must be a managed policy that exists: a customer managed policy of the account, or an AWS managed one.
async function requireBoundaryPolicy(tx: Db, accountId: string, policyArn: string): Promise<void> {
  if (!(await findManagedPolicy(tx, accountId, policyArn))) throw new NoSuchEntityException(`Scope ARN: ${policyArn} does not exist or is not attachable.`)
}

function roleTarget(action: string, call: CallFacts, roleName: string) {
  return { action, resources: [roleArnFor(call, roleName)] }
}

function requestTagContext(tags: readonly Tag[] | undefined): ContextValues {
  if (!tags || tags.length === 0) return {}
  const context: Record<string, string | readonly string[]> = { 'aws:TagKeys': tags.map((tag) => tag.Key) }
  for (const tag of tags) context[`aws:RequestTag/${tag.Key}`] = tag.Value
  return context
}
