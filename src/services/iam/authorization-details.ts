// GetAccountAuthorizationDetails: every user, group, role and managed policy of the account with what decides its
// permissions (inline documents, attachments, memberships, boundaries, instance profiles, tags), paged as one list.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import type {
  EntityType, GetAccountAuthorizationDetailsResponse, GroupDetail, InstanceProfile, ManagedPolicyDetail, RoleDetail, UserDetail,
} from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'
import { loadPageFacts, type PageFacts } from './authorization-details-store.js'
import { awsManagedPolicies, type AwsManagedPolicy } from './aws-managed-policies.js'
import { listGroups, type IamGroup } from './groups-store.js'
import type { IamDeps } from './iam-deps.js'
import { nameKey } from './iam-names.js'
import type { IamModule } from './index.js'
import { instanceProfileStore } from './instance-profiles-store.js'
import { isAttachable } from './managed-policies-lookup.js'
import { encodePolicyDocument } from './managed-policies-documents.js'
import { managedPolicyStore, type PolicyUsage, type StoredPolicy } from './managed-policies-store.js'
import { paginate } from './pagination.js'
import { roleStore, type RoleRecord } from './roles-store.js'
import { toRoleShape } from './roles-view.js'
import { listUsers, type IamUser } from './users-store.js'

const ALL_TYPES: readonly EntityType[] = ['User', 'Group', 'Role', 'LocalManagedPolicy', 'AWSManagedPolicy']

/** One entry of the combined list, cheap to list; its detail is read only when it is on the page. */
type Entry =
  | { readonly type: 'User'; readonly key: string; readonly user: IamUser }
  | { readonly type: 'Group'; readonly key: string; readonly group: IamGroup }
  | { readonly type: 'Role'; readonly key: string; readonly role: RoleRecord }
  | { readonly type: 'LocalManagedPolicy'; readonly key: string; readonly policy: StoredPolicy }
  | { readonly type: 'AWSManagedPolicy'; readonly key: string; readonly policy: AwsManagedPolicy }

export function authorizationDetailOperations({ database }: IamDeps) {
  return {
    async GetAccountAuthorizationDetails(input, ctx) {
      const db = database.db
      const types = new Set(input.Filter && input.Filter.length > 0 ? input.Filter : ALL_TYPES)
      const usage = await managedPolicyStore(db).usage(ctx.accountId)
      const entries = await listEntries(db, ctx.accountId, types, usage)
      const page = paginate(entries, input, (entry) => entry.key)
      const keysOf = (type: Entry['type']) => page.items.filter((entry) => entry.type === type).map((entry) => entry.key.slice(2))
      const facts = {
        user: await loadPageFacts(db, ctx.accountId, 'user', keysOf('User')),
        group: await loadPageFacts(db, ctx.accountId, 'group', keysOf('Group')),
        role: await loadPageFacts(db, ctx.accountId, 'role', keysOf('Role')),
      }
      const result: Required<Pick<GetAccountAuthorizationDetailsResponse, 'UserDetailList' | 'GroupDetailList' | 'RoleDetailList' | 'Policies'>> = {
        UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [],
      }
      for (const entry of page.items) {
        const key = entry.key.slice(2)
        switch (entry.type) {
          case 'User':
            result.UserDetailList.push(userDetail(entry.user, key, facts.user))
            break
          case 'Group':
            result.GroupDetailList.push(groupDetail(entry.group, key, facts.group))
            break
          case 'Role':
            result.RoleDetailList.push(await roleDetail(db, entry.role, key, facts.role))
            break
          case 'LocalManagedPolicy':
            result.Policies.push(await customerPolicyDetail(db, entry.policy, usage.get(entry.policy.arn)))
            break
          case 'AWSManagedPolicy':
            result.Policies.push(awsPolicyDetail(entry.policy, usage.get(entry.policy.arn)))
        }
      }
      return { ...result, IsTruncated: page.IsTruncated, ...(page.Marker !== undefined && { Marker: page.Marker }) }
    },
  } satisfies Partial<IamApi>
}

/** Users, then groups, roles, customer policies and AWS managed policies in use, each in name order. */
async function listEntries(db: Db, accountId: string, types: ReadonlySet<EntityType>, usage: ReadonlyMap<string, PolicyUsage>): Promise<Entry[]> {
  const entries: Entry[] = []
  if (types.has('User')) for (const user of await listUsers(db, accountId)) entries.push({ type: 'User', key: `1/${nameKey(user.userName)}`, user })
  if (types.has('Group')) for (const group of await listGroups(db, accountId)) entries.push({ type: 'Group', key: `2/${nameKey(group.groupName)}`, group })
  if (types.has('Role')) for (const role of await roleStore(db).list(accountId)) entries.push({ type: 'Role', key: `3/${nameKey(role.roleName)}`, role })
  if (types.has('LocalManagedPolicy')) {
    for (const policy of await managedPolicyStore(db).list(accountId)) entries.push({ type: 'LocalManagedPolicy', key: `4/${policy.nameKey}`, policy })
  }
  if (types.has('AWSManagedPolicy')) {
    // Only the AWS managed policies the account uses (attached or as a boundary), not AWS's whole catalogue.
    const used = [...awsManagedPolicies().values()].filter((policy) => usage.has(policy.arn)).sort((a, b) => (a.arn < b.arn ? -1 : 1))
    for (const policy of used) entries.push({ type: 'AWSManagedPolicy', key: `5/${policy.arn}`, policy })
  }
  return entries
}

