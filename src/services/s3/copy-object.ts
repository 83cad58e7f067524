// CopyObject: a server-side copy (bytes decrypted and re-encrypted under the target's own data key), with the
// metadata and tagging directives (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
import type { S3Api } from '../../generated/s3/api.js'
import { requireBucket } from './bucket-lookup.js'
import { readCopySource } from './copy-source.js'
import { objectWriteAccess } from './access/object-write-access.js'
import { copySourceKey, segmentsToRead } from './encryption/sse-c.js'
import { authorizeKmsRead } from './encryption/sse-kms.js'
import { encryptionForWrite, encryptionResponse } from './encryption/write-encryption.js'
import { MAX_SINGLE_UPLOAD_BYTES, receiveBody } from './object-body.js'
import { contentHeadersOf, metadataOf, storageClassOf } from './object-headers.js'
import { objectStore, type StoredObject } from './object-store.js'
import { commitVersion, newVersion, NULL_VERSION } from './object-versions.js'
import type { S3Deps } from './s3-deps.js'
import { invalidArgument, invalidRequest } from './s3-errors.js'
import { parseTaggingHeader } from './tags.js'

export function copyObjectOperations(deps: S3Deps) {
  const { database, buckets, files, clock, ids } = deps

  return {
    async CopyObject(input, ctx) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const directive = input.MetadataDirective ?? 'COPY'
      const tagging = input.TaggingDirective ?? 'COPY'
      if (directive !== 'COPY' && directive !== 'REPLACE') throw invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive)
      if (tagging !== 'COPY' && tagging !== 'REPLACE') throw invalidArgument('Unknown tagging directive.', 'x-amz-tagging-directive', tagging)
      const { source, object } = await readCopySource(buckets, objectStore(database.db), input)
      if (object.size > MAX_SINGLE_UPLOAD_BYTES) {
        throw invalidRequest('The specified copy source is larger than the maximum allowable size for a copy source: 5368709120')
      }
      const sameObject = source.bucket === bucket.name && source.key === input.Key && (source.versionId === undefined || object.isLatest)
      const changesSomething = directive === 'REPLACE' || input.StorageClass !== undefined || input.WebsiteRedirectLocation !== undefined
        || input.ServerSideEncryption !== undefined || input.SSECustomerAlgorithm !== undefined
      if (sameObject && !changesSomething) {
        throw invalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
      }
      authorizeKmsRead(object.segments.map((segment) => segment.envelope), ctx, deps.kms) // SSE-KMS source: kms:Decrypt
      const encryption = await encryptionForWrite(input, bucket, ctx, deps.kms) // SSE-C target: the x-amz-server-side-encryption-customer-* key
      const access = objectWriteAccess(deps, bucket, input, ctx) // owner and ACL, as Object Ownership says
      const received = await receiveBody(files, files.read(segmentsToRead(object.segments, copySourceKey(input), ctx.secure), 0, object.size), input.ChecksumAlgorithm ? { algorithm: input.ChecksumAlgorithm as 'CRC32' } : {}, encryption.setting)
      const stamp = newVersion(bucket, clock, ids)
      const copy: StoredObject = {
        bucket: bucket.name, key: input.Key, versionId: stamp.versionId, sequence: stamp.sequence, ownerAccountId: access.ownerAccountId,
        isLatest: true, isDeleteMarker: false, size: received.size, etag: `"${received.md5}"`, lastModified: clock.now(),
        ...(access.acl && { acl: access.acl }),
        storageClass: input.StorageClass !== undefined ? storageClassOf(input) : object.storageClass,
        headers: directive === 'REPLACE' ? contentHeadersOf(input) : object.headers,
        metadata: directive === 'REPLACE' ? metadataOf(input) : object.metadata,
        tags: tagging === 'REPLACE' ? (input.Tagging === undefined ? {} : parseTaggingHeader(input.Tagging)) : object.tags,
        ...(received.checksum ? { checksum: received.checksum } : object.checksum && object.checksum.type === 'FULL_OBJECT' && { checksum: object.checksum }),
        segments: [received.segment], encryption: encryption.reported,
      }
      await commitVersion(database, files, copy, stamp.replacesNull)
      return {
        CopyObjectResult: { ETag: copy.etag, LastModified: copy.lastModified, ...(copy.checksum && { [`Checksum${copy.checksum.algorithm}`]: copy.checksum.value }) },
        ...(object.versionId !== NULL_VERSION && { CopySourceVersionId: object.versionId }),
        ...(bucket.versioning === 'Enabled' && { VersionId: stamp.versionId }),
        ...encryptionResponse(encryption.reported),
      }
    },
  } satisfies Partial<S3Api>
}
