// ListObjects, ListObjectsV2 and ListObjectVersions over the walk in listing.ts.
import type { S3Api } from '../../generated/s3/api.js'
import type { ObjectShape, ObjectStorageClass, ObjectVersionStorageClass } from '../../generated/s3/types.js'
import { requireBucket } from './bucket-lookup.js'
import { checkMaxKeys, keyEncoder, positionAfter, walkListing, type ListEntry, type ListPosition } from './listing.js'
import { objectStore, type StoredObject } from './object-store.js'
import { ownerOf } from './owner.js'
import type { S3Deps } from './s3-deps.js'
import { invalidArgument } from './s3-errors.js'

export function listOperations(deps: S3Deps) {
  const { database, buckets } = deps
  const latest = (bucket: string, prefix: string) => (after: ListPosition, limit: number) =>
    objectStore(database.db).listLatest(bucket, { prefix, after: after.key, limit })

  return {
    async ListObjectsV2(input) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const encode = keyEncoder(input.EncodingType)
      const maxKeys = checkMaxKeys(input.MaxKeys)
      const prefix = input.Prefix ?? ''
      const start = input.ContinuationToken !== undefined
        ? decodeToken(input.ContinuationToken)
        : { key: input.StartAfter ?? '' }
      const page = await walkListing(latest(bucket.name, prefix), { prefix, delimiter: input.Delimiter || undefined, maxKeys, start })
      const last = page.entries.at(-1)
      return {
        Name: bucket.name,
        Prefix: encode(prefix),
        ...(input.Delimiter !== undefined && { Delimiter: encode(input.Delimiter) }),
        MaxKeys: maxKeys,
        KeyCount: page.entries.length,
        IsTruncated: page.truncated,
        ...(input.EncodingType !== undefined && { EncodingType: input.EncodingType }),
        ...(input.ContinuationToken !== undefined && { ContinuationToken: input.ContinuationToken }),
        ...(input.StartAfter !== undefined && { StartAfter: encode(input.StartAfter) }),
        ...(page.truncated && last && { NextContinuationToken: encodeToken(positionAfter(last)) }),
        ...contentsAndPrefixes(page.entries, encode, input.FetchOwner === true),
      }
    },

    async ListObjects(input) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const encode = keyEncoder(input.EncodingType)
      const maxKeys = checkMaxKeys(input.MaxKeys)
      const prefix = input.Prefix ?? ''
      const page = await walkListing(latest(bucket.name, prefix), { prefix, delimiter: input.Delimiter || undefined, maxKeys, start: { key: input.Marker ?? '' } })
      const last = page.entries.at(-1)
      return {
        Name: bucket.name,
        Prefix: encode(prefix),
        Marker: encode(input.Marker ?? ''),
        ...(input.Delimiter !== undefined && { Delimiter: encode(input.Delimiter) }),
        MaxKeys: maxKeys,
        IsTruncated: page.truncated,
        ...(input.EncodingType !== undefined && { EncodingType: input.EncodingType }),
        // Only with a delimiter: otherwise the client continues from the last key (API_ListObjects.html).
        ...(page.truncated && input.Delimiter && last && { NextMarker: encode(last.kind === 'prefix' ? last.prefix : last.object.key) }),
        ...contentsAndPrefixes(page.entries, encode, true),
      }
    },

    async ListObjectVersions(input) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const encode = keyEncoder(input.EncodingType)
      const maxKeys = checkMaxKeys(input.MaxKeys)
      const prefix = input.Prefix ?? ''
      if (input.VersionIdMarker !== undefined && input.VersionIdMarker !== '' && !input.KeyMarker) {
        throw invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', input.VersionIdMarker)
      }
      const store = objectStore(database.db)
      let start: ListPosition = { key: input.KeyMarker ?? '' }
      if (input.KeyMarker && input.VersionIdMarker) {
        const marker = await store.version(bucket.name, input.KeyMarker, input.VersionIdMarker)
        if (!marker) throw invalidArgument('Invalid version id specified', 'version-id-marker', input.VersionIdMarker)
        start = { key: marker.key, sequence: marker.sequence }
      }
      const fetch = (after: ListPosition, limit: number) => store.listVersions(bucket.name, { prefix, keyMarker: after.key, sequenceMarker: after.sequence, limit })
      const page = await walkListing(fetch, { prefix, delimiter: input.Delimiter || undefined, maxKeys, start })
      const last = page.entries.at(-1)
      const objects = page.entries.flatMap((entry) => (entry.kind === 'object' ? [entry.object] : []))
      const prefixes = page.entries.flatMap((entry) => (entry.kind === 'prefix' ? [{ Prefix: encode(entry.prefix) }] : []))
      const versions = objects.filter((object) => !object.isDeleteMarker)
      const markers = objects.filter((object) => object.isDeleteMarker)
      return {
        Name: bucket.name,
        Prefix: encode(prefix),
        KeyMarker: encode(input.KeyMarker ?? ''),
        VersionIdMarker: input.VersionIdMarker ?? '',
        ...(input.Delimiter !== undefined && { Delimiter: encode(input.Delimiter) }),
        MaxKeys: maxKeys,
        IsTruncated: page.truncated,
        ...(input.EncodingType !== undefined && { EncodingType: input.EncodingType }),
        ...(page.truncated && last && {
          NextKeyMarker: encode(last.kind === 'prefix' ? last.prefix : last.object.key),
          ...(last.kind === 'object' && { NextVersionIdMarker: last.object.versionId }),
        }),
        ...(versions.length > 0 && {
          Versions: versions.map((object) => ({
            Key: encode(object.key), VersionId: object.versionId, IsLatest: object.isLatest, LastModified: object.lastModified,
            ETag: object.etag, Size: object.size, StorageClass: object.storageClass as ObjectVersionStorageClass, Owner: ownerOf(object.ownerAccountId),
            ...(object.checksum && { ChecksumAlgorithm: [object.checksum.algorithm] }),
          })),
        }),
        ...(markers.length > 0 && {
          DeleteMarkers: markers.map((object) => ({
            Key: encode(object.key), VersionId: object.versionId, IsLatest: object.isLatest, LastModified: object.lastModified, Owner: ownerOf(object.ownerAccountId),
          })),
        }),
        ...(prefixes.length > 0 && { CommonPrefixes: prefixes }),
      }
    },
  } satisfies Partial<S3Api>
}

