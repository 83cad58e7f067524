// Trail tags: AddTags, RemoveTags, ListTags (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AddTags.html).
import type { OperationContext } from '../../core/operation.js'
import type { CloudtrailApi } from '../../generated/cloudtrail/api.js'
import { CloudTrailARNInvalidException, InvalidTagParameterException, ResourceNotFoundException, TagsLimitExceededException } from '../../generated/cloudtrail/errors.js'
import type { Tag } from '../../generated/cloudtrail/types.js'
import type { TrailDeps } from './trail-deps.js'
import { parseTrailName } from './trail-lookup.js'
import { notifyTrailChange, trailChangesApplied, type IndexedTrail } from './trails-index.js'
import { trailStore } from './trails-store.js'

const MAX_TAGS = 50
const MAX_LIST_RESOURCES = 20

export function trailTagOperations({ database, trails }: TrailDeps) {
  /** Tag operations take the trail's ARN (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListTags.html). */
  const requireTagged = (resourceId: string, ctx: OperationContext): IndexedTrail => {
    if (!resourceId.startsWith('arn:')) throw new CloudTrailARNInvalidException(`ARN ${resourceId} is not valid.`)
    const named = parseTrailName(resourceId, ctx)
    const trail = named.accountId === ctx.accountId ? trails.get(named.accountId, named.region, named.name) : undefined
    if (!trail) throw new ResourceNotFoundException(`Resource ${resourceId} not found.`)
    return trail
  }
  const saveTags = async (trail: IndexedTrail, tags: Record<string, string>) => {
    await database.transaction(async (tx) => {
      await trailStore(tx).update(trail.accountId, trail.homeRegion, trail.name, { tags: JSON.stringify(tags) })
      await notifyTrailChange(database, trail.accountId)
    })
    await trailChangesApplied(trails)
  }

  return {
    async AddTags(input, ctx) {
      const trail = requireTagged(input.ResourceId, ctx)
      checkTags(input.TagsList)
      const tags = { ...trail.tags, ...tagMap(input.TagsList) }
      if (Object.keys(tags).length > MAX_TAGS) throw new TagsLimitExceededException(`The number of tags on ${trail.arn} would exceed the limit of ${MAX_TAGS}.`)
      await saveTags(trail, tags)
      return {}
    },

    async RemoveTags(input, ctx) {
      const trail = requireTagged(input.ResourceId, ctx)
      const tags = { ...trail.tags }
      for (const tag of input.TagsList) delete tags[tag.Key]
      await saveTags(trail, tags)
      return {}
    },

    async ListTags(input, ctx) {
      if (input.ResourceIdList.length > MAX_LIST_RESOURCES) {
        throw new InvalidTagParameterException(`ResourceIdList can contain at most ${MAX_LIST_RESOURCES} resources.`)
      }
      return {
        ResourceTagList: input.ResourceIdList.map((resourceId) => ({
          ResourceId: resourceId,
          TagsList: Object.entries(requireTagged(resourceId, ctx).tags).map(([Key, Value]) => ({ Key, Value })),
        })),
      }
    },
  } satisfies Partial<CloudtrailApi>
}

/** Keys 1–128 and values up to 256 characters of letters, digits, spaces and `_ . : / = + - @`; `aws:` is reserved. */
export function checkTags(tags: readonly Tag[] | undefined): void {
  if (!tags) return
  if (tags.length > MAX_TAGS) throw new TagsLimitExceededException(`A trail can have at most ${MAX_TAGS} tags; ${tags.length} were specified.`)
  for (const tag of tags) {
    if (tag.Key.length < 1 || tag.Key.length > 128 || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(tag.Key)) {
      throw new InvalidTagParameterException(`Tag key ${tag.Key} is not valid.`)
    }
    if (tag.Key.toLowerCase().startsWith('aws:')) throw new InvalidTagParameterException('Tag keys starting with aws: are reserved.')
    const value = tag.Value ?? ''
    if (value.length > 256 || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(value)) throw new InvalidTagParameterException(`Tag value ${value} is not valid.`)
  }
}

export function tagMap(tags: readonly Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((tag) => [tag.Key, tag.Value ?? '']))
}
