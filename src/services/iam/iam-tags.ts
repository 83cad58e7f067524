// Tags on IAM resources: at most 50 per resource, keys unique without regard to case.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating
import { InvalidInputException, LimitExceededException } from '../../generated/iam/errors.js'
import type { OperationContext } from '../../core/operation.js'
import type { Tag } from '../../generated/iam/types.js'
import type { Database } from '../../storage/database.js'
import type { Db } from '../../storage/schema.js'
import type { IamResourceKind } from './iam-names.js'
import { paginate, type PageRequest } from './pagination.js'

export const MAX_TAGS_PER_RESOURCE = 50

export interface TaggedResource {
  readonly accountId: string
  readonly kind: IamResourceKind
  /** The resource's name key (or serial number / URL key for MFA devices and OIDC providers). */
  readonly key: string
}

/** How one kind's Tag…/Untag…/List…Tags find their resource; `find` throws the kind's own NoSuchEntity. */
export interface TagTarget<I, R> {
  find(db: Db, input: I, ctx: OperationContext): Promise<R>
  resource(found: R, ctx: OperationContext): TaggedResource
  /** Runs in the write transaction after the tags change (e.g. so aws:PrincipalTag follows them). */
  changed?(found: R): Promise<void>
  /** Runs once the write transaction has committed. */
  committed?(): Promise<void>
}

export interface TagHandlers<I> {
  tag(input: I & { readonly Tags: Tag[] }, ctx: OperationContext): Promise<void>
  untag(input: I & { readonly TagKeys: string[] }, ctx: OperationContext): Promise<void>
  list(input: I & PageRequest, ctx: OperationContext): Promise<{ Tags: Tag[]; IsTruncated: boolean; Marker?: string }>
}

/** The Tag…, Untag… and List…Tags handlers of one resource kind: look it up, change its tags in a transaction, page its tag list. */
export function tagHandlers<I, R>(database: Database, target: TagTarget<I, R>): TagHandlers<I> {
  const change = async (input: I, ctx: OperationContext, work: (tx: Db, resource: TaggedResource) => Promise<void>) => {
    await database.transaction(async (tx) => {
      const found = await target.find(tx, input, ctx)
      await work(tx, target.resource(found, ctx))
      await target.changed?.(found)
    })
    await target.committed?.()
  }
  return {
    tag: (input, ctx) => change(input, ctx, (tx, resource) => putTags(tx, resource, input.Tags)),
    untag: (input, ctx) => change(input, ctx, (tx, resource) => removeTags(tx, resource, input.TagKeys)),
    async list(input, ctx) {
      const found = await target.find(database.db, input, ctx)
      const page = paginate(await listTags(database.db, target.resource(found, ctx)), input, (tag) => tag.Key.toLowerCase())
      return { Tags: page.items, IsTruncated: page.IsTruncated, ...(page.Marker !== undefined && { Marker: page.Marker }) }
    },
  }
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
