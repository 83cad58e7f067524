// RoleStore: IAM roles as rows of `iam_roles`, and what still refers to a role (profiles, inline and attached policies).
import { fromDbBoolean, fromDbTimestamp, toDbBoolean, toDbTimestamp } from '../../storage/columns.js'
import type { IamRoleRow } from '../../storage/migrations/0003-iam.js'
import type { Db } from '../../storage/schema.js'
import { nameKey } from './iam-names.js'

export interface RoleRecord {
  readonly accountId: string
  readonly roleName: string
  /** AROA… */
  readonly roleId: string
  readonly path: string
  readonly arn: string
  readonly createdAt: Date
  /** The trust policy as the caller sent it. */
  readonly assumeRolePolicy: string
  readonly description?: string
  readonly maxSessionDuration: number
  readonly permissionsBoundaryArn?: string
  readonly lastUsedAt?: Date
  readonly lastUsedRegion?: string
  /** Created by CreateServiceLinkedRole: only DeleteServiceLinkedRole may delete it. */
  readonly serviceLinked: boolean
}

export type RoleChanges = Partial<Pick<RoleRecord, 'assumeRolePolicy' | 'description' | 'maxSessionDuration'>>

/** Why a role cannot be deleted yet, in the order DeleteRole reports them. */
export type RoleDependent = 'instance-profile' | 'inline-policy' | 'attached-policy'

export interface RoleStore {
  get(accountId: string, roleName: string): Promise<RoleRecord | undefined>
  /** DuplicateKeyError when the name (in any case) is taken in the account. */
  insert(role: RoleRecord): Promise<void>
  /** Every role of the account whose path starts with `pathPrefix`, ordered by name key (ListRoles' order). */
  list(accountId: string, pathPrefix?: string): Promise<RoleRecord[]>
  count(accountId: string): Promise<number>
  update(accountId: string, roleName: string, changes: RoleChanges): Promise<void>
  /** Records a use of the role (RoleLastUsed), e.g. by an AssumeRole. */
  recordUse(accountId: string, roleName: string, at: Date, region: string): Promise<void>
  /** The first thing that still refers to the role, or undefined when it can be deleted. */
  firstDependent(accountId: string, roleName: string): Promise<RoleDependent | undefined>
  delete(accountId: string, roleName: string): Promise<void>
}

export function roleStore(db: Db): RoleStore {
  return {
    async get(accountId, roleName) {
      const row = await db
        .selectFrom('iam_roles')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(roleName))
        .executeTakeFirst()
      return row && toRole(row)
    },

    async insert(role) {
      await db.insertInto('iam_roles').values(toRow(role)).execute()
    },

    async list(accountId, pathPrefix) {
      const rows = await db.selectFrom('iam_roles').selectAll().where('account_id', '=', accountId).orderBy('name_key').execute()
      // Filtered here rather than with LIKE, whose case rules and wildcards differ between the dialects.
      return rows.filter((row) => pathPrefix === undefined || row.path.startsWith(pathPrefix)).map(toRole)
    },

    async count(accountId) {
      const row = await db.selectFrom('iam_roles').select((eb) => eb.fn.countAll<number | string>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow()
      return Number(row.n)
    },

    async update(accountId, roleName, changes) {
      const set: Partial<IamRoleRow> = {}
      if (changes.assumeRolePolicy !== undefined) set.assume_role_policy = changes.assumeRolePolicy
      if (changes.description !== undefined) set.description = changes.description
      if (changes.maxSessionDuration !== undefined) set.max_session_duration = changes.maxSessionDuration
      if (Object.keys(set).length === 0) return
      await db.updateTable('iam_roles').set(set).where('account_id', '=', accountId).where('name_key', '=', nameKey(roleName)).execute()
    },

    async recordUse(accountId, roleName, at, region) {
      await db
        .updateTable('iam_roles')
        .set({ last_used_at: toDbTimestamp(at), last_used_region: region })
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(roleName))
        .execute()
    },

    async firstDependent(accountId, roleName) {
      const key = nameKey(roleName)
      const profile = await db
        .selectFrom('iam_instance_profile_roles')
        .select('profile_key')
        .where('account_id', '=', accountId)
        .where('role_key', '=', key)
        .executeTakeFirst()
      if (profile) return 'instance-profile'
      const inline = await db
        .selectFrom('iam_inline_policies')
        .select('policy_key')
        .where('account_id', '=', accountId)
        .where('principal_kind', '=', 'role')
        .where('principal_key', '=', key)
        .executeTakeFirst()
      if (inline) return 'inline-policy'
      const attached = await db
        .selectFrom('iam_policy_attachments')
        .select('policy_arn')
        .where('account_id', '=', accountId)
        .where('principal_kind', '=', 'role')
        .where('principal_key', '=', key)
        .executeTakeFirst()
      return attached ? 'attached-policy' : undefined
    },

    async delete(accountId, roleName) {
      await db.deleteFrom('iam_roles').where('account_id', '=', accountId).where('name_key', '=', nameKey(roleName)).execute()
    },
  }
}

/**
 * The role an ARN names (`arn:aws:iam::123456789012:role/path/Name`), as STS's AssumeRole receives it: the account
 * and name find the role, and the whole ARN, path included, must be the role's. Undefined for anything else.
 */
export async function findRoleByArn(db: Db, arn: string): Promise<RoleRecord | undefined> {
  const match = /^arn:[\w-]+:iam::(\d{12}):role(\/.*)?\/([^/]+)$/.exec(arn)
  if (!match) return undefined
  const [, accountId, , roleName] = match as unknown as [string, string, string | undefined, string]
  const role = await roleStore(db).get(accountId, roleName)
  return role && role.arn === arn ? role : undefined
}

function toRow(role: RoleRecord): IamRoleRow {
  return {
    account_id: role.accountId,
    name_key: nameKey(role.roleName),
    role_name: role.roleName,
    role_id: role.roleId,
    path: role.path,
    arn: role.arn,
    created_at: toDbTimestamp(role.createdAt),
    assume_role_policy: role.assumeRolePolicy,
    description: role.description ?? null,
    max_session_duration: role.maxSessionDuration,
    permissions_boundary_arn: role.permissionsBoundaryArn ?? null,
    last_used_at: role.lastUsedAt ? toDbTimestamp(role.lastUsedAt) : null,
    last_used_region: role.lastUsedRegion ?? null,
    service_linked: toDbBoolean(role.serviceLinked),
  }
}

function toRole(row: IamRoleRow): RoleRecord {
  return {
    accountId: row.account_id,
    roleName: row.role_name,
    roleId: row.role_id,
    path: row.path,
    arn: row.arn,
    createdAt: fromDbTimestamp(row.created_at),
    assumeRolePolicy: row.assume_role_policy,
    ...(row.description !== null && { description: row.description }),
    maxSessionDuration: row.max_session_duration,
    ...(row.permissions_boundary_arn !== null && { permissionsBoundaryArn: row.permissions_boundary_arn }),
    ...(row.last_used_at !== null && { lastUsedAt: fromDbTimestamp(row.last_used_at) }),
    ...(row.last_used_region !== null && { lastUsedRegion: row.last_used_region }),
    serviceLinked: fromDbBoolean(row.service_linked),
  }
}
