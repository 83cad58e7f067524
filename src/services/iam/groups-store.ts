// GroupStore: IAM groups and their members as rows; the rename cascade and the dependents that block DeleteGroup.
// Read by the policies slice too (requireGroup, groupsOfUser).
import { DeleteConflictException, NoSuchEntityException } from '../../generated/iam/errors.js'
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { IamGroupRow } from '../../storage/migrations/0003-iam.js'
import type { Db } from '../../storage/schema.js'
import { nameKey } from './iam-names.js'
import { toUser, type IamUser } from './users-store.js'

export interface IamGroup {
  readonly accountId: string
  readonly groupName: string
  /** AGPA… */
  readonly groupId: string
  readonly path: string
  readonly arn: string
  readonly createdAt: Date
}

export async function findGroup(db: Db, accountId: string, groupName: string): Promise<IamGroup | undefined> {
  const row = await db.selectFrom('iam_groups').selectAll()
    .where('account_id', '=', accountId).where('name_key', '=', nameKey(groupName))
    .executeTakeFirst()
  return row && toGroup(row)
}

/** The group, or AWS's NoSuchEntity. */
export async function requireGroup(db: Db, accountId: string, groupName: string): Promise<IamGroup> {
  const group = await findGroup(db, accountId, groupName)
  if (!group) throw new NoSuchEntityException(`The group with name ${groupName} cannot be found.`)
  return group
}

/** DuplicateKeyError when the name (in any case) is taken in the account. */
export async function insertGroup(db: Db, group: IamGroup): Promise<void> {
  await db.insertInto('iam_groups').values({
    account_id: group.accountId,
    name_key: nameKey(group.groupName),
    group_name: group.groupName,
    group_id: group.groupId,
    path: group.path,
    arn: group.arn,
    created_at: toDbTimestamp(group.createdAt),
  }).execute()
}

/** Every group of the account whose path starts with `pathPrefix`, in name-key order. */
export async function listGroups(db: Db, accountId: string, pathPrefix = '/'): Promise<IamGroup[]> {
  const rows = await db.selectFrom('iam_groups').selectAll().where('account_id', '=', accountId).orderBy('name_key').execute()
  return rows.filter((row) => row.path.startsWith(pathPrefix)).map(toGroup)
}

export async function countGroups(db: Db, accountId: string): Promise<number> {
  const row = await db.selectFrom('iam_groups').select((eb) => eb.fn.countAll<number | string>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The groups a user belongs to, in name-key order. */
export async function groupsOfUser(db: Db, accountId: string, userName: string): Promise<IamGroup[]> {
  const rows = await db.selectFrom('iam_group_members')
    .innerJoin('iam_groups', (join) => join.onRef('iam_groups.account_id', '=', 'iam_group_members.account_id').onRef('iam_groups.name_key', '=', 'iam_group_members.group_key'))
    .selectAll('iam_groups')
    .where('iam_group_members.account_id', '=', accountId).where('iam_group_members.user_key', '=', nameKey(userName))
    .orderBy('iam_groups.name_key')
    .execute()
  return rows.map(toGroup)
}

/** The members of a group, in name-key order. */
export async function membersOfGroup(db: Db, accountId: string, groupName: string): Promise<IamUser[]> {
  const rows = await db.selectFrom('iam_group_members')
    .innerJoin('iam_users', (join) => join.onRef('iam_users.account_id', '=', 'iam_group_members.account_id').onRef('iam_users.name_key', '=', 'iam_group_members.user_key'))
    .selectAll('iam_users')
    .where('iam_group_members.account_id', '=', accountId).where('iam_group_members.group_key', '=', nameKey(groupName))
    .orderBy('iam_users.name_key')
    .execute()
  return rows.map(toUser)
}

/** Adds a member; adding one twice is a no-op, as in AWS. */
export async function addMember(db: Db, accountId: string, groupName: string, userName: string): Promise<void> {
  await db.insertInto('iam_group_members')
    .values({ account_id: accountId, group_key: nameKey(groupName), user_key: nameKey(userName) })
    .onConflict((conflict) => conflict.columns(['account_id', 'group_key', 'user_key']).doNothing())
    .execute()
}

/** Removes a member; false when the user was not in the group. */
export async function removeMember(db: Db, accountId: string, groupName: string, userName: string): Promise<boolean> {
  const result = await db.deleteFrom('iam_group_members')
    .where('account_id', '=', accountId).where('group_key', '=', nameKey(groupName)).where('user_key', '=', nameKey(userName))
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** Renames and/or moves a group; members and policies follow. DuplicateKeyError when the new name is taken. */
export async function renameGroup(db: Db, group: IamGroup, next: { groupName: string; path: string; arn: string }): Promise<void> {
  const oldKey = nameKey(group.groupName)
  const newKey = nameKey(next.groupName)
  const account = group.accountId
  await db.updateTable('iam_groups').set({ name_key: newKey, group_name: next.groupName, path: next.path, arn: next.arn })
    .where('account_id', '=', account).where('name_key', '=', oldKey).execute()
  if (oldKey === newKey) return
  await db.updateTable('iam_group_members').set({ group_key: newKey }).where('account_id', '=', account).where('group_key', '=', oldKey).execute()
  for (const table of ['iam_policy_attachments', 'iam_inline_policies'] as const) {
    await db.updateTable(table).set({ principal_key: newKey })
      .where('account_id', '=', account).where('principal_kind', '=', 'group').where('principal_key', '=', oldKey).execute()
  }
}

/** Deletes a group with no members and no policies, or throws AWS's DeleteConflict. */
export async function deleteGroup(db: Db, group: IamGroup): Promise<void> {
  const account = group.accountId
  const key = nameKey(group.groupName)
  const blockers: readonly [string, () => Promise<unknown>][] = [
    ['must remove users from group first', () => db.selectFrom('iam_group_members').select('user_key').where('account_id', '=', account).where('group_key', '=', key).executeTakeFirst()],
    ['must delete policies first', () => db.selectFrom('iam_inline_policies').select('policy_key').where('account_id', '=', account).where('principal_kind', '=', 'group').where('principal_key', '=', key).executeTakeFirst()],
    ['must detach all policies first', () => db.selectFrom('iam_policy_attachments').select('policy_arn').where('account_id', '=', account).where('principal_kind', '=', 'group').where('principal_key', '=', key).executeTakeFirst()],
  ]
  for (const [reason, find] of blockers) {
    if (await find()) throw new DeleteConflictException(`Cannot delete entity, ${reason}.`)
  }
  await db.deleteFrom('iam_groups').where('account_id', '=', account).where('name_key', '=', key).execute()
}

function toGroup(row: IamGroupRow): IamGroup {
  return {
    accountId: row.account_id,
    groupName: row.group_name,
    groupId: row.group_id,
    path: row.path,
    arn: row.arn,
    createdAt: fromDbTimestamp(row.created_at),
  }
}