function contentsAndPrefixes(entries: readonly ListEntry[], encode: (text: string) => string, withOwner: boolean) {
  const Contents: ObjectShape[] = []
  const CommonPrefixes: { Prefix: string }[] = []
  for (const entry of entries) {
    if (entry.kind === 'prefix') CommonPrefixes.push({ Prefix: encode(entry.prefix) })
    else Contents.push(contentOf(entry.object, encode, withOwner))
  }
  return { ...(Contents.length > 0 && { Contents }), ...(CommonPrefixes.length > 0 && { CommonPrefixes }) }
}

function contentOf(object: StoredObject, encode: (text: string) => string, withOwner: boolean): ObjectShape {
  return {
    Key: encode(object.key),
    LastModified: object.lastModified,
    ETag: object.etag,
    Size: object.size,
    StorageClass: object.storageClass as ObjectStorageClass,
    ...(withOwner && { Owner: ownerOf(object.ownerAccountId) }),
    ...(object.checksum && { ChecksumAlgorithm: [object.checksum.algorithm], ChecksumType: object.checksum.type }),
  }
}

// Continuation tokens are opaque to clients: the position to resume after, base64url-encoded.
function encodeToken(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.key]), 'utf8').toString('base64url')
}

function decodeToken(token: string): ListPosition {
  try {
    const [key] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown[]
    if (typeof key === 'string') return { key }
  } catch {
    // fall through to S3's error
  }
  throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token)
}
