// Tags on accounts, roots, OUs and policies: TagResource, UntagResource, ListTagsForResource, and the tag writes
// the Create* operations share.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_TagResource.html
import {
  ConstraintViolationException,
  InvalidInputException,
  TargetNotFoundException,
} from '../../generated/organizations/errors.js'
import type { OrganizationsApi } from '../../generated/organizations/api.js'
import type { Tag } from '../../generated/organizations/types.js'
import type { Db } from '../../storage/schema.js'
import { managementScope, readScope, type OrgScope } from './org-access.js'
import type { OrganizationsDeps } from './org-deps.js'
import { ID_PATTERNS } from './org-ids.js'
import { orgStore } from './org-store.js'
import { paginate } from './pagination.js'
import { policyStore } from './policy-store.js'

/** "Maximum tags per resource: 50" (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html). */
export const MAX_TAGS_PER_RESOURCE = 50

export const TARGET_NOT_FOUND = "We can't find a root, OU, account, or policy with the TargetId that you specified."

export function tagOperations(deps: OrganizationsDeps) {
  const { database } = deps
  return {
    async TagResource(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        await requireTaggable(tx, scope, input.ResourceId)
        await putTags(tx, scope, input.ResourceId, input.Tags)
      })
    },

    async UntagResource(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        await requireTaggable(tx, scope, input.ResourceId)
        if (input.TagKeys.length > 0) {
          await tx.deleteFrom('org_tags').where('account_id', '=', scope.management).where('resource_id', '=', input.ResourceId)
            .where('tag_key', 'in', input.TagKeys).execute()
        }
      })
    },

    async ListTagsForResource(input, ctx) {
      const scope = await readScope(deps, ctx)
      await requireTaggable(database.db, scope, input.ResourceId)
      const tags = await listTags(database.db, scope, input.ResourceId)
      const page = paginate(tags, input, (tag) => tag.Key)
      return { Tags: page.items, ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },
  } satisfies Partial<OrganizationsApi>
}

/** Inside a transaction: adds or overwrites tags, within AWS's rules (no `aws:` keys, no repeats, at most 50). */
export async function putTags(tx: Db, scope: OrgScope, resourceId: string, tags: readonly Tag[] | undefined): Promise<void> {
  if (!tags || tags.length === 0) return
  const keys = new Set<string>()
  for (const tag of tags) {
    if (tag.Key.toLowerCase().startsWith('aws:')) {
      throw new InvalidInputException('You provided a tag key that starts with the reserved prefix aws:.', { Reason: 'INVALID_SYSTEM_TAGS_PARAMETER' })
    }
    if (keys.has(tag.Key)) throw new InvalidInputException('You provided duplicate tag keys.', { Reason: 'DUPLICATE_TAG_KEY' })
    keys.add(tag.Key)
  }
  const existing = new Set((await listTags(tx, scope, resourceId)).map((tag) => tag.Key))
  if (new Set([...existing, ...keys]).size > MAX_TAGS_PER_RESOURCE) {
    throw new ConstraintViolationException('You have exceeded the maximum number of tags allowed on this resource.', { Reason: 'MAX_TAG_LIMIT_EXCEEDED' })
  }
  for (const tag of tags) {
    await tx.insertInto('org_tags').values({ account_id: scope.management, resource_id: resourceId, tag_key: tag.Key, tag_value: tag.Value })
      .onConflict((conflict) => conflict.columns(['account_id', 'resource_id', 'tag_key']).doUpdateSet({ tag_value: tag.Value }))
      .execute()
  }
}

export async function listTags(db: Db, scope: OrgScope, resourceId: string): Promise<Tag[]> {
  const rows = await db.selectFrom('org_tags').select(['tag_key', 'tag_value'])
    .where('account_id', '=', scope.management).where('resource_id', '=', resourceId).orderBy('tag_key').execute()
  return rows.map((row) => ({ Key: row.tag_key, Value: row.tag_value }))
}

/** Inside a transaction: forgets a deleted resource's tags. */
export async function dropTags(tx: Db, scope: OrgScope, resourceId: string): Promise<void> {
  await tx.deleteFrom('org_tags').where('account_id', '=', scope.management).where('resource_id', '=', resourceId).execute()
}

async function requireTaggable(db: Db, scope: OrgScope, resourceId: string): Promise<void> {
  const found =
    resourceId === scope.org.root_id ||
    (ID_PATTERNS.ou.test(resourceId) && (await orgStore(db).unit(scope.management, resourceId)) !== undefined) ||
    (ID_PATTERNS.account.test(resourceId) && (await orgStore(db).member(scope.management, resourceId)) !== undefined) ||
    (ID_PATTERNS.policy.test(resourceId) && (await policyStore(db).policy(scope.management, resourceId)) !== undefined)
  if (!found) throw new TargetNotFoundException(TARGET_NOT_FOUND)
}
