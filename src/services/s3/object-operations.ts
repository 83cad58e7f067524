// Objects: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects — versioned as the bucket says, bytes
// streamed to and from encrypted files, metadata committed only once the bytes are durable.
import type { S3Api } from '../../generated/s3/api.js'
import type { DeletedObject, ErrorShape as DeleteError } from '../../generated/s3/types.js'
import type { OperationContext } from '../../core/operation.js'
import { AwsError } from '../../core/aws-error.js'
import { requireBucket } from './bucket-lookup.js'
import type { Bucket } from './bucket-index.js'
import { objectWriteAccess } from './access/object-write-access.js'
import { deleteObjectTarget } from './authorization.js'
import { segmentsToRead } from './encryption/sse-c.js'
import { authorizeKmsRead } from './encryption/sse-kms.js'
import { encryptionForWrite } from './encryption/write-encryption.js'
import { groupCommit } from './group-commit.js'
import { expectedDigests, MAX_SINGLE_UPLOAD_BYTES, receiveBody } from './object-body.js'
import { contentHeadersOf, metadataOf, objectResponseMembers, responseOverrides, storageClassOf } from './object-headers.js'
import { byteRange, checkConditions, checkVersionId, objectToRead, partRange, type ByteRange, type Conditions } from './object-read.js'
import { objectStore, type StoredObject } from './object-store.js'
import { commitVersion, newVersion, NULL_VERSION, reportsVersions } from './object-versions.js'
import type { S3Deps } from './s3-deps.js'
import { entityTooLarge, malformedXml, preconditionFailed } from './s3-errors.js'
import { parseTaggingHeader } from './tags.js'

/** Bodies up to this size are read into memory whole rather than streamed. */
const WHOLE_READ_BYTES = 256 * 1024

/** DeleteObjects takes at most 1,000 keys (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html). */
const MAX_DELETE_KEYS = 1000

