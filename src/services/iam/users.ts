// IAM users: CreateUser, GetUser, UpdateUser, DeleteUser, ListUsers, TagUser, UntagUser, ListUserTags.
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { EntityAlreadyExistsException } from '../../generated/iam/errors.js'
import type { User } from '../../generated/iam/types.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import { accountStore } from './account-store.js'
import { credentialChangesApplied, CREDENTIALS_CHANGED } from './credential-index.js'
import type { IamDeps } from './iam-deps.js'
import { identityChangesApplied, notifyIdentityChange } from './identity-index.js'
import { iamArn, nameKey, ROOT_PATH } from './iam-names.js'
import { listTags, putTags, tagHandlers } from './iam-tags.js'
import type { IamModule } from './index.js'
import { paginate } from './pagination.js'
import { groupsOfUser } from './groups-store.js'
import { deleteUser, findUser, insertUser, listUsers, renameUser, requireUser, type IamUser } from './users-store.js'
import { userResourceArn, userTarget } from './users-target.js'

export function userOperations({ database, clock, ids }: IamDeps): IamModule {
  // Inside the writing transaction: the identity index (the authorization stage's view of users) reloads the user.
  const notifyUser = (user: IamUser) => notifyIdentityChange(database, { kind: 'user', accountId: user.accountId, key: nameKey(user.userName) })
  const userTags = tagHandlers(database, {
    find: (db, input: { readonly UserName: string }, ctx) => requireUser(db, ctx.accountId, input.UserName),
    resource: userTag,
    changed: notifyUser, // aws:PrincipalTag
    committed: () => identityChangesApplied(database),
  })

  const handlers = {
    async CreateUser(input, ctx) {
      const path = input.Path ?? ROOT_PATH
      const user: IamUser = {
        accountId: ctx.accountId,
        userName: input.UserName,
        userId: ids.uniqueId('AIDA'),
        path,
        arn: iamArn(ctx.partition, ctx.accountId, 'user', path, input.UserName),
        createdAt: clock.now(),
        permissionsBoundaryArn: input.PermissionsBoundary,
      }
      await database.transaction(async (tx) => {
        if (await findUser(tx, ctx.accountId, input.UserName)) throw userExists(input.UserName)
        await insertUser(tx, user).catch(rethrowDuplicate(input.UserName))
        if (input.Tags?.length) await putTags(tx, userTag(user), input.Tags)
        await notifyUser(user)
      })
      await identityChangesApplied(database)
      return { User: { ...toUserShape(user), ...(input.Tags?.length ? { Tags: input.Tags } : {}) } }
    },

    async GetUser(input, ctx) {
      const target = userTarget(input.UserName, ctx.caller)
      if (target.root) {
        // The root user has no name or path; AWS answers with the account id and the root ARN.
        const account = await accountStore(database.db).getAccount(ctx.accountId)
        return { User: { UserId: ctx.accountId, Arn: `arn:${ctx.partition}:iam::${ctx.accountId}:root`, CreateDate: account?.createdAt ?? clock.now() } as User }
      }
      const user = await requireUser(database.db, ctx.accountId, target.userName)
      const tags = await listTags(database.db, userTag(user))
      return { User: { ...toUserShape(user), ...(tags.length ? { Tags: tags } : {}) } }
    },

    async UpdateUser(input, ctx) {
      await database.transaction(async (tx) => {
        const user = await requireUser(tx, ctx.accountId, input.UserName)
        const userName = input.NewUserName ?? user.userName
        const path = input.NewPath ?? user.path
        if (nameKey(userName) !== nameKey(user.userName) && (await findUser(tx, ctx.accountId, userName))) throw userExists(userName)
        await renameUser(tx, user, { userName, path, arn: iamArn(ctx.partition, ctx.accountId, 'user', path, userName) }).catch(rethrowDuplicate(userName))
        // The user's keys now sign as a principal with another ARN, and its groups list it under another name.
        for (const key of await accountStore(tx).listAccessKeysOf(ctx.accountId, userName)) await database.notify(CREDENTIALS_CHANGED, key.accessKeyId)
        await notifyUser(user)
        await notifyIdentityChange(database, { kind: 'user', accountId: ctx.accountId, key: nameKey(userName) })
        for (const group of await groupsOfUser(tx, ctx.accountId, userName)) {
          await notifyIdentityChange(database, { kind: 'group', accountId: ctx.accountId, key: nameKey(group.groupName) })
        }
      })
      await credentialChangesApplied(database)
      await identityChangesApplied(database)
    },

    async DeleteUser(input, ctx) {
      await database.transaction(async (tx) => {
        const user = await requireUser(tx, ctx.accountId, input.UserName)
        await deleteUser(tx, user)
        await notifyUser(user)
      })
      await identityChangesApplied(database)
    },

    async ListUsers(input, ctx) {
      const page = paginate(await listUsers(database.db, ctx.accountId, input.PathPrefix), input, (user) => nameKey(user.userName))
      return { Users: page.items.map(toUserShape), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) }
    },

    TagUser: userTags.tag,
    UntagUser: userTags.untag,
    ListUserTags: userTags.list,
  } satisfies Partial<IamApi>

  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
  const authorization = {
    CreateUser: (input, call) => ({
      action: 'iam:CreateUser',
      resources: [iamArn(call.partition, call.accountId, 'user', input.Path ?? ROOT_PATH, input.UserName)],
      context: {
        ...tagContext(input.Tags),
        ...(input.PermissionsBoundary ? { 'iam:PermissionsBoundary': input.PermissionsBoundary } : {}),
      },
    }),
    GetUser: (input, call) => ({ action: 'iam:GetUser', resources: [userResourceArn(input.UserName, call)] }),
    UpdateUser: (input, call) => ({ action: 'iam:UpdateUser', resources: [userResourceArn(input.UserName, call)] }),
    DeleteUser: (input, call) => ({ action: 'iam:DeleteUser', resources: [userResourceArn(input.UserName, call)] }),
    ListUsers: () => ({ action: 'iam:ListUsers', resources: ['*'] }),
    TagUser: (input, call) => ({ action: 'iam:TagUser', resources: [userResourceArn(input.UserName, call)], context: tagContext(input.Tags) }),
    UntagUser: (input, call) => ({ action: 'iam:UntagUser', resources: [userResourceArn(input.UserName, call)], context: { 'aws:TagKeys': input.TagKeys } }),
    ListUserTags: (input, call) => ({ action: 'iam:ListUserTags', resources: [userResourceArn(input.UserName, call)] }),
  } satisfies Partial<AuthorizationTable<IamApi>>

  return { handlers, authorization }
}

