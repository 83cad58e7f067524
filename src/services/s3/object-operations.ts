// Objects: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects — versioned as the bucket says, bytes
// streamed to and from encrypted files, metadata committed only once the bytes are durable.
import type { S3Api } from '../../generated/s3/api.js'
import { AwsError } from '../../core/aws-error.js'
import { requireBucket } from './bucket-lookup.js'
import type { Bucket } from './bucket-index.js'
import { objectWriteAccess } from './access/object-write-access.js'
import { deleteKeys, deleteObjects } from './delete-objects.js'
import { segmentsToRead } from './encryption/sse-c.js'
import { authorizeKmsRead } from './encryption/sse-kms.js'
import { encryptionForWrite, encryptionResponse } from './encryption/write-encryption.js'
import { groupCommit } from './group-commit.js'
import { expectedDigests, MAX_SINGLE_UPLOAD_BYTES, receiveBody } from './object-body.js'
import { contentHeadersOf, metadataOf, objectResponseMembers, responseOverrides, storageClassOf } from './object-headers.js'
import { byteRange, checkConditions, checkVersionId, objectToRead, partRange, type ByteRange, type Conditions } from './object-read.js'
import { objectStore, type StoredObject } from './object-store.js'
import { newVersion, NULL_VERSION, reportsVersions } from './object-versions.js'
import type { S3Deps } from './s3-deps.js'
import { entityTooLarge, preconditionFailed } from './s3-errors.js'
import { parseTaggingHeader } from './tags.js'

/** Bodies up to this size are read into memory whole rather than streamed. */
const WHOLE_READ_BYTES = 256 * 1024

export function objectOperations(deps: S3Deps) {
  const { database, buckets, files, clock, ids } = deps
  const commitPut = groupCommit(database, files)

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
      const encryption = await encryptionForWrite(input, bucket, ctx, deps.kms)
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
        ...encryptionResponse(encryption.reported),
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
      if (input.VersionId !== undefined) checkVersionId(input.VersionId)
      const [result] = await deleteKeys(deps, bucket, [{ key: input.Key, ...(input.VersionId !== undefined && { versionId: input.VersionId }) }], ctx)
      return result!
    },

    async DeleteObjects(input, ctx) {
      return deleteObjects(deps, requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner), input.Delete, ctx)
    },
  } satisfies Partial<S3Api>
}

function refuseExisting(latest: StoredObject | undefined): void {
  if (latest && !latest.isDeleteMarker) {
    throw preconditionFailed('If-None-Match')
  }
}
