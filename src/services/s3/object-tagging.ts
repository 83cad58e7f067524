// Object tags: Put/Get/DeleteObjectTagging, on the latest version or a named one.
import type { S3Api } from '../../generated/s3/api.js'
import { requireBucket } from './bucket-lookup.js'
import { objectToRead } from './object-read.js'
import { objectStore } from './object-store.js'
import { reportsVersions } from './object-versions.js'
import type { S3Deps } from './s3-deps.js'
import { MAX_OBJECT_TAGS, tagMap, tagSet } from './tags.js'

export function objectTaggingOperations(deps: S3Deps) {
  const { database, buckets } = deps

  async function target(input: { Bucket: string; Key: string; VersionId?: string; ExpectedBucketOwner?: string }) {
    const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
    const object = await objectToRead(objectStore(database.db), bucket.name, input.Key, input.VersionId, input)
    return { bucket, object }
  }

  return {
    async PutObjectTagging(input) {
      const { bucket, object } = await target(input)
      const tags = tagMap(input.Tagging.TagSet, MAX_OBJECT_TAGS)
      await database.transaction((tx) => objectStore(tx).setTags(bucket.name, object.key, object.versionId, tags))
      return reportsVersions(bucket) ? { VersionId: object.versionId } : {}
    },

    async GetObjectTagging(input) {
      const { bucket, object } = await target(input)
      return { TagSet: tagSet(object.tags), ...(reportsVersions(bucket) && { VersionId: object.versionId }) }
    },

    async DeleteObjectTagging(input) {
      const { bucket, object } = await target(input)
      await database.transaction((tx) => objectStore(tx).setTags(bucket.name, object.key, object.versionId, {}))
      return reportsVersions(bucket) ? { VersionId: object.versionId } : {}
    },
  } satisfies Partial<S3Api>
}
