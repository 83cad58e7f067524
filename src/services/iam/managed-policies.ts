// Managed policies: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies, ListEntitiesForPolicy and policy tags.
import type { AuthorizationTable, ContextValues } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { DeleteConflictException, EntityAlreadyExistsException, LimitExceededException } from '../../generated/iam/errors.js'
import type { Policy, PolicyGroup, PolicyRole, PolicyUser, Tag } from '../../generated/iam/types.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import { attachmentStore, findPrincipal, type PrincipalEntity } from './attachments-store.js'
import { awsManagedPolicies } from './aws-managed-policies.js'
import type { IamDeps } from './iam-deps.js'
import { iamArn, nameKey, ROOT_PATH } from './iam-names.js'
import { dropTags, listTags, putTags, tagHandlers, type TaggedResource } from './iam-tags.js'
import { identityChangesApplied, notifyIdentityChange } from './identity-index.js'
import type { IamModule } from './index.js'
import { checkIdentityPolicy } from './managed-policies-documents.js'
import { requireCustomerPolicy, requireManagedPolicy, toPolicyShape, type ManagedPolicy } from './managed-policies-lookup.js'
import { managedPolicyStore, type StoredPolicy } from './managed-policies-store.js'
import { paginate } from './pagination.js'

// "Managed policy length: 6,144 characters" (whitespace excluded).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
export const MANAGED_POLICY_MAX_SIZE = 6144

export function managedPolicyOperations({ database, clock, ids }: IamDeps) {
  const policyTags = tagHandlers(database, {
    find: (db, input: { readonly PolicyArn: string }, ctx) => requireCustomerPolicy(db, ctx.accountId, input.PolicyArn),
    resource: policyResource,
  })
  return {
    async CreatePolicy(input, ctx) {
      const size = checkIdentityPolicy(input.PolicyDocument, { requireVersion2012: true })
      if (size > MANAGED_POLICY_MAX_SIZE) throw new LimitExceededException(`Cannot exceed quota for PolicySize: ${MANAGED_POLICY_MAX_SIZE}`)
      const path = input.Path ?? ROOT_PATH
      const now = clock.now()
      const policy: StoredPolicy = {
        accountId: ctx.accountId,
        nameKey: nameKey(input.PolicyName),
        policyName: input.PolicyName,
        policyId: ids.uniqueId('ANPA'),
        path,
        arn: iamArn(ctx.partition, ctx.accountId, 'policy', path, input.PolicyName),
        ...(input.Description !== undefined && { description: input.Description }),
        defaultVersionId: 'v1',
        createdAt: now,
        updatedAt: now,
        nextVersion: 2,
      }
      const tags = await database.transaction(async (tx) => {
        try {
          await database.transaction((inner) => managedPolicyStore(inner).insert(policy, { versionId: 'v1', document: input.PolicyDocument, createdAt: now }))
        } catch (error) {
          if (error instanceof DuplicateKeyError) throw new EntityAlreadyExistsException(`A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`)
          throw error
        }
        await putTags(tx, policyResource(policy), input.Tags ?? [])
        return listTags(tx, policyResource(policy))
      })
      return { Policy: { ...toPolicyShape({ kind: 'customer', policy }, undefined), ...(tags.length > 0 && { Tags: tags }) } }
    },

    async GetPolicy(input, ctx) {
      const found = await requireManagedPolicy(database.db, ctx.accountId, input.PolicyArn)
      const usage = (await managedPolicyStore(database.db).usage(ctx.accountId)).get(found.policy.arn)
      const tags = found.kind === 'customer' ? await listTags(database.db, policyResource(found.policy)) : []
      return { Policy: { ...toPolicyShape(found, usage), ...(tags.length > 0 && { Tags: tags }) } }
    },

    // A policy can be deleted once nothing uses it and only its default version is left.
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html
    async DeletePolicy(input, ctx) {
      await database.transaction(async (tx) => {
        const policy = await requireCustomerPolicy(tx, ctx.accountId, input.PolicyArn)
        const store = managedPolicyStore(tx)
        const usage = (await store.usage(ctx.accountId)).get(policy.arn)
        if (usage && usage.attachments + usage.boundaries > 0) throw new DeleteConflictException('Cannot delete a policy attached to entities.')
        if ((await store.versions(policy)).length > 1) {
          throw new DeleteConflictException(
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
          )
        }
        await store.delete(policy)
        await dropTags(tx, policyResource(policy))
        await notifyIdentityChange(database, { kind: 'policy', arn: policy.arn })
      })
      await identityChangesApplied(database)
    },

    async ListPolicies(input, ctx) {
      const scope = input.Scope ?? 'All'
      const usage = await managedPolicyStore(database.db).usage(ctx.accountId)
      const candidates: ManagedPolicy[] = []
      if (scope !== 'AWS') for (const policy of await managedPolicyStore(database.db).list(ctx.accountId)) candidates.push({ kind: 'customer', policy })
      if (scope !== 'Local') for (const policy of awsManagedPolicies().values()) candidates.push({ kind: 'aws', policy })
      const prefix = input.PathPrefix ?? ROOT_PATH
      const listed: Policy[] = []
      for (const found of candidates) {
        const used = usage.get(found.policy.arn)
        if (!found.policy.path.startsWith(prefix)) continue
        if (input.OnlyAttached && !used?.attachments && !used?.boundaries) continue
        if (input.PolicyUsageFilter === 'PermissionsPolicy' && !used?.attachments) continue
        if (input.PolicyUsageFilter === 'PermissionsBoundary' && !used?.boundaries) continue
        listed.push(toPolicyShape(found, used))
      }
      listed.sort((a, b) => compare(a.Arn!, b.Arn!))
      const page = paginate(listed, input, (policy) => policy.Arn!)
      return { Policies: page.items, IsTruncated: page.IsTruncated, ...(page.Marker !== undefined && { Marker: page.Marker }) }
    },

    async ListEntitiesForPolicy(input, ctx) {
      const found = await requireManagedPolicy(database.db, ctx.accountId, input.PolicyArn)
      const entities: PrincipalEntity[] = []
      if (input.PolicyUsageFilter !== 'PermissionsBoundary') {
        for (const ref of await attachmentStore(database.db).entitiesOf(ctx.accountId, found.policy.arn)) {
          const entity = await findPrincipal(database.db, ref)
          if (entity) entities.push(entity)
        }
      }
      if (input.PolicyUsageFilter !== 'PermissionsPolicy') entities.push(...(await boundaryHolders(database.db, ctx.accountId, found.policy.arn)))
      const kind = input.EntityFilter === 'User' ? 'user' : input.EntityFilter === 'Group' ? 'group' : input.EntityFilter === 'Role' ? 'role' : undefined
      if (input.EntityFilter === 'LocalManagedPolicy' && found.kind !== 'customer') entities.length = 0
      if (input.EntityFilter === 'AWSManagedPolicy' && found.kind !== 'aws') entities.length = 0
      const prefix = input.PathPrefix ?? ROOT_PATH
      const unique = new Map<string, PrincipalEntity>()
      for (const entity of entities) {
        if ((kind === undefined || entity.kind === kind) && entity.path.startsWith(prefix)) unique.set(`${entity.kind}:${entity.key}`, entity)
      }
      const page = paginate([...unique.entries()].sort(([a], [b]) => compare(a, b)), input, ([key]) => key)
      const PolicyGroups: PolicyGroup[] = []
      const PolicyUsers: PolicyUser[] = []
      const PolicyRoles: PolicyRole[] = []
      for (const [, entity] of page.items) {
        if (entity.kind === 'group') PolicyGroups.push({ GroupName: entity.name, GroupId: entity.id })
        else if (entity.kind === 'user') PolicyUsers.push({ UserName: entity.name, UserId: entity.id })
        else PolicyRoles.push({ RoleName: entity.name, RoleId: entity.id })
      }
      return { PolicyGroups, PolicyUsers, PolicyRoles, IsTruncated: page.IsTruncated, ...(page.Marker !== undefined && { Marker: page.Marker }) }
    },

    TagPolicy: policyTags.tag,
    UntagPolicy: policyTags.untag,
    ListPolicyTags: policyTags.list,
  } satisfies Partial<IamApi>
}

// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
export const managedPolicyAuthorization = {
  CreatePolicy: (input, call) => ({
    action: 'iam:CreatePolicy',
    resources: [iamArn(call.partition, call.accountId, 'policy', input.Path ?? ROOT_PATH, input.PolicyName)],
    context: requestTagContext(input.Tags),
  }),
  GetPolicy: (input) => ({ action: 'iam:GetPolicy', resources: [input.PolicyArn] }),
  DeletePolicy: (input) => ({ action: 'iam:DeletePolicy', resources: [input.PolicyArn] }),
  ListPolicies: () => ({ action: 'iam:ListPolicies', resources: ['*'] }),
  ListEntitiesForPolicy: (input) => ({ action: 'iam:ListEntitiesForPolicy', resources: [input.PolicyArn] }),
  TagPolicy: (input) => ({ action: 'iam:TagPolicy', resources: [input.PolicyArn], context: requestTagContext(input.Tags) }),
  UntagPolicy: (input) => ({ action: 'iam:UntagPolicy', resources: [input.PolicyArn], context: { 'aws:TagKeys': input.TagKeys } }),
  ListPolicyTags: (input) => ({ action: 'iam:ListPolicyTags', resources: [input.PolicyArn] }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function managedPolicyModule(deps: IamDeps): IamModule {
  return { handlers: managedPolicyOperations(deps), authorization: managedPolicyAuthorization }
}

export function policyResource(policy: StoredPolicy): TaggedResource {
  return { accountId: policy.accountId, kind: 'policy', key: policy.nameKey }
}

/** aws:RequestTag/KEY for each tag and aws:TagKeys for them all. */
export function requestTagContext(tags: readonly Tag[] | undefined): ContextValues {
  if (!tags || tags.length === 0) return {}
  const context: Record<string, string | readonly string[]> = { 'aws:TagKeys': tags.map((tag) => tag.Key) }
  for (const tag of tags) context[`aws:RequestTag/${tag.Key}`] = tag.Value
  return context
}

async function boundaryHolders(db: IamDeps['database']['db'], accountId: string, arn: string): Promise<PrincipalEntity[]> {
  const users = await db.selectFrom('iam_users').select(['name_key']).where('account_id', '=', accountId).where('permissions_boundary_arn', '=', arn).execute()
  const roles = await db.selectFrom('iam_roles').select(['name_key']).where('account_id', '=', accountId).where('permissions_boundary_arn', '=', arn).execute()
  const found: PrincipalEntity[] = []
  for (const [kind, rows] of [['user', users], ['role', roles]] as const) {
    for (const row of rows) {
      const entity = await findPrincipal(db, { kind, accountId, key: row.name_key })
      if (entity) found.push(entity)
    }
  }
  return found
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
