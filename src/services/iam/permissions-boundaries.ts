// Permissions boundaries: Put/Delete{User,Role}PermissionsBoundary (the `permissions_boundary_arn` column).
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import type { Db } from '../../storage/schema.js'
import { requirePrincipal, type PrincipalEntity } from './attachments-store.js'
import type { IamDeps } from './iam-deps.js'
import { identityChangesApplied, notifyIdentityChange } from './identity-index.js'
import type { IamModule } from './index.js'
import { entityArn } from './inline-policies.js'
import { requireAttachablePolicy } from './managed-policies-lookup.js'

export function permissionsBoundaryOperations({ database }: IamDeps) {
  async function setBoundary(kind: 'user' | 'role', accountId: string, entityName: string, policyArn: string | null): Promise<void> {
    await database.transaction(async (tx) => {
      const entity = await requirePrincipal(tx, kind, accountId, entityName)
      if (policyArn !== null) await requireAttachablePolicy(tx, accountId, policyArn)
      await writeBoundary(tx, entity, policyArn)
      await notifyIdentityChange(database, entity)
    })
    await identityChangesApplied(database)
  }

  return {
    PutUserPermissionsBoundary: (input, ctx) => setBoundary('user', ctx.accountId, input.UserName, input.PermissionsBoundary),
    DeleteUserPermissionsBoundary: (input, ctx) => setBoundary('user', ctx.accountId, input.UserName, null),
    PutRolePermissionsBoundary: (input, ctx) => setBoundary('role', ctx.accountId, input.RoleName, input.PermissionsBoundary),
    DeleteRolePermissionsBoundary: (input, ctx) => setBoundary('role', ctx.accountId, input.RoleName, null),
  } satisfies Partial<IamApi>
}

export const permissionsBoundaryAuthorization = {
  PutUserPermissionsBoundary: (input, call) => ({
    action: 'iam:PutUserPermissionsBoundary',
    resources: [entityArn(call, 'user', input.UserName)],
    context: { 'iam:PermissionsBoundary': input.PermissionsBoundary },
  }),
  DeleteUserPermissionsBoundary: (input, call) => ({ action: 'iam:DeleteUserPermissionsBoundary', resources: [entityArn(call, 'user', input.UserName)] }),
  PutRolePermissionsBoundary: (input, call) => ({
    action: 'iam:PutRolePermissionsBoundary',
    resources: [entityArn(call, 'role', input.RoleName)],
    context: { 'iam:PermissionsBoundary': input.PermissionsBoundary },
  }),
  DeleteRolePermissionsBoundary: (input, call) => ({ action: 'iam:DeleteRolePermissionsBoundary', resources: [entityArn(call, 'role', input.RoleName)] }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function permissionsBoundaryModule(deps: IamDeps): IamModule {
  return { handlers: permissionsBoundaryOperations(deps), authorization: permissionsBoundaryAuthorization }
}

async function writeBoundary(tx: Db, entity: PrincipalEntity, policyArn: string | null): Promise<void> {
  const table = entity.kind === 'user' ? 'iam_users' : 'iam_roles'
  await tx.updateTable(table).set({ permissions_boundary_arn: policyArn }).where('account_id', '=', entity.accountId).where('name_key', '=', entity.key).execute()
}