export function objectOperations(deps: S3Deps) {
  const { database, buckets, files, clock, ids } = deps
  const commitPut = groupCommit(database, files)

  /** Removes or marks one key as DeleteObject does; what the response reports. */
  async function deleteOne(bucket: Bucket, key: string, versionId: string | undefined, ctx: OperationContext): Promise<{ DeleteMarker?: boolean; VersionId?: string }> {
    if (versionId !== undefined) {
      checkVersionId(versionId)
      const version = await objectStore(database.db).version(bucket.name, key, versionId)
      const freed = await database.transaction((tx) => objectStore(tx).deleteVersion(bucket.name, key, versionId))
      await files.remove(freed)
      return { VersionId: versionId, ...(version?.isDeleteMarker && { DeleteMarker: true }) }
    }
    if (bucket.versioning === undefined) {
      const freed = await database.transaction((tx) => objectStore(tx).deleteVersion(bucket.name, key, NULL_VERSION))
      await files.remove(freed)
      return {}
    }
    // Versioned or suspended: the key gets a delete marker as its latest version (suspended: the 'null' one).
    const stamp = newVersion(bucket, clock, ids)
    const marker: StoredObject = {
      bucket: bucket.name, key, versionId: stamp.versionId, sequence: stamp.sequence, ownerAccountId: ctx.accountId, isLatest: true,
      isDeleteMarker: true, size: 0, etag: '', lastModified: clock.now(), storageClass: 'STANDARD', headers: {}, metadata: {}, tags: {},
      segments: [], encryption: { ServerSideEncryption: 'AES256' },
    }
    await commitVersion(database, files, marker, stamp.replacesNull)
    return { DeleteMarker: true, VersionId: stamp.versionId }
  }

  async function readObject(input: { Bucket: string; Key: string; VersionId?: string; ExpectedBucketOwner?: string; PartNumber?: number; Range?: string } & Conditions) {
    const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
    const object = await objectToRead(objectStore(database.db), bucket.name, input.Key, input.VersionId, input)
    checkConditions(object, input)
    let range: ByteRange | undefined
    if (input.PartNumber !== undefined) {
      if (input.Range !== undefined) throw new AwsError('InvalidRequest', 400, 'Cannot specify both Range header and partNumber query parameter')
      range = partRange(object, input.PartNumber)
    } else {
      range = byteRange(input.Range, object.size)
    }
    return { bucket, object, range }
  }

  function readMembers(bucket: Bucket, object: StoredObject, range: ByteRange | undefined, checksumMode: string | undefined) {
    const members = objectResponseMembers(object, reportsVersions(bucket) || object.versionId !== NULL_VERSION)
    return {
      ...members,
      ContentLength: range ? range.end - range.start : object.size,
      // Any range asked for (a Range header S3 honours, or partNumber) is answered 206 with Content-Range, even one
      // that covers the whole object.
      ...(range && { ContentRange: `bytes ${range.start}-${range.end - 1}/${object.size}` }),
      // A stored checksum covers the whole object; S3 returns it only when asked (x-amz-checksum-mode: ENABLED).
      ...(checksumMode === 'ENABLED' && !range && object.checksum && { [`Checksum${object.checksum.algorithm}`]: object.checksum.value }),
    }
  }

  return {
    async PutObject(input, ctx) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      if (input.ContentLength !== undefined && input.ContentLength > MAX_SINGLE_UPLOAD_BYTES) throw entityTooLarge(input.ContentLength, MAX_SINGLE_UPLOAD_BYTES)
      if (input.IfNoneMatch !== undefined && input.IfNoneMatch !== '*') {
        throw new AwsError('NotImplemented', 501, 'A header you provided implies functionality that is not implemented', { fields: { Header: 'If-None-Match' } })
      }
      const headers = contentHeadersOf(input)
      const metadata = metadataOf(input)
      const storageClass = storageClassOf(input)
      const tags = input.Tagging === undefined ? {} : parseTaggingHeader(input.Tagging)
      const encryption = encryptionForWrite(input, bucket, ctx, deps.kms, { customerKeys: true })
      const access = objectWriteAccess(deps, bucket, input, ctx) // owner and ACL, as Object Ownership says
      const expected = expectedDigests(input)
      const received = await receiveBody(files, input.Body, expected, encryption.setting)
      const stamp = newVersion(bucket, clock, ids)
      const object: StoredObject = {
        bucket: bucket.name, key: input.Key, versionId: stamp.versionId, sequence: stamp.sequence, ownerAccountId: access.ownerAccountId,
        isLatest: true, isDeleteMarker: false, size: received.size, etag: `"${received.md5}"`, lastModified: clock.now(), storageClass,
        headers, metadata, tags, ...(received.checksum && { checksum: received.checksum }), segments: [received.segment], encryption: encryption.reported,
        ...(access.acl && { acl: access.acl }),
      }
      // Conditional write (If-None-Match: *): decided in the commit, so two racing writers cannot both create the key.
      await commitPut(object, stamp.replacesNull, input.IfNoneMatch === '*' ? refuseExisting : undefined)
      return {
        ETag: object.etag,
        ...encryption.reported,
        ServerSideEncryption: encryption.reported.ServerSideEncryption as 'AES256',
        ...(bucket.versioning === 'Enabled' && { VersionId: stamp.versionId }),
        ...(received.checksum && { [`Checksum${received.checksum.algorithm}`]: received.checksum.value }),
      }
    },

    async GetObject(input, ctx) {
      const overrides = responseOverrides(input, ctx.caller.type === 'Anonymous')
      const { bucket, object, range } = await readObject(input)
      authorizeKmsRead(object.segments.map((segment) => segment.envelope), ctx, deps.kms) // SSE-KMS: kms:Decrypt for the reader
      const segments = segmentsToRead(object.segments, input, ctx.secure) // SSE-C: the request's key, checked
      const members = readMembers(bucket, object, range, input.ChecksumMode)
      const { start, end } = range ?? { start: 0, end: object.size }
      // Small bodies are read in one go; larger ones stream (the codec sends an iterable Body with backpressure; the
      // model types it as bytes).
      const Body = end - start <= WHOLE_READ_BYTES
        ? await files.readWhole(segments, start, end)
        : files.read(segments, start, end) as unknown as Uint8Array
      return { ...members, ...overrides, Body }
    },

    async HeadObject(input, ctx) {
      const { bucket, object, range } = await readObject(input)
      segmentsToRead(object.segments, input, ctx.secure) // SSE-C: HEAD needs the key too
      return readMembers(bucket, object, range, input.ChecksumMode)
    },

    async DeleteObject(input, ctx) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      return deleteOne(bucket, input.Key, input.VersionId, ctx)
    },

    async DeleteObjects(input, ctx) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const objects = input.Delete.Objects ?? []
      if (objects.length > MAX_DELETE_KEYS || objects.length === 0) {
        throw malformedXml()
      }
      const Deleted: DeletedObject[] = []
      const Errors: DeleteError[] = []
      for (const { Key, VersionId } of objects) {
        try {
          // Each key is decided with the bucket's policies (the table leaves DeleteObjects to this loop).
          if (!ctx.authorize) throw new Error('DeleteObjects needs the authorization stage')
          ctx.authorize(deleteObjectTarget(buckets, bucket.name, Key, VersionId, ctx)) // ctx carries the call's facts
          const result = await deleteOne(bucket, Key, VersionId, ctx)
          if (input.Delete.Quiet) continue
          Deleted.push({
            Key,
            ...(VersionId !== undefined && { VersionId }),
            ...(result.DeleteMarker && { DeleteMarker: true }),
            ...(result.DeleteMarker && VersionId === undefined && { DeleteMarkerVersionId: result.VersionId }),
          })
        } catch (error) {
          if (!(error instanceof AwsError)) throw error
          Errors.push({ Key, ...(VersionId !== undefined && { VersionId }), Code: error.code, Message: error.message })
        }
      }
      return { ...(Deleted.length > 0 && { Deleted }), ...(Errors.length > 0 && { Errors }) }
    },
  } satisfies Partial<S3Api>
}

function refuseExisting(latest: StoredObject | undefined): void {
  if (latest && !latest.isDeleteMarker) {
    throw preconditionFailed('If-None-Match')
  }
}
