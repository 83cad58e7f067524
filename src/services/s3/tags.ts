// Tag sets of buckets and objects: the limits S3 checks and the x-amz-tagging header's form
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html,
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/CostAllocTagging.html).
import { AwsError } from '../../core/aws-error.js'
import type { Tag } from '../../generated/s3/types.js'

export const MAX_OBJECT_TAGS = 10
export const MAX_BUCKET_TAGS = 50

export function invalidTag(message: string): AwsError {
  return new AwsError('InvalidTag', 400, message)
}

/** Checks a TagSet and returns it as key → value (order kept). */
export function tagMap(tags: readonly Tag[], limit: number): Record<string, string> {
  if (tags.length > limit) {
    throw limit === MAX_OBJECT_TAGS ? invalidTag('Object tags cannot be greater than 10') : invalidTag('Bucket tag count cannot be greater than 50')
  }
  const map: Record<string, string> = {}
  for (const { Key, Value } of tags) {
    if (Object.hasOwn(map, Key)) throw invalidTag('Cannot provide multiple Tags with the same key')
    const keyLength = [...Key].length // code points, as S3 counts them
    if (keyLength < 1 || keyLength > 128) throw invalidTag('The TagKey you have provided is invalid')
    if ([...(Value ?? '')].length > 256) throw invalidTag('The TagValue you have provided is invalid')
    if (Key.toLowerCase().startsWith('aws:')) throw invalidTag('Your TagKey cannot be prefixed with aws:')
    map[Key] = Value ?? ''
  }
  return map
}

export function tagSet(map: Readonly<Record<string, string>>): Tag[] {
  return Object.entries(map).map(([Key, Value]) => ({ Key, Value }))
}

/** The x-amz-tagging header: URL query form, `k1=v1&k2=v2`. */
export function parseTaggingHeader(header: string): Record<string, string> {
  const tags: Tag[] = []
  for (const [Key, Value] of new URLSearchParams(header)) tags.push({ Key, Value })
  return tagMap(tags, MAX_OBJECT_TAGS)
}