/** The wire User, without Tags (which only CreateUser and GetUser return). */
export function toUserShape(user: IamUser): User {
  return {
    Path: user.path,
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: user.createdAt,
    ...(user.passwordLastUsed ? { PasswordLastUsed: user.passwordLastUsed } : {}),
    ...(user.permissionsBoundaryArn
      ? { PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: user.permissionsBoundaryArn } }
      : {}),
  }
}

function userTag(user: IamUser) {
  return { accountId: user.accountId, kind: 'user' as const, key: nameKey(user.userName) }
}

function userExists(userName: string): EntityAlreadyExistsException {
  return new EntityAlreadyExistsException(`User with name ${userName} already exists.`)
}

// Two concurrent creators can both pass the existence check on PostgreSQL; the unique key decides.
function rethrowDuplicate(userName: string): (error: unknown) => never {
  return (error) => {
    throw error instanceof DuplicateKeyError ? userExists(userName) : error
  }
}

/** `aws:RequestTag/<key>` for each tag and `aws:TagKeys`, as AWS fills them for tagging calls. */
export function tagContext(tags: readonly { Key: string; Value: string }[] | undefined): Record<string, string | string[]> {
  if (!tags?.length) return {}
  return { ...Object.fromEntries(tags.map((tag) => [`aws:RequestTag/${tag.Key}`, tag.Value])), 'aws:TagKeys': tags.map((tag) => tag.Key) }
}
