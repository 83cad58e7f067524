// InstanceProfileStore: instance profiles (`iam_instance_profiles`) and the role each holds (`iam_instance_profile_roles`).
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { IamInstanceProfileRow } from '../../storage/migrations/0003-iam.js'
import type { Db } from '../../storage/schema.js'
import { nameKey } from './iam-names.js'

export interface InstanceProfileRecord {
  readonly accountId: string
  readonly instanceProfileName: string
  /** AIPA… */
  readonly instanceProfileId: string
  readonly path: string
  readonly arn: string
  readonly createdAt: Date
}

export interface InstanceProfileStore {
  get(accountId: string, name: string): Promise<InstanceProfileRecord | undefined>
  /** DuplicateKeyError when the name (in any case) is taken in the account. */
  insert(profile: InstanceProfileRecord): Promise<void>
  /** Ordered by name key, filtered by path prefix. */
  list(accountId: string, pathPrefix?: string): Promise<InstanceProfileRecord[]>
  count(accountId: string): Promise<number>
  delete(accountId: string, name: string): Promise<void>
  /** Name keys of the roles in the profile. */
  roleKeys(accountId: string, name: string): Promise<string[]>
  addRole(accountId: string, name: string, roleName: string): Promise<void>
  removeRole(accountId: string, name: string, roleName: string): Promise<boolean>
  /** The profiles that hold the role, ordered by name key. */
  listForRole(accountId: string, roleName: string): Promise<InstanceProfileRecord[]>
}

export function instanceProfileStore(db: Db): InstanceProfileStore {
  return {
    async get(accountId, name) {
      const row = await db
        .selectFrom('iam_instance_profiles')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(name))
        .executeTakeFirst()
      return row && toProfile(row)
    },

    async insert(profile) {
      await db
        .insertInto('iam_instance_profiles')
        .values({
          account_id: profile.accountId,
          name_key: nameKey(profile.instanceProfileName),
          instance_profile_name: profile.instanceProfileName,
          instance_profile_id: profile.instanceProfileId,
          path: profile.path,
          arn: profile.arn,
          created_at: toDbTimestamp(profile.createdAt),
        })
        .execute()
    },

    async list(accountId, pathPrefix) {
      const rows = await db.selectFrom('iam_instance_profiles').selectAll().where('account_id', '=', accountId).orderBy('name_key').execute()
      return rows.filter((row) => pathPrefix === undefined || row.path.startsWith(pathPrefix)).map(toProfile)
    },

    async count(accountId) {
      const row = await db.selectFrom('iam_instance_profiles').select((eb) => eb.fn.countAll<number | string>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow()
      return Number(row.n)
    },

    async delete(accountId, name) {
      await db.deleteFrom('iam_instance_profiles').where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).execute()
    },

    async roleKeys(accountId, name) {
      const rows = await db
        .selectFrom('iam_instance_profile_roles')
        .select('role_key')
        .where('account_id', '=', accountId)
        .where('profile_key', '=', nameKey(name))
        .orderBy('role_key')
        .execute()
      return rows.map((row) => row.role_key)
    },

    async addRole(accountId, name, roleName) {
      await db.insertInto('iam_instance_profile_roles').values({ account_id: accountId, profile_key: nameKey(name), role_key: nameKey(roleName) }).execute()
    },

    async removeRole(accountId, name, roleName) {
      const result = await db
        .deleteFrom('iam_instance_profile_roles')
        .where('account_id', '=', accountId)
        .where('profile_key', '=', nameKey(name))
        .where('role_key', '=', nameKey(roleName))
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },

    async listForRole(accountId, roleName) {
      const rows = await db
        .selectFrom('iam_instance_profiles')
        .innerJoin('iam_instance_profile_roles', (join) =>
          join
            .onRef('iam_instance_profile_roles.account_id', '=', 'iam_instance_profiles.account_id')
            .onRef('iam_instance_profile_roles.profile_key', '=', 'iam_instance_profiles.name_key'),
        )
        .selectAll('iam_instance_profiles')
        .where('iam_instance_profiles.account_id', '=', accountId)
        .where('iam_instance_profile_roles.role_key', '=', nameKey(roleName))
        .orderBy('iam_instance_profiles.name_key')
        .execute()
      return rows.map(toProfile)
    },
  }
}

function toProfile(row: IamInstanceProfileRow): InstanceProfileRecord {
  return {
    accountId: row.account_id,
    instanceProfileName: row.instance_profile_name,
    instanceProfileId: row.instance_profile_id,
    path: row.path,
    arn: row.arn,
    createdAt: fromDbTimestamp(row.created_at),
  }
}
