// Managed policy versions: CreatePolicyVersion, GetPolicyVersion, DeletePolicyVersion, ListPolicyVersions,
// SetDefaultPolicyVersion.
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { DeleteConflictException, LimitExceededException, NoSuchEntityException } from '../../generated/iam/errors.js'
import type { PolicyVersion } from '../../generated/iam/types.js'
import { awsManagedPolicyVersion } from './aws-managed-policies.js'
import type { IamDeps } from './iam-deps.js'
import { identityChangesApplied, notifyIdentityChange } from './identity-index.js'
import type { IamModule } from './index.js'
import { MANAGED_POLICY_MAX_SIZE } from './managed-policies.js'
import { checkIdentityPolicy, encodePolicyDocument } from './managed-policies-documents.js'
import { requireCustomerPolicy, requireManagedPolicy } from './managed-policies-lookup.js'
import { managedPolicyStore, versionNumber, type StoredPolicy } from './managed-policies-store.js'
import { paginate } from './pagination.js'

// "Versions of a managed policy that can be stored: 5".
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities
export const MAX_POLICY_VERSIONS = 5

export function policyVersionOperations({ database, clock }: IamDeps) {
  return {
    async CreatePolicyVersion(input, ctx) {
      const size = checkIdentityPolicy(input.PolicyDocument, { requireVersion2012: true })
      if (size > MANAGED_POLICY_MAX_SIZE) throw new LimitExceededException(`Cannot exceed quota for PolicySize: ${MANAGED_POLICY_MAX_SIZE}`)
      const now = clock.now()
      const version = await database.transaction(async (tx) => {
        const policy = await requireCustomerPolicy(tx, ctx.accountId, input.PolicyArn)
        const store = managedPolicyStore(tx)
        if ((await store.versions(policy)).length >= MAX_POLICY_VERSIONS) {
          throw new LimitExceededException(
            'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
          )
        }
        const versionId = `v${policy.nextVersion}`
        await store.insertVersion(policy, { versionId, document: input.PolicyDocument, createdAt: now })
        await store.update(policy, { nextVersion: policy.nextVersion + 1, ...(input.SetAsDefault && { defaultVersionId: versionId, updatedAt: now }) })
        if (input.SetAsDefault) await notifyIdentityChange(database, { kind: 'policy', arn: policy.arn })
        return { VersionId: versionId, IsDefaultVersion: input.SetAsDefault === true, CreateDate: now } satisfies PolicyVersion
      })
      if (input.SetAsDefault) await identityChangesApplied(database)
      return { PolicyVersion: version }
    },

    async GetPolicyVersion(input, ctx) {
      const found = await requireManagedPolicy(database.db, ctx.accountId, input.PolicyArn)
      const version = found.kind === 'aws'
        ? awsManagedPolicyVersion(found.policy, input.VersionId)
        : await managedPolicyStore(database.db).getVersion(found.policy, input.VersionId)
      if (!version) throw noSuchVersion(input.PolicyArn, input.VersionId)
      return {
        PolicyVersion: {
          Document: encodePolicyDocument(version.document),
          VersionId: version.versionId,
          IsDefaultVersion: version.versionId === found.policy.defaultVersionId,
          CreateDate: version.createdAt,
        },
      }
    },

    async DeletePolicyVersion(input, ctx) {
      await database.transaction(async (tx) => {
        const policy = await requireCustomerPolicy(tx, ctx.accountId, input.PolicyArn)
        await requireVersion(tx, policy, input.VersionId)
        if (input.VersionId === policy.defaultVersionId) throw new DeleteConflictException('Cannot delete the default version of a policy.')
        await managedPolicyStore(tx).deleteVersion(policy, input.VersionId)
      })
    },

    async ListPolicyVersions(input, ctx) {
      const found = await requireManagedPolicy(database.db, ctx.accountId, input.PolicyArn)
      const versions: PolicyVersion[] = found.kind === 'aws'
        ? found.policy.versionIds.map((versionId) => ({ VersionId: versionId, IsDefaultVersion: versionId === found.policy.defaultVersionId }))
        : (await managedPolicyStore(database.db).versions(found.policy)).map((version) => ({
            VersionId: version.versionId,
            IsDefaultVersion: version.versionId === found.policy.defaultVersionId,
            CreateDate: version.createdAt,
          }))
      // Newest first; the marker key must grow along the list, so it counts down from a large number.
      const page = paginate(versions, input, (version) => String(1e9 - versionNumber(version.VersionId!)).padStart(10, '0'))
      return { Versions: page.items, IsTruncated: page.IsTruncated, ...(page.Marker !== undefined && { Marker: page.Marker }) }
    },

    async SetDefaultPolicyVersion(input, ctx) {
      await database.transaction(async (tx) => {
        const policy = await requireCustomerPolicy(tx, ctx.accountId, input.PolicyArn)
        await requireVersion(tx, policy, input.VersionId)
        await managedPolicyStore(tx).update(policy, { defaultVersionId: input.VersionId, updatedAt: clock.now() })
        await notifyIdentityChange(database, { kind: 'policy', arn: policy.arn })
      })
      await identityChangesApplied(database)
    },
  } satisfies Partial<IamApi>
}

export const policyVersionAuthorization = {
  CreatePolicyVersion: (input) => ({ action: 'iam:CreatePolicyVersion', resources: [input.PolicyArn] }),
  GetPolicyVersion: (input) => ({ action: 'iam:GetPolicyVersion', resources: [input.PolicyArn] }),
  DeletePolicyVersion: (input) => ({ action: 'iam:DeletePolicyVersion', resources: [input.PolicyArn] }),
  ListPolicyVersions: (input) => ({ action: 'iam:ListPolicyVersions', resources: [input.PolicyArn] }),
  SetDefaultPolicyVersion: (input) => ({ action: 'iam:SetDefaultPolicyVersion', resources: [input.PolicyArn] }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function policyVersionModule(deps: IamDeps): IamModule {
  return { handlers: policyVersionOperations(deps), authorization: policyVersionAuthorization }
}

async function requireVersion(tx: IamDeps['database']['db'], policy: StoredPolicy, versionId: string): Promise<void> {
  if (!(await managedPolicyStore(tx).getVersion(policy, versionId))) throw noSuchVersion(policy.arn, versionId)
}

function noSuchVersion(arn: string, versionId: string): NoSuchEntityException {
  return new NoSuchEntityException(`Policy ${arn} version ${versionId} does not exist.`)
}
