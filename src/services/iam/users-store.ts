// UserStore: IAM users as rows, the rename cascade over every table keyed by a user's name key, and the
// dependents that block DeleteUser. Read by the policies slice too (requireUser, groupsOfUser).
import { DeleteConflictException, NoSuchEntityException } from '../../generated/iam/errors.js'
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { IamUserRow } from '../../storage/migrations/0003-iam.js'
import type { Db } from '../../storage/schema.js'
import { nameKey } from './iam-names.js'

export interface IamUser {
  readonly accountId: string
  readonly userName: string
  /** AIDA… */
  readonly userId: string
  readonly path: string
  readonly arn: string
  readonly createdAt: Date
  readonly permissionsBoundaryArn?: string
  readonly passwordLastUsed?: Date
}

export async function findUser(db: Db, accountId: string, userName: string): Promise<IamUser | undefined> {
  const row = await db.selectFrom('iam_users').selectAll()
    .where('account_id', '=', accountId).where('name_key', '=', nameKey(userName))
    .executeTakeFirst()
  return row && toUser(row)
}

/** The user, or AWS's NoSuchEntity. */
export async function requireUser(db: Db, accountId: string, userName: string): Promise<IamUser> {
  const user = await findUser(db, accountId, userName)
  if (!user) throw new NoSuchEntityException(`The user with name ${userName} cannot be found.`)
  return user
}

/** DuplicateKeyError when the name (in any case) is taken in the account. */
export async function insertUser(db: Db, user: IamUser): Promise<void> {
  await db.insertInto('iam_users').values({
    account_id: user.accountId,
    name_key: nameKey(user.userName),
    user_name: user.userName,
    user_id: user.userId,
    path: user.path,
    arn: user.arn,
    created_at: toDbTimestamp(user.createdAt),
    permissions_boundary_arn: user.permissionsBoundaryArn ?? null,
    password_last_used: null,
  }).execute()
}

/** Every user of the account whose path starts with `pathPrefix`, in name-key order (ListUsers' order). */
export async function listUsers(db: Db, accountId: string, pathPrefix = '/'): Promise<IamUser[]> {
  const rows = await db.selectFrom('iam_users').selectAll().where('account_id', '=', accountId).orderBy('name_key').execute()
  return rows.filter((row) => row.path.startsWith(pathPrefix)).map(toUser)
}

export async function countUsers(db: Db, accountId: string): Promise<number> {
  const row = await db.selectFrom('iam_users').select((eb) => eb.fn.countAll<number | string>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Renames and/or moves a user. Everything keyed by the user's name key follows: group membership, attached and
 * inline policies, tags, login profile, password history, access keys and MFA devices.
 * DuplicateKeyError when the new name is taken.
 */
export async function renameUser(db: Db, user: IamUser, next: { userName: string; path: string; arn: string }): Promise<void> {
  const oldKey = nameKey(user.userName)
  const newKey = nameKey(next.userName)
  const account = user.accountId
  await db.updateTable('iam_users').set({ name_key: newKey, user_name: next.userName, path: next.path, arn: next.arn })
    .where('account_id', '=', account).where('name_key', '=', oldKey).execute()
  await db.updateTable('access_keys').set({ user_name: next.userName })
    .where('account_id', '=', account).where('user_name', '=', user.userName).execute()
  if (oldKey === newKey) return
  await db.updateTable('iam_group_members').set({ user_key: newKey }).where('account_id', '=', account).where('user_key', '=', oldKey).execute()
  for (const table of ['iam_policy_attachments', 'iam_inline_policies'] as const) {
    await db.updateTable(table).set({ principal_key: newKey })
      .where('account_id', '=', account).where('principal_kind', '=', 'user').where('principal_key', '=', oldKey).execute()
  }
  await db.updateTable('iam_tags').set({ resource_key: newKey })
    .where('account_id', '=', account).where('resource_kind', '=', 'user').where('resource_key', '=', oldKey).execute()
  for (const table of ['iam_login_profiles', 'iam_password_history', 'iam_mfa_devices'] as const) {
    await db.updateTable(table).set({ user_key: newKey }).where('account_id', '=', account).where('user_key', '=', oldKey).execute()
  }
}

/**
 * Deletes a user that has nothing left attached, or throws AWS's DeleteConflict naming the first dependent
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html#id_users_deleting_cli).
 */
export async function deleteUser(db: Db, user: IamUser): Promise<void> {
  const account = user.accountId
  const key = nameKey(user.userName)
  const blockers: readonly [string, () => Promise<unknown>][] = [
    ['must delete login profile first', () => db.selectFrom('iam_login_profiles').select('user_key').where('account_id', '=', account).where('user_key', '=', key).executeTakeFirst()],
    ['must delete access keys first', () => db.selectFrom('access_keys').select('access_key_id').where('account_id', '=', account).where('user_name', '=', user.userName).executeTakeFirst()],
    ['must delete SSH public keys first', () => db.selectFrom('iam_ssh_public_keys').select('key_id').where('account_id', '=', account).where('user_id', '=', user.userId).executeTakeFirst()],
    ['must delete signing certificates first', () => db.selectFrom('iam_signing_certificates').select('certificate_id').where('account_id', '=', account).where('user_id', '=', user.userId).executeTakeFirst()],
    ['must delete service specific credentials first', () => db.selectFrom('iam_service_credentials').select('credential_id').where('account_id', '=', account).where('user_id', '=', user.userId).executeTakeFirst()],
    ['must delete MFA device first', () => db.selectFrom('iam_mfa_devices').select('serial_number').where('account_id', '=', account).where('user_key', '=', key).executeTakeFirst()],
    ['must delete policies first', () => db.selectFrom('iam_inline_policies').select('policy_key').where('account_id', '=', account).where('principal_kind', '=', 'user').where('principal_key', '=', key).executeTakeFirst()],
    ['must detach all policies first', () => db.selectFrom('iam_policy_attachments').select('policy_arn').where('account_id', '=', account).where('principal_kind', '=', 'user').where('principal_key', '=', key).executeTakeFirst()],
    ['must remove users from group first', () => db.selectFrom('iam_group_members').select('group_key').where('account_id', '=', account).where('user_key', '=', key).executeTakeFirst()],
  ]
  for (const [reason, find] of blockers) {
    if (await find()) throw new DeleteConflictException(`Cannot delete entity, ${reason}.`)
  }
  await db.deleteFrom('iam_tags').where('account_id', '=', account).where('resource_kind', '=', 'user').where('resource_key', '=', key).execute()
  await db.deleteFrom('iam_password_history').where('account_id', '=', account).where('user_key', '=', key).execute()
  await db.deleteFrom('iam_users').where('account_id', '=', account).where('name_key', '=', key).execute()
}

export function toUser(row: IamUserRow): IamUser {
  return {
    accountId: row.account_id,
    userName: row.user_name,
    userId: row.user_id,
    path: row.path,
    arn: row.arn,
    createdAt: fromDbTimestamp(row.created_at),
    permissionsBoundaryArn: row.permissions_boundary_arn ?? undefined,
    passwordLastUsed: row.password_last_used === null ? undefined : fromDbTimestamp(row.password_last_used),
  }
}
