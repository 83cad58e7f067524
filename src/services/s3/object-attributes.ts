// GetObjectAttributes: an object's ETag, checksum, parts, storage class and size without its body
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html).
import type { S3Api } from '../../generated/s3/api.js'
import type { StorageClass } from '../../generated/s3/types.js'
import { requireBucket } from './bucket-lookup.js'
import { segmentsToRead } from './encryption/sse-c.js'
import { checkMaxKeys } from './listing.js'
import { objectToRead, unquote } from './object-read.js'
import { objectStore } from './object-store.js'
import { NULL_VERSION, reportsVersions } from './object-versions.js'
import type { S3Deps } from './s3-deps.js'

const MAX_PARTS = 1000

export function objectAttributeOperations(deps: S3Deps) {
  const { database, buckets } = deps

  return {
    async GetObjectAttributes(input, ctx) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const object = await objectToRead(objectStore(database.db), bucket.name, input.Key, input.VersionId, input)
      segmentsToRead(object.segments, input, ctx.secure) // SSE-C: the request's key, as for HeadObject
      const wanted = new Set(input.ObjectAttributes)
      const maxParts = Math.min(checkMaxKeys(input.MaxParts, 'max-parts'), MAX_PARTS)
      const marker = input.PartNumberMarker ?? 0
      const parts = object.partsCount === undefined ? [] : object.segments.map((segment, index) => ({ PartNumber: index + 1, Size: segment.size }))
      const page = parts.filter((part) => part.PartNumber > marker).slice(0, maxParts)
      return {
        LastModified: object.lastModified,
        ...((reportsVersions(bucket) || object.versionId !== NULL_VERSION) && { VersionId: object.versionId }),
        // The ETag here is without its quotes.
        ...(wanted.has('ETag') && { ETag: unquote(object.etag) }),
        ...(wanted.has('Checksum') && object.checksum && { Checksum: { [`Checksum${object.checksum.algorithm}`]: object.checksum.value } }),
        ...(wanted.has('ObjectParts') && object.partsCount !== undefined && {
          ObjectParts: {
            TotalPartsCount: object.partsCount, PartNumberMarker: marker, MaxParts: maxParts,
            IsTruncated: parts.some((part) => part.PartNumber > (page.at(-1)?.PartNumber ?? marker)),
            ...(page.length > 0 && { NextPartNumberMarker: page.at(-1)!.PartNumber }),
            Parts: page,
          },
        }),
        ...(wanted.has('StorageClass') && { StorageClass: object.storageClass as StorageClass }),
        ...(wanted.has('ObjectSize') && { ObjectSize: object.size }),
      }
    },
  } satisfies Partial<S3Api>
}
