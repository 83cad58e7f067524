// Instance profiles: Create/Get/Delete/List, Add/RemoveRoleToInstanceProfile, ListInstanceProfilesForRole, tags.
import type { AuthorizationTable, CallFacts } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import {
  DeleteConflictException,
  EntityAlreadyExistsException,
  LimitExceededException,
  NoSuchEntityException,
} from '../../generated/iam/errors.js'
import type { InstanceProfile } from '../../generated/iam/types.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import type { Db } from '../../storage/schema.js'
import { ACCOUNT_QUOTAS } from './account.js'
import type { IamDeps } from './iam-deps.js'
import { iamArn, nameKey, ROOT_PATH } from './iam-names.js'
import { dropTags, listTags, putTags, tagHandlers, type TaggedResource } from './iam-tags.js'
import type { IamModule } from './index.js'
import { instanceProfileStore, type InstanceProfileRecord } from './instance-profiles-store.js'
import { paginate } from './pagination.js'
import { roleStore } from './roles-store.js'
import { requireRole, roleArnFor, toRoleShape } from './roles-view.js'

// "Roles in an instance profile: 1" (IAM quotas; AWS's LimitExceeded names the quota).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities
const ROLES_PER_INSTANCE_PROFILE = 1

export function instanceProfileOperations({ database, clock, ids }: IamDeps) {
  const profileTags = tagHandlers(database, {
    find: (db, input: { readonly InstanceProfileName: string }, ctx) => requireProfile(db, ctx.accountId, input.InstanceProfileName),
    resource: (profile, ctx) => profileResource(ctx.accountId, profile.instanceProfileName),
  })
  return {
    async CreateInstanceProfile(input, ctx) {
      const path = input.Path ?? ROOT_PATH
      const profile: InstanceProfileRecord = {
        accountId: ctx.accountId,
        instanceProfileName: input.InstanceProfileName,
        instanceProfileId: ids.uniqueId('AIPA'),
        path,
        arn: iamArn(ctx.partition, ctx.accountId, 'instance-profile', path, input.InstanceProfileName),
        createdAt: clock.now(),
      }
      return database.transaction(async (tx) => {
        if ((await instanceProfileStore(tx).count(ctx.accountId)) >= ACCOUNT_QUOTAS.InstanceProfilesQuota) {
          throw new LimitExceededException(`Cannot exceed quota for InstanceProfilesPerAccount: ${ACCOUNT_QUOTAS.InstanceProfilesQuota}`)
        }
        try {
          await instanceProfileStore(tx).insert(profile)
        } catch (error) {
          if (error instanceof DuplicateKeyError) throw new EntityAlreadyExistsException(`Instance Profile ${input.InstanceProfileName} already exists.`)
          throw error
        }
        await putTags(tx, profileResource(ctx.accountId, profile.instanceProfileName), input.Tags ?? [])
        return { InstanceProfile: await toProfileShape(tx, profile, { withTags: true }) }
      })
    },

    async GetInstanceProfile(input, ctx) {
      const profile = await requireProfile(database.db, ctx.accountId, input.InstanceProfileName)
      return { InstanceProfile: await toProfileShape(database.db, profile, { withTags: true }) }
    },

    async DeleteInstanceProfile(input, ctx) {
      await database.transaction(async (tx) => {
        const profile = await requireProfile(tx, ctx.accountId, input.InstanceProfileName)
        const store = instanceProfileStore(tx)
        if ((await store.roleKeys(ctx.accountId, profile.instanceProfileName)).length > 0) {
          throw new DeleteConflictException('Cannot delete entity, must remove roles from instance profile first.')
        }
        await store.delete(ctx.accountId, profile.instanceProfileName)
        await dropTags(tx, profileResource(ctx.accountId, profile.instanceProfileName))
      })
    },

    async ListInstanceProfiles(input, ctx) {
      const profiles = await instanceProfileStore(database.db).list(ctx.accountId, input.PathPrefix)
      const page = paginate(profiles, input, (profile) => nameKey(profile.instanceProfileName))
      const shapes = await Promise.all(page.items.map((profile) => toProfileShape(database.db, profile, { withTags: false })))
      return { InstanceProfiles: shapes, IsTruncated: page.IsTruncated, ...(page.Marker !== undefined && { Marker: page.Marker }) }
    },

    async AddRoleToInstanceProfile(input, ctx) {
      await database.transaction(async (tx) => {
        const profile = await requireProfile(tx, ctx.accountId, input.InstanceProfileName)
        const role = await requireRole(tx, ctx.accountId, input.RoleName)
        const store = instanceProfileStore(tx)
        if ((await store.roleKeys(ctx.accountId, profile.instanceProfileName)).length >= ROLES_PER_INSTANCE_PROFILE) {
          throw new LimitExceededException(`Cannot exceed quota for InstanceSessionsPerInstanceProfile: ${ROLES_PER_INSTANCE_PROFILE}`)
        }
        await store.addRole(ctx.accountId, profile.instanceProfileName, role.roleName)
      })
    },

    async RemoveRoleFromInstanceProfile(input, ctx) {
      await database.transaction(async (tx) => {
        const profile = await requireProfile(tx, ctx.accountId, input.InstanceProfileName)
        const role = await requireRole(tx, ctx.accountId, input.RoleName)
        if (!(await instanceProfileStore(tx).removeRole(ctx.accountId, profile.instanceProfileName, role.roleName))) {
          throw new NoSuchEntityException(`The role with name ${role.roleName} is not in instance profile ${profile.instanceProfileName}.`)
        }
      })
    },

    async ListInstanceProfilesForRole(input, ctx) {
      const role = await requireRole(database.db, ctx.accountId, input.RoleName)
      const profiles = await instanceProfileStore(database.db).listForRole(ctx.accountId, role.roleName)
      const page = paginate(profiles, input, (profile) => nameKey(profile.instanceProfileName))
      const shapes = await Promise.all(page.items.map((profile) => toProfileShape(database.db, profile, { withTags: false })))
      return { InstanceProfiles: shapes, IsTruncated: page.IsTruncated, ...(page.Marker !== undefined && { Marker: page.Marker }) }
    },

    TagInstanceProfile: profileTags.tag,
    UntagInstanceProfile: profileTags.untag,
    ListInstanceProfileTags: profileTags.list,
  } satisfies Partial<IamApi>
}

// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
export const instanceProfileAuthorization = {
  CreateInstanceProfile: (input, call) => ({
    action: 'iam:CreateInstanceProfile',
    resources: [profileArnFor(call, input.InstanceProfileName, input.Path)],
    ...(input.Tags && input.Tags.length > 0 && { context: { 'aws:TagKeys': input.Tags.map((tag) => tag.Key) } }),
  }),
  GetInstanceProfile: (input, call) => profileTarget('iam:GetInstanceProfile', call, input.InstanceProfileName),
  DeleteInstanceProfile: (input, call) => profileTarget('iam:DeleteInstanceProfile', call, input.InstanceProfileName),
  ListInstanceProfiles: () => ({ action: 'iam:ListInstanceProfiles', resources: ['*'] }),
  // "The caller of this operation must be granted the PassRole permission on the IAM role", for EC2's instances
  // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html).
  AddRoleToInstanceProfile: (input, call) => ({
    ...profileTarget('iam:AddRoleToInstanceProfile', call, input.InstanceProfileName),
    alsoRequires: [{
      action: 'iam:PassRole',
      resources: [roleArnFor(call, input.RoleName)],
      context: { 'iam:PassedToService': 'ec2.amazonaws.com', 'iam:AssociatedResourceArn': `arn:${call.partition}:ec2:*:${call.accountId}:instance/*` },
    }],
  }),
  RemoveRoleFromInstanceProfile: (input, call) => profileTarget('iam:RemoveRoleFromInstanceProfile', call, input.InstanceProfileName),
  ListInstanceProfilesForRole: (input, call) => ({ action: 'iam:ListInstanceProfilesForRole', resources: [roleArnFor(call, input.RoleName)] }),
  TagInstanceProfile: (input, call) => ({
    ...profileTarget('iam:TagInstanceProfile', call, input.InstanceProfileName),
    context: { 'aws:TagKeys': input.Tags.map((tag) => tag.Key) },
  }),
  UntagInstanceProfile: (input, call) => ({
    ...profileTarget('iam:UntagInstanceProfile', call, input.InstanceProfileName),
    context: { 'aws:TagKeys': input.TagKeys },
  }),
  ListInstanceProfileTags: (input, call) => profileTarget('iam:ListInstanceProfileTags', call, input.InstanceProfileName),
} satisfies Partial<AuthorizationTable<IamApi>>

export function instanceProfileModule(deps: IamDeps): IamModule {
  return { handlers: instanceProfileOperations(deps), authorization: instanceProfileAuthorization }
}

async function requireProfile(db: Db, accountId: string, name: string): Promise<InstanceProfileRecord> {
  const profile = await instanceProfileStore(db).get(accountId, name)
  if (!profile) throw new NoSuchEntityException(`Instance Profile ${name} cannot be found.`)
  return profile
}

async function toProfileShape(db: Db, profile: InstanceProfileRecord, options: { readonly withTags: boolean }): Promise<InstanceProfile> {
  const roles = []
  for (const key of await instanceProfileStore(db).roleKeys(profile.accountId, profile.instanceProfileName)) {
    const role = await roleStore(db).get(profile.accountId, key)
    if (role) roles.push(toRoleShape(role))
  }
  const tags = options.withTags ? await listTags(db, profileResource(profile.accountId, profile.instanceProfileName)) : []
  return {
    Path: profile.path,
    InstanceProfileName: profile.instanceProfileName,
    InstanceProfileId: profile.instanceProfileId,
    Arn: profile.arn,
    CreateDate: profile.createdAt,
    Roles: roles,
    ...(tags.length > 0 && { Tags: tags }),
  }
}

function profileResource(accountId: string, name: string): TaggedResource {
  return { accountId, kind: 'instance-profile', key: nameKey(name) }
}

function profileArnFor(call: CallFacts, name: string, path: string = ROOT_PATH): string {
  return iamArn(call.partition, call.accountId, 'instance-profile', path, name)
}

function profileTarget(action: string, call: CallFacts, name: string) {
  return { action, resources: [profileArnFor(call, name)] }
}
