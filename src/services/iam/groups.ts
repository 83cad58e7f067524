// IAM groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups, AddUserToGroup, RemoveUserFromGroup,
// ListGroupsForUser.
import type { AuthorizationTable, CallFacts } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { EntityAlreadyExistsException, LimitExceededException, NoSuchEntityException } from '../../generated/iam/errors.js'
import type { Group } from '../../generated/iam/types.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import {
  addMember,
  deleteGroup,
  findGroup,
  groupsOfUser,
  insertGroup,
  listGroups,
  membersOfGroup,
  removeMember,
  renameGroup,
  requireGroup,
  type IamGroup,
} from './groups-store.js'
import type { IamDeps } from './iam-deps.js'
import { identityChangesApplied, notifyIdentityChange } from './identity-index.js'
import { iamArn, nameKey, ROOT_PATH } from './iam-names.js'
import type { IamModule } from './index.js'
import { paginate } from './pagination.js'
import { requireUser } from './users-store.js'
import { userResourceArn } from './users-target.js'
import { toUserShape } from './users.js'

/** "Groups an IAM user can be a member of: 10" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
export const GROUPS_PER_USER_QUOTA = 10

export function groupOperations({ database, clock, ids }: IamDeps): IamModule {
  // Inside the writing transaction: the identity index reloads the group and its members' group lists.
  const notifyGroup = (accountId: string, groupName: string) => notifyIdentityChange(database, { kind: 'group', accountId, key: nameKey(groupName) })

  const handlers = {
    async CreateGroup(input, ctx) {
      const path = input.Path ?? ROOT_PATH
      const group: IamGroup = {
        accountId: ctx.accountId,
        groupName: input.GroupName,
        groupId: ids.uniqueId('AGPA'),
        path,
        arn: iamArn(ctx.partition, ctx.accountId, 'group', path, input.GroupName),
        createdAt: clock.now(),
      }
      await database.transaction(async (tx) => {
        if (await findGroup(tx, ctx.accountId, input.GroupName)) throw groupExists(input.GroupName)
        await insertGroup(tx, group).catch(rethrowDuplicate(input.GroupName))
        await notifyGroup(ctx.accountId, group.groupName)
      })
      await identityChangesApplied(database)
      return { Group: toGroupShape(group) }
    },

    async GetGroup(input, ctx) {
      const group = await requireGroup(database.db, ctx.accountId, input.GroupName)
      const page = paginate(await membersOfGroup(database.db, ctx.accountId, group.groupName), input, (user) => nameKey(user.userName))
      return { Group: toGroupShape(group), Users: page.items.map(toUserShape), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) }
    },

    async UpdateGroup(input, ctx) {
      await database.transaction(async (tx) => {
        const group = await requireGroup(tx, ctx.accountId, input.GroupName)
        const groupName = input.NewGroupName ?? group.groupName
        const path = input.NewPath ?? group.path
        if (nameKey(groupName) !== nameKey(group.groupName) && (await findGroup(tx, ctx.accountId, groupName))) throw groupExists(groupName)
        await renameGroup(tx, group, { groupName, path, arn: iamArn(ctx.partition, ctx.accountId, 'group', path, groupName) }).catch(rethrowDuplicate(groupName))
        await notifyGroup(ctx.accountId, group.groupName)
        await notifyGroup(ctx.accountId, groupName)
      })
      await identityChangesApplied(database)
    },

    async DeleteGroup(input, ctx) {
      await database.transaction(async (tx) => {
        const group = await requireGroup(tx, ctx.accountId, input.GroupName)
        await deleteGroup(tx, group)
        await notifyGroup(ctx.accountId, group.groupName)
      })
      await identityChangesApplied(database)
    },

    async ListGroups(input, ctx) {
      const page = paginate(await listGroups(database.db, ctx.accountId, input.PathPrefix), input, (group) => nameKey(group.groupName))
      return { Groups: page.items.map(toGroupShape), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) }
    },

    async AddUserToGroup(input, ctx) {
      await database.transaction(async (tx) => {
        const group = await requireGroup(tx, ctx.accountId, input.GroupName)
        const user = await requireUser(tx, ctx.accountId, input.UserName)
        const groups = await groupsOfUser(tx, ctx.accountId, user.userName)
        if (groups.some((member) => member.groupId === group.groupId)) return
        if (groups.length >= GROUPS_PER_USER_QUOTA) throw new LimitExceededException(`Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER_QUOTA}`)
        await addMember(tx, ctx.accountId, group.groupName, user.userName)
        await notifyGroup(ctx.accountId, group.groupName)
      })
      await identityChangesApplied(database)
    },

    async RemoveUserFromGroup(input, ctx) {
      await database.transaction(async (tx) => {
        const group = await requireGroup(tx, ctx.accountId, input.GroupName)
        const user = await requireUser(tx, ctx.accountId, input.UserName)
        if (!(await removeMember(tx, ctx.accountId, group.groupName, user.userName))) {
          throw new NoSuchEntityException(`The user with name ${input.UserName} cannot be found in group ${input.GroupName}.`)
        }
        await notifyGroup(ctx.accountId, group.groupName)
      })
      await identityChangesApplied(database)
    },

    async ListGroupsForUser(input, ctx) {
      const user = await requireUser(database.db, ctx.accountId, input.UserName)
      const page = paginate(await groupsOfUser(database.db, ctx.accountId, user.userName), input, (group) => nameKey(group.groupName))
      return { Groups: page.items.map(toGroupShape), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) }
    },
  } satisfies Partial<IamApi>

  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
  const authorization = {
    CreateGroup: (input, call) => ({ action: 'iam:CreateGroup', resources: [iamArn(call.partition, call.accountId, 'group', input.Path ?? ROOT_PATH, input.GroupName)] }),
    GetGroup: (input, call) => ({ action: 'iam:GetGroup', resources: [groupArn(input.GroupName, call)] }),
    UpdateGroup: (input, call) => ({ action: 'iam:UpdateGroup', resources: [groupArn(input.GroupName, call)] }),
    DeleteGroup: (input, call) => ({ action: 'iam:DeleteGroup', resources: [groupArn(input.GroupName, call)] }),
    ListGroups: () => ({ action: 'iam:ListGroups', resources: ['*'] }),
    AddUserToGroup: (input, call) => ({ action: 'iam:AddUserToGroup', resources: [groupArn(input.GroupName, call)] }),
    RemoveUserFromGroup: (input, call) => ({ action: 'iam:RemoveUserFromGroup', resources: [groupArn(input.GroupName, call)] }),
    ListGroupsForUser: (input, call) => ({ action: 'iam:ListGroupsForUser', resources: [userResourceArn(input.UserName, call)] }),
  } satisfies Partial<AuthorizationTable<IamApi>>

  return { handlers, authorization }
}

export function toGroupShape(group: IamGroup): Group {
  return { Path: group.path, GroupName: group.groupName, GroupId: group.groupId, Arn: group.arn, CreateDate: group.createdAt }
}

// The authorization stage runs before any lookup, so a named group is taken to be at the root path.
function groupArn(groupName: string, call: CallFacts): string {
  return iamArn(call.partition, call.accountId, 'group', ROOT_PATH, groupName)
}

function groupExists(groupName: string): EntityAlreadyExistsException {
  return new EntityAlreadyExistsException(`Group with name ${groupName} already exists.`)
}

function rethrowDuplicate(groupName: string): (error: unknown) => never {
  return (error) => {
    throw error instanceof DuplicateKeyError ? groupExists(groupName) : error
  }
}
