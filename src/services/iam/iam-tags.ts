// Tags on IAM resources: at most 50 per resource, keys unique without regard to case.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating
import { InvalidInputException, LimitExceededException } from '../../generated/iam/errors.js'
import type { Tag } from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'
import type { IamResourceKind } from './iam-names.js'

export const MAX_TAGS_PER_RESOURCE = 50

export interface TaggedResource {
  readonly accountId: string
  readonly kind: IamResourceKind
  /** The resource's name key (or serial number / URL key for MFA devices and OIDC providers). */
  readonly key: string
}

export async function listTags(db: Db, resource: TaggedResource): Promise<Tag[]> {
  const rows = await db
    .selectFrom('iam_tags')
    .select(['tag_key', 'tag_value'])
    .where('account_id', '=', resource.accountId)
    .where('resource_kind', '=', resource.kind)
    .where('resource_key', '=', resource.key)
    .orderBy('tag_key_lower')
    .execute()
  return rows.map((row) => ({ Key: row.tag_key, Value: row.tag_value }))
}

/** Adds or overwrites `tags`; throws before writing anything when the result would break a rule. */
export async function putTags(db: Db, resource: TaggedResource, tags: readonly Tag[]): Promise<void> {
  const incoming = new Map<string, Tag>()
  for (const tag of tags) {
    const lower = tag.Key.toLowerCase()
    if (incoming.has(lower)) throw new InvalidInputException('Duplicate tag keys found. Please note that Tag keys are case insensitive.')
    incoming.set(lower, tag)
  }
  const existing = await listTags(db, resource)
  const keys = new Set(existing.map((tag) => tag.Key.toLowerCase()))
  for (const lower of incoming.keys()) keys.add(lower)
  if (keys.size > MAX_TAGS_PER_RESOURCE) {
    throw new LimitExceededException(`The number of tags has reached the maximum limit of ${MAX_TAGS_PER_RESOURCE}.`)
  }
  for (const [lower, tag] of incoming) {
    await db
      .insertInto('iam_tags')
      .values({ account_id: resource.accountId, resource_kind: resource.kind, resource_key: resource.key, tag_key_lower: lower, tag_key: tag.Key, tag_value: tag.Value })
      .onConflict((conflict) =>
        conflict.columns(['account_id', 'resource_kind', 'resource_key', 'tag_key_lower']).doUpdateSet({ tag_key: tag.Key, tag_value: tag.Value }),
      )
      .execute()
  }
}

export async function removeTags(db: Db, resource: TaggedResource, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return
  await db
    .deleteFrom('iam_tags')
    .where('account_id', '=', resource.accountId)
    .where('resource_kind', '=', resource.kind)
    .where('resource_key', '=', resource.key)
    .where('tag_key_lower', 'in', keys.map((key) => key.toLowerCase()))
    .execute()
}

/** Deletes every tag of a resource that is being deleted. */
export async function dropTags(db: Db, resource: TaggedResource): Promise<void> {
  await db
    .deleteFrom('iam_tags')
    .where('account_id', '=', resource.accountId)
    .where('resource_kind', '=', resource.kind)
    .where('resource_key', '=', resource.key)
    .execute()
}
