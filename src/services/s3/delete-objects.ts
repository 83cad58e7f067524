// Deleting keys: DeleteObject and DeleteObjects. Every key of one request is decided first (DeleteObjects: each key
// with the bucket's policies, refused keys reported as errors), then all of them are deleted in one transaction, so
// a request is applied whole or not at all; their data files are removed after the commit.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
import { AwsError } from '../../core/aws-error.js'
import type { OperationContext } from '../../core/operation.js'
import type { DeleteObjectsRequest, DeletedObject, ErrorShape as DeleteError } from '../../generated/s3/types.js'
import { deleteObjectTarget } from './authorization.js'
import type { Bucket } from './bucket-index.js'
import { checkVersionId } from './object-read.js'
import { objectStore, type StoredObject } from './object-store.js'
import { newVersion, NULL_VERSION } from './object-versions.js'
import type { S3Deps } from './s3-deps.js'
import { malformedXml } from './s3-errors.js'

/** DeleteObjects takes at most 1,000 keys (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html). */
const MAX_DELETE_KEYS = 1000

export interface KeyToDelete {
  readonly key: string
  readonly versionId?: string
}

/** What deleting one key did, as DeleteObject's response headers report it. */
export interface KeyDeleted {
  readonly DeleteMarker?: boolean
  readonly VersionId?: string
}

/**
 * Deletes `keys` of `bucket` in one transaction, as DeleteObject does each: a named version is removed; otherwise an
 * unversioned bucket loses the key's 'null' version and a versioned (or suspended) one gets a delete marker.
 */
export async function deleteKeys(deps: S3Deps, bucket: Bucket, keys: readonly KeyToDelete[], ctx: OperationContext): Promise<KeyDeleted[]> {
  const { database, files, clock, ids } = deps
  if (keys.length === 0) return []
  // Stamps and markers are made once, outside the transaction, so a retried attempt (PostgreSQL) writes the same rows.
  const markers = keys.map(({ key, versionId }) => {
    if (versionId !== undefined || bucket.versioning === undefined) return undefined
    const stamp = newVersion(bucket, clock, ids)
    const marker: StoredObject = {
      bucket: bucket.name, key, versionId: stamp.versionId, sequence: stamp.sequence, ownerAccountId: ctx.accountId, isLatest: true,
      isDeleteMarker: true, size: 0, etag: '', lastModified: clock.now(), storageClass: 'STANDARD', headers: {}, metadata: {}, tags: {},
      segments: [], encryption: { ServerSideEncryption: 'AES256' },
    }
    return { marker, replacesNull: stamp.replacesNull }
  })
  let freed: string[] = []
  let results: KeyDeleted[] = []
  await database.transaction(async (tx) => {
    freed = []
    results = []
    const store = objectStore(tx)
    for (const [index, { key, versionId }] of keys.entries()) {
      const made = markers[index]
      if (made) {
        // Versioned or suspended: the key gets a delete marker as its latest version (suspended: the 'null' one).
        freed.push(...await store.insertLatest(made.marker, made.replacesNull))
        results.push({ DeleteMarker: true, VersionId: made.marker.versionId })
      } else if (versionId !== undefined) {
        const version = await store.version(bucket.name, key, versionId)
        freed.push(...await store.deleteVersion(bucket.name, key, versionId))
        results.push({ VersionId: versionId, ...(version?.isDeleteMarker && { DeleteMarker: true }) })
      } else {
        freed.push(...await store.deleteVersion(bucket.name, key, NULL_VERSION))
        results.push({})
      }
    }
  })
  await files.remove(freed)
  return results
}

/** DeleteObjects: each key decided, the allowed ones deleted together; per-key results as S3 reports them. */
export async function deleteObjects(deps: S3Deps, bucket: Bucket, request: DeleteObjectsRequest['Delete'], ctx: OperationContext) {
  const objects = request.Objects ?? []
  if (objects.length > MAX_DELETE_KEYS || objects.length === 0) throw malformedXml()
  if (!ctx.authorize) throw new Error('DeleteObjects needs the authorization stage')
  const Errors: DeleteError[] = []
  const allowed: { Key: string; VersionId?: string }[] = []
  for (const { Key, VersionId } of objects) {
    try {
      if (VersionId !== undefined) checkVersionId(VersionId)
      // Each key is decided with the bucket's policies (the table leaves DeleteObjects to this handler).
      ctx.authorize(deleteObjectTarget(deps.buckets, bucket.name, Key, VersionId, ctx)) // ctx carries the call's facts
      allowed.push({ Key, ...(VersionId !== undefined && { VersionId }) })
    } catch (error) {
      if (!(error instanceof AwsError)) throw error
      Errors.push({ Key, ...(VersionId !== undefined && { VersionId }), Code: error.code, Message: error.message })
    }
  }
  const results = await deleteKeys(deps, bucket, allowed.map(({ Key, VersionId }) => ({ key: Key, ...(VersionId !== undefined && { versionId: VersionId }) })), ctx)
  // Quiet mode reports only the keys that failed.
  const Deleted: DeletedObject[] = request.Quiet ? [] : allowed.map(({ Key, VersionId }, index) => {
    const result = results[index]!
    return {
      Key,
      ...(VersionId !== undefined && { VersionId }),
      ...(result.DeleteMarker && { DeleteMarker: true, DeleteMarkerVersionId: result.VersionId }),
    }
  })
  return { ...(Deleted.length > 0 && { Deleted }), ...(Errors.length > 0 && { Errors }) }
}
