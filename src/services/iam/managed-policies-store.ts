// Customer managed policies and their versions as rows (iam_policies, iam_policy_versions), plus usage counts.
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { Db } from '../../storage/schema.js'

export interface StoredPolicy {
  readonly accountId: string
  readonly nameKey: string
  readonly policyName: string
  readonly policyId: string
  readonly path: string
  readonly arn: string
  readonly description?: string
  readonly defaultVersionId: string
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly nextVersion: number
}

export interface StoredPolicyVersion {
  readonly versionId: string
  readonly document: string
  readonly createdAt: Date
}

/** How many entities use a policy as a permissions policy (attachments) and as a permissions boundary. */
export interface PolicyUsage {
  readonly attachments: number
  readonly boundaries: number
}

export function managedPolicyStore(db: Db) {
  return {
    async getByArn(arn: string): Promise<StoredPolicy | undefined> {
      const row = await db.selectFrom('iam_policies').selectAll().where('arn', '=', arn).executeTakeFirst()
      return row && toPolicy(row)
    },

    async list(accountId: string): Promise<StoredPolicy[]> {
      const rows = await db.selectFrom('iam_policies').selectAll().where('account_id', '=', accountId).orderBy('name_key').execute()
      return rows.map(toPolicy)
    },

    /** DuplicateKeyError when the name (in any path) is taken in the account. */
    async insert(policy: StoredPolicy, firstVersion: StoredPolicyVersion): Promise<void> {
      await db
        .insertInto('iam_policies')
        .values({
          account_id: policy.accountId,
          name_key: policy.nameKey,
          policy_name: policy.policyName,
          policy_id: policy.policyId,
          path: policy.path,
          arn: policy.arn,
          description: policy.description ?? null,
          default_version_id: policy.defaultVersionId,
          created_at: toDbTimestamp(policy.createdAt),
          updated_at: toDbTimestamp(policy.updatedAt),
          next_version: policy.nextVersion,
        })
        .execute()
      await this.insertVersion(policy, firstVersion)
    },

    async update(policy: StoredPolicy, changes: { defaultVersionId?: string; updatedAt?: Date; nextVersion?: number }): Promise<void> {
      await db
        .updateTable('iam_policies')
        .set({
          ...(changes.defaultVersionId !== undefined && { default_version_id: changes.defaultVersionId }),
          ...(changes.updatedAt !== undefined && { updated_at: toDbTimestamp(changes.updatedAt) }),
          ...(changes.nextVersion !== undefined && { next_version: changes.nextVersion }),
        })
        .where('account_id', '=', policy.accountId)
        .where('name_key', '=', policy.nameKey)
        .execute()
    },

    async delete(policy: StoredPolicy): Promise<void> {
      await db.deleteFrom('iam_policy_versions').where('account_id', '=', policy.accountId).where('policy_key', '=', policy.nameKey).execute()
      await db.deleteFrom('iam_policies').where('account_id', '=', policy.accountId).where('name_key', '=', policy.nameKey).execute()
    },

    async versions(policy: StoredPolicy): Promise<StoredPolicyVersion[]> {
      const rows = await db
        .selectFrom('iam_policy_versions')
        .selectAll()
        .where('account_id', '=', policy.accountId)
        .where('policy_key', '=', policy.nameKey)
        .execute()
      // Newest first, as ListPolicyVersions returns them; version numbers compare numerically (v10 after v9).
      return rows.map(toVersion).sort((a, b) => versionNumber(b.versionId) - versionNumber(a.versionId))
    },

    async getVersion(policy: StoredPolicy, versionId: string): Promise<StoredPolicyVersion | undefined> {
      const row = await db
        .selectFrom('iam_policy_versions')
        .selectAll()
        .where('account_id', '=', policy.accountId)
        .where('policy_key', '=', policy.nameKey)
        .where('version_id', '=', versionId)
        .executeTakeFirst()
      return row && toVersion(row)
    },

    async insertVersion(policy: StoredPolicy, version: StoredPolicyVersion): Promise<void> {
      await db
        .insertInto('iam_policy_versions')
        .values({
          account_id: policy.accountId,
          policy_key: policy.nameKey,
          version_id: version.versionId,
          document: version.document,
          created_at: toDbTimestamp(version.createdAt),
        })
        .execute()
    },

    async deleteVersion(policy: StoredPolicy, versionId: string): Promise<void> {
      await db
        .deleteFrom('iam_policy_versions')
        .where('account_id', '=', policy.accountId)
        .where('policy_key', '=', policy.nameKey)
        .where('version_id', '=', versionId)
        .execute()
    },

    /** Attachment and boundary counts of every policy (customer and AWS managed) used in the account, by ARN. */
    async usage(accountId: string): Promise<Map<string, PolicyUsage>> {
      const counts = new Map<string, { attachments: number; boundaries: number }>()
      const entry = (arn: string) => {
        let found = counts.get(arn)
        if (!found) counts.set(arn, (found = { attachments: 0, boundaries: 0 }))
        return found
      }
      const attachments = await db
        .selectFrom('iam_policy_attachments')
        .select(['policy_arn', (eb) => eb.fn.countAll<number | string>().as('count')])
        .where('account_id', '=', accountId)
        .groupBy('policy_arn')
        .execute()
      for (const row of attachments) entry(row.policy_arn).attachments = Number(row.count)
      for (const table of ['iam_users', 'iam_roles'] as const) {
        const rows = await db
          .selectFrom(table)
          .select(['permissions_boundary_arn', (eb) => eb.fn.countAll<number | string>().as('count')])
          .where('account_id', '=', accountId)
          .where('permissions_boundary_arn', 'is not', null)
          .groupBy('permissions_boundary_arn')
          .execute()
        for (const row of rows) entry(row.permissions_boundary_arn!).boundaries += Number(row.count)
      }
      return counts
    },
  }
}

export type ManagedPolicyStore = ReturnType<typeof managedPolicyStore>

export function versionNumber(versionId: string): number {
  return Number(versionId.slice(1))
}

function toPolicy(row: {
  account_id: string
  name_key: string
  policy_name: string
  policy_id: string
  path: string
  arn: string
  description: string | null
  default_version_id: string
  created_at: string
  updated_at: string
  next_version: number
}): StoredPolicy {
  return {
    accountId: row.account_id,
    nameKey: row.name_key,
    policyName: row.policy_name,
    policyId: row.policy_id,
    path: row.path,
    arn: row.arn,
    description: row.description ?? undefined,
    defaultVersionId: row.default_version_id,
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
    nextVersion: Number(row.next_version),
  }
}

function toVersion(row: { version_id: string; document: string; created_at: string }): StoredPolicyVersion {
  return { versionId: row.version_id, document: row.document, createdAt: fromDbTimestamp(row.created_at) }
}
