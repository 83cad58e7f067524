// Roles on the wire: the Role shape IAM returns, the role's ARN for authorization, and the not-found rule.
import type { CallFacts } from '../../core/authorization-target.js'
import { NoSuchEntityException } from '../../generated/iam/errors.js'
import type { Role, Tag } from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'
import { iamArn, ROOT_PATH } from './iam-names.js'
import { roleStore, type RoleRecord } from './roles-store.js'

/** The ARN a role action is authorized against; the path is known only where the request carries it. */
export function roleArnFor(call: CallFacts, roleName: string, path: string = ROOT_PATH): string {
  return iamArn(call.partition, call.accountId, 'role', path, roleName)
}

export async function requireRole(db: Db, accountId: string, roleName: string): Promise<RoleRecord> {
  const role = await roleStore(db).get(accountId, roleName)
  if (!role) throw new NoSuchEntityException(`The role with name ${roleName} cannot be found.`)
  return role
}

/**
 * The Role element. IAM returns AssumeRolePolicyDocument URL-encoded (RFC 3986), and the SDKs leave it so.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html
 * `detail` adds what only GetRole (and the calls that return one role) include: boundary, last use and tags.
 */
export function toRoleShape(role: RoleRecord, detail?: { readonly tags: readonly Tag[] }): Role {
  const shape: Role = {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: role.createdAt,
    AssumeRolePolicyDocument: encodeURIComponent(role.assumeRolePolicy),
    MaxSessionDuration: role.maxSessionDuration,
    ...(role.description !== undefined && { Description: role.description }),
  }
  if (!detail) return shape
  return {
    ...shape,
    ...(role.permissionsBoundaryArn !== undefined && {
      PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: role.permissionsBoundaryArn },
    }),
    ...(detail.tags.length > 0 && { Tags: [...detail.tags] }),
    RoleLastUsed: {
      ...(role.lastUsedAt !== undefined && { LastUsedDate: role.lastUsedAt }),
      ...(role.lastUsedRegion !== undefined && { Region: role.lastUsedRegion }),
    },
  }
}