function userDetail(user: IamUser, key: string, facts: PageFacts): UserDetail {
  return {
    Path: user.path,
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: user.createdAt,
    UserPolicyList: facts.inline(key),
    GroupList: facts.groups(key),
    AttachedManagedPolicies: facts.attached(key),
    ...(user.permissionsBoundaryArn !== undefined && {
      PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: user.permissionsBoundaryArn },
    }),
    Tags: facts.tags(key),
  }
}

function groupDetail(group: IamGroup, key: string, facts: PageFacts): GroupDetail {
  return {
    Path: group.path,
    GroupName: group.groupName,
    GroupId: group.groupId,
    Arn: group.arn,
    CreateDate: group.createdAt,
    GroupPolicyList: facts.inline(key),
    AttachedManagedPolicies: facts.attached(key),
  }
}

async function roleDetail(db: Db, role: RoleRecord, key: string, facts: PageFacts): Promise<RoleDetail> {
  const tags = facts.tags(key)
  const shape = toRoleShape(role, { tags })
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: role.createdAt,
    AssumeRolePolicyDocument: shape.AssumeRolePolicyDocument,
    InstanceProfileList: await instanceProfilesOf(db, role),
    RolePolicyList: facts.inline(key),
    AttachedManagedPolicies: facts.attached(key),
    ...(shape.PermissionsBoundary && { PermissionsBoundary: shape.PermissionsBoundary }),
    Tags: tags,
    RoleLastUsed: shape.RoleLastUsed ?? {},
  }
}

/** The role's instance profiles, each with the roles it holds (one at most), as ListInstanceProfilesForRole shows them. */
async function instanceProfilesOf(db: Db, role: RoleRecord): Promise<InstanceProfile[]> {
  const profiles = instanceProfileStore(db)
  const result: InstanceProfile[] = []
  for (const profile of await profiles.listForRole(role.accountId, role.roleName)) {
    const roles = []
    for (const key of await profiles.roleKeys(profile.accountId, profile.instanceProfileName)) {
      const held = await roleStore(db).get(profile.accountId, key)
      if (held) roles.push(toRoleShape(held))
    }
    result.push({
      Path: profile.path,
      InstanceProfileName: profile.instanceProfileName,
      InstanceProfileId: profile.instanceProfileId,
      Arn: profile.arn,
      CreateDate: profile.createdAt,
      Roles: roles,
    })
  }
  return result
}

function policyBase(
  policy: StoredPolicy | AwsManagedPolicy,
  used: PolicyUsage | undefined,
  attachable: boolean,
): Omit<ManagedPolicyDetail, 'PolicyVersionList'> {
  return {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: used?.attachments ?? 0,
    PermissionsBoundaryUsageCount: used?.boundaries ?? 0,
    IsAttachable: attachable,
    CreateDate: policy.createdAt,
    UpdateDate: policy.updatedAt,
  }
}

/** A customer policy with every version's document, newest first. */
async function customerPolicyDetail(db: Db, policy: StoredPolicy, used: PolicyUsage | undefined): Promise<ManagedPolicyDetail> {
  const versions = (await managedPolicyStore(db).versions(policy)).sort((a, b) => Number(b.versionId.slice(1)) - Number(a.versionId.slice(1)))
  return {
    ...policyBase(policy, used, true),
    ...(policy.description !== undefined && { Description: policy.description }),
    PolicyVersionList: versions.map((version) => ({
      Document: encodePolicyDocument(version.document),
      VersionId: version.versionId,
      IsDefaultVersion: version.versionId === policy.defaultVersionId,
      CreateDate: version.createdAt,
    })),
  }
}

/**
 * An AWS managed policy with its default version's document. Older AWS versions stay in the data package (read on
 * demand by GetPolicyVersion): listing them here would read the whole package on every call.
 */
function awsPolicyDetail(policy: AwsManagedPolicy, used: PolicyUsage | undefined): ManagedPolicyDetail {
  return {
    ...policyBase(policy, used, isAttachable({ kind: 'aws', policy })),
    PolicyVersionList: [{ Document: encodePolicyDocument(policy.document), VersionId: policy.defaultVersionId, IsDefaultVersion: true, CreateDate: policy.updatedAt }],
  }
}

export const authorizationDetailAuthorization = {
  GetAccountAuthorizationDetails: () => ({ action: 'iam:GetAccountAuthorizationDetails', resources: ['*'] }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function authorizationDetailModule(deps: IamDeps): IamModule {
  return { handlers: authorizationDetailOperations(deps), authorization: authorizationDetailAuthorization }
}
