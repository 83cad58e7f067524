// Managed-policy attachments (iam_policy_attachments) and the users, groups and roles they attach to.
import { NoSuchEntityException } from '../../generated/iam/errors.js'
import { toDbTimestamp } from '../../storage/columns.js'
import type { Db } from '../../storage/schema.js'
import { nameKey } from './iam-names.js'

/** The IAM entities that can hold policies. */
export type PrincipalKind = 'user' | 'group' | 'role'

export interface PrincipalRef {
  readonly kind: PrincipalKind
  readonly accountId: string
  /** The name key (lower-cased name). */
  readonly key: string
}

export interface PrincipalEntity extends PrincipalRef {
  readonly name: string
  /** AIDA…, AGPA… or AROA… */
  readonly id: string
  readonly path: string
  readonly arn: string
  /** Users and roles only. */
  readonly boundaryArn?: string
}

/** The entity, or NoSuchEntity with AWS's message ("The user with name Bob cannot be found."). */
export async function requirePrincipal(db: Db, kind: PrincipalKind, accountId: string, name: string): Promise<PrincipalEntity> {
  const entity = await findPrincipal(db, { kind, accountId, key: nameKey(name) })
  if (!entity) throw new NoSuchEntityException(`The ${kind} with name ${name} cannot be found.`)
  return entity
}

export async function findPrincipal(db: Db, ref: PrincipalRef): Promise<PrincipalEntity | undefined> {
  const base = { kind: ref.kind, accountId: ref.accountId, key: ref.key }
  if (ref.kind === 'user') {
    const row = await db.selectFrom('iam_users').selectAll().where('account_id', '=', ref.accountId).where('name_key', '=', ref.key).executeTakeFirst()
    return row && { ...base, name: row.user_name, id: row.user_id, path: row.path, arn: row.arn, boundaryArn: row.permissions_boundary_arn ?? undefined }
  }
  if (ref.kind === 'group') {
    const row = await db.selectFrom('iam_groups').selectAll().where('account_id', '=', ref.accountId).where('name_key', '=', ref.key).executeTakeFirst()
    return row && { ...base, name: row.group_name, id: row.group_id, path: row.path, arn: row.arn }
  }
  const row = await db.selectFrom('iam_roles').selectAll().where('account_id', '=', ref.accountId).where('name_key', '=', ref.key).executeTakeFirst()
  return row && { ...base, name: row.role_name, id: row.role_id, path: row.path, arn: row.arn, boundaryArn: row.permissions_boundary_arn ?? undefined }
}

export function attachmentStore(db: Db) {
  return {
    /** The ARNs attached to one entity, in attachment order. */
    async listFor(principal: PrincipalRef): Promise<string[]> {
      const rows = await db
        .selectFrom('iam_policy_attachments')
        .select(['policy_arn'])
        .where('account_id', '=', principal.accountId)
        .where('principal_kind', '=', principal.kind)
        .where('principal_key', '=', principal.key)
        .orderBy('attached_at')
        .orderBy('policy_arn')
        .execute()
      return rows.map((row) => row.policy_arn)
    },

    /** Every entity a policy is attached to. */
    async entitiesOf(accountId: string, policyArn: string): Promise<PrincipalRef[]> {
      const rows = await db
        .selectFrom('iam_policy_attachments')
        .select(['principal_kind', 'principal_key'])
        .where('account_id', '=', accountId)
        .where('policy_arn', '=', policyArn)
        .execute()
      return rows.map((row) => ({ kind: row.principal_kind as PrincipalKind, accountId, key: row.principal_key }))
    },

    /** False when it was attached already (attaching twice is not an error in AWS). */
    async attach(principal: PrincipalRef, policyArn: string, at: Date): Promise<boolean> {
      const result = await db
        .insertInto('iam_policy_attachments')
        .values({ account_id: principal.accountId, principal_kind: principal.kind, principal_key: principal.key, policy_arn: policyArn, attached_at: toDbTimestamp(at) })
        .onConflict((conflict) => conflict.columns(['account_id', 'principal_kind', 'principal_key', 'policy_arn']).doNothing())
        .executeTakeFirst()
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
    },

    /** False when it was not attached. */
    async detach(principal: PrincipalRef, policyArn: string): Promise<boolean> {
      const result = await db
        .deleteFrom('iam_policy_attachments')
        .where('account_id', '=', principal.accountId)
        .where('principal_kind', '=', principal.kind)
        .where('principal_key', '=', principal.key)
        .where('policy_arn', '=', policyArn)
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
  }
}

export type AttachmentStore = ReturnType<typeof attachmentStore>
