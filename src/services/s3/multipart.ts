// Multipart uploads: create, upload part (and part copy), complete, abort, list uploads and parts. Each part is its
// own encrypted data file; completing an upload makes those files the object's segments, without copying bytes.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
import { createHash } from 'node:crypto'
import { checksumBase64, type ChecksumAlgorithm as CoreChecksumAlgorithm } from '../../core/checksums.js'
import { AwsError } from '../../core/aws-error.js'
import type { S3Api } from '../../generated/s3/api.js'
import type { ChecksumAlgorithm } from '../../generated/s3/types.js'
import { requireBucket } from './bucket-lookup.js'
import { readCopySource } from './copy-source.js'
import { objectWriteAccess } from './access/object-write-access.js'
import { copySourceKey, fingerprintOf, partCustomerKey, segmentsToRead, type CustomerKeyHeaders } from './encryption/sse-c.js'
import type { SealSetting } from './encryption/object-cipher.js'
import { authorizeKmsRead } from './encryption/sse-kms.js'
import { encryptionForWrite, encryptionResponse } from './encryption/write-encryption.js'
import { checkMaxKeys, keyEncoder } from './listing.js'
import { expectedDigests, receiveBody, type ReceivedBody } from './object-body.js'
import { contentHeadersOf, metadataOf, storageClassOf } from './object-headers.js'
import { byteRange } from './object-read.js'
import { objectStore, type StoredObject } from './object-store.js'
import { multipartStore, type MultipartUpload, type StoredPart, type UploadSeal } from './multipart-store.js'
import { commitVersion, newVersion } from './object-versions.js'
import { ownerOf } from './owner.js'
import type { S3Deps } from './s3-deps.js'
import { entityTooSmall, invalidArgument, invalidRequest, malformedXml, noSuchUpload } from './s3-errors.js'
import { parseTaggingHeader } from './tags.js'

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html
const MIN_PART_BYTES = 5 * 1024 * 1024
const MAX_PART_NUMBER = 10_000
const MAX_PARTS_PER_PAGE = 1000
const MAX_UPLOADS_PER_PAGE = 1000

export function multipartOperations(deps: S3Deps) {
  const { database, buckets, files, clock, ids } = deps

  async function requireUpload(bucket: string, uploadId: string, key: string): Promise<MultipartUpload> {
    const upload = await multipartStore(database.db).upload(bucket, uploadId)
    if (!upload || upload.key !== key) throw noSuchUpload(uploadId)
    return upload
  }

  /** Stores a received part, replacing one with the same number; removes the part's file if the upload vanished meanwhile. */
  async function storePart(upload: MultipartUpload, partNumber: number, received: ReceivedBody): Promise<StoredPart> {
    const part: StoredPart = {
      partNumber, size: received.size, etag: `"${received.md5}"`, lastModified: clock.now(),
      ...(received.checksum && { checksum: received.checksum }), segment: received.segment,
    }
    let replaced: string | undefined
    try {
      replaced = await database.transaction(async (tx) => {
        const store = multipartStore(tx)
        if (!(await store.upload(upload.bucket, upload.uploadId))) throw noSuchUpload(upload.uploadId) // aborted while the part arrived
        return store.putPart(upload.bucket, upload.uploadId, part)
      })
    } catch (error) {
      await files.remove([received.segment.file])
      throw error
    }
    if (replaced) await files.remove([replaced])
    return part
  }

  return {
    async CreateMultipartUpload(input, ctx) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const encryption = await encryptionForWrite(input, bucket, ctx, deps.kms)
      const access = objectWriteAccess(deps, bucket, input, ctx) // owner and ACL of the object it completes into
      const algorithm = input.ChecksumAlgorithm
      if (algorithm !== undefined && !['CRC32', 'CRC32C', 'SHA1', 'SHA256'].includes(algorithm)) {
        throw invalidRequest('Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, SHA1, SHA256]')
      }
      const upload: MultipartUpload = {
        bucket: bucket.name, uploadId: ids.bytes(48).toString('base64url'), key: input.Key, accountId: ctx.accountId,
        initiatorArn: ctx.caller.arn, initiated: clock.now(), storageClass: storageClassOf(input),
        settings: {
          headers: contentHeadersOf(input), metadata: metadataOf(input),
          tags: input.Tagging === undefined ? {} : parseTaggingHeader(input.Tagging),
          ...(algorithm !== undefined && { checksumAlgorithm: algorithm as 'CRC32', checksumType: 'COMPOSITE' as const }),
          encryption: encryption.reported, seal: uploadSeal(encryption.setting, ids.bytes(16)),
          owner: access.ownerAccountId, ...(access.acl && { acl: access.acl }),
        },
      }
      await database.transaction((tx) => multipartStore(tx).insertUpload(upload))
      return {
        Bucket: bucket.name, Key: input.Key, UploadId: upload.uploadId,
        ...encryptionResponse(encryption.reported),
        ...(algorithm !== undefined && { ChecksumAlgorithm: algorithm }),
      }
    },

    async UploadPart(input, ctx) {
      requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      checkPartNumber(input.PartNumber)
      const upload = await requireUpload(input.Bucket, input.UploadId, input.Key)
      const seal = partSeal(upload, input, ctx.secure)
      const expected = expectedDigests({ ...input, ChecksumAlgorithm: input.ChecksumAlgorithm ?? upload.settings.checksumAlgorithm })
      const received = await receiveBody(files, input.Body, expected, seal)
      const part = await storePart(upload, input.PartNumber, received)
      return {
        ETag: part.etag, ...encryptionResponse(upload.settings.encryption),
        ...(part.checksum && { [`Checksum${part.checksum.algorithm}`]: part.checksum.value }),
      }
    },

    async UploadPartCopy(input, ctx) {
      requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      checkPartNumber(input.PartNumber)
      const upload = await requireUpload(input.Bucket, input.UploadId, input.Key)
      const seal = partSeal(upload, input, ctx.secure)
      const { object } = await readCopySource(buckets, objectStore(database.db), input)
      authorizeKmsRead(object.segments.map((segment) => segment.envelope), ctx, deps.kms)
      const range = copyRange(input.CopySourceRange, object.size)
      const source = files.read(segmentsToRead(object.segments, copySourceKey(input), ctx.secure), range.start, range.end)
      const received = await receiveBody(files, source, upload.settings.checksumAlgorithm ? { algorithm: upload.settings.checksumAlgorithm } : {}, seal)
      const part = await storePart(upload, input.PartNumber, received)
      return {
        CopyPartResult: { ETag: part.etag, LastModified: part.lastModified, ...(part.checksum && { [`Checksum${part.checksum.algorithm}`]: part.checksum.value }) },
        ...(object.versionId !== 'null' && { CopySourceVersionId: object.versionId }),
        ...encryptionResponse(upload.settings.encryption),
      }
    },

    async CompleteMultipartUpload(input, ctx) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const upload = await requireUpload(bucket.name, input.UploadId, input.Key)
      const requested = input.MultipartUpload?.Parts ?? []
      if (requested.length === 0) throw malformedXml()
      const stored = new Map((await multipartStore(database.db).parts(bucket.name, upload.uploadId)).map((part) => [part.partNumber, part]))
      const chosen: StoredPart[] = []
      // The whole list is checked for order before any part is looked at.
      requested.forEach(({ PartNumber }, index) => {
        if (PartNumber === undefined || (index > 0 && PartNumber <= requested[index - 1]!.PartNumber!)) {
          throw new AwsError('InvalidPartOrder', 400, 'The list of parts was not in ascending order. The parts list must be specified in order by part number.')
        }
      })
      for (const [index, { PartNumber = 0, ETag }] of requested.entries()) {
        const part = stored.get(PartNumber)
        if (!part || ETag === undefined || stripQuotes(ETag) !== stripQuotes(part.etag)) {
          throw new AwsError('InvalidPart', 400, 'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.', {
            fields: { UploadId: upload.uploadId, PartNumber, ...(ETag !== undefined && { ETag }) },
          })
        }
        if (index < requested.length - 1 && part.size < MIN_PART_BYTES) {
          throw entityTooSmall(part.size, MIN_PART_BYTES, { PartNumber, ETag: part.etag })
        }
        chosen.push(part)
      }
      // The ETag of a multipart object: the MD5 of the parts' binary MD5s, then `-` and the number of parts.
      const md5s = createHash('md5')
      for (const part of chosen) md5s.update(Buffer.from(stripQuotes(part.etag), 'hex'))
      const etag = `"${md5s.digest('hex')}-${chosen.length}"`
      const algorithm = upload.settings.checksumAlgorithm
      const checksum = algorithm && chosen.every((part) => part.checksum?.algorithm === algorithm)
        ? { algorithm, value: `${compositeChecksum(algorithm, chosen)}-${chosen.length}`, type: 'COMPOSITE' as const }
        : undefined
      const stamp = newVersion(bucket, clock, ids)
      const object: StoredObject = {
        bucket: bucket.name, key: upload.key, versionId: stamp.versionId, sequence: stamp.sequence, ownerAccountId: upload.settings.owner ?? ctx.accountId,
        isLatest: true, isDeleteMarker: false, size: chosen.reduce((total, part) => total + part.size, 0), etag, lastModified: clock.now(),
        storageClass: upload.storageClass, headers: upload.settings.headers, metadata: upload.settings.metadata, tags: upload.settings.tags,
        ...(checksum && { checksum }), segments: chosen.map((part) => part.segment), encryption: upload.settings.encryption,
        ...(upload.settings.acl !== undefined && { acl: upload.settings.acl }), partsCount: chosen.length,
      }
      const used = new Set(chosen.map((part) => part.segment.file))
      const freed = await database.transaction(async (tx) => {
        const uploads = multipartStore(tx)
        if (!(await uploads.upload(bucket.name, upload.uploadId))) throw noSuchUpload(upload.uploadId)
        const partFiles = await uploads.deleteUpload(bucket.name, upload.uploadId)
        const replaced = await objectStore(tx).insertLatest(object, stamp.replacesNull)
        return [...partFiles.filter((file) => !used.has(file)), ...replaced]
      })
      await files.remove(freed)
      return {
        Location: `/${bucket.name}/${encodeURIComponent(upload.key)}`, Bucket: bucket.name, Key: upload.key, ETag: etag,
        ...encryptionResponse(upload.settings.encryption),
        ...(bucket.versioning === 'Enabled' && { VersionId: stamp.versionId }),
        ...(checksum && { [`Checksum${checksum.algorithm}`]: checksum.value }),
      }
    },

    async AbortMultipartUpload(input) {
      requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      await requireUpload(input.Bucket, input.UploadId, input.Key)
      const freed = await database.transaction((tx) => multipartStore(tx).deleteUpload(input.Bucket, input.UploadId))
      await files.remove(freed)
      return {}
    },

    async ListParts(input) {
      requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const upload = await requireUpload(input.Bucket, input.UploadId, input.Key)
      const maxParts = Math.min(checkMaxKeys(input.MaxParts, 'max-parts'), MAX_PARTS_PER_PAGE)
      const parts = await multipartStore(database.db).parts(input.Bucket, input.UploadId, { after: input.PartNumberMarker ?? 0, limit: maxParts + 1 })
      const page = parts.slice(0, maxParts)
      const truncated = parts.length > maxParts
      return {
        Bucket: input.Bucket, Key: input.Key, UploadId: input.UploadId, PartNumberMarker: input.PartNumberMarker ?? 0,
        ...(page.length > 0 && { NextPartNumberMarker: page.at(-1)!.partNumber }), MaxParts: maxParts, IsTruncated: truncated,
        Parts: page.map((part) => ({
          PartNumber: part.partNumber, LastModified: part.lastModified, ETag: part.etag, Size: part.size,
          ...(part.checksum && { [`Checksum${part.checksum.algorithm}`]: part.checksum.value }),
        })),
        Initiator: { ID: upload.initiatorArn }, Owner: ownerOf(upload.accountId), StorageClass: upload.storageClass as 'STANDARD',
        ...(upload.settings.checksumAlgorithm !== undefined && { ChecksumAlgorithm: upload.settings.checksumAlgorithm as ChecksumAlgorithm }),
      }
    },

    async ListMultipartUploads(input) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const encode = keyEncoder(input.EncodingType)
      const maxUploads = Math.min(checkMaxKeys(input.MaxUploads, 'max-uploads'), MAX_UPLOADS_PER_PAGE)
      const prefix = input.Prefix ?? ''
      const delimiter = input.Delimiter || undefined
      const all = await multipartStore(database.db).listUploads(bucket.name, {
        prefix, keyMarker: input.KeyMarker ?? '', ...(input.UploadIdMarker && input.KeyMarker && { uploadIdMarker: input.UploadIdMarker }), limit: 10_000,
      })
      // Uploads are few and short-lived: rolling up common prefixes in memory keeps this simple.
      const entries: ({ kind: 'upload'; upload: MultipartUpload } | { kind: 'prefix'; prefix: string })[] = []
      const seen = new Set<string>()
      for (const upload of all) {
        const at = delimiter ? upload.key.indexOf(delimiter, prefix.length) : -1
        if (delimiter && at >= 0) {
          const common = upload.key.slice(0, at + delimiter.length)
          if (!seen.has(common)) entries.push({ kind: 'prefix', prefix: common })
          seen.add(common)
        } else {
          entries.push({ kind: 'upload', upload })
        }
      }
      const page = entries.slice(0, maxUploads)
      const truncated = entries.length > maxUploads
      const last = page.at(-1)
      return {
        Bucket: bucket.name, KeyMarker: encode(input.KeyMarker ?? ''), UploadIdMarker: input.UploadIdMarker ?? '', Prefix: encode(prefix),
        ...(input.Delimiter !== undefined && { Delimiter: encode(input.Delimiter) }), MaxUploads: maxUploads, IsTruncated: truncated,
        ...(input.EncodingType !== undefined && { EncodingType: input.EncodingType }),
        ...(truncated && last && {
          NextKeyMarker: encode(last.kind === 'upload' ? last.upload.key : last.prefix),
          ...(last.kind === 'upload' && { NextUploadIdMarker: last.upload.uploadId }),
        }),
        Uploads: page.flatMap((entry) => entry.kind === 'upload'
          ? [{
              UploadId: entry.upload.uploadId, Key: encode(entry.upload.key), Initiated: entry.upload.initiated,
              StorageClass: entry.upload.storageClass as 'STANDARD', Owner: ownerOf(entry.upload.accountId), Initiator: { ID: entry.upload.initiatorArn },
              ...(entry.upload.settings.checksumAlgorithm !== undefined && { ChecksumAlgorithm: entry.upload.settings.checksumAlgorithm as ChecksumAlgorithm }),
            }]
          : []),
        CommonPrefixes: page.flatMap((entry) => (entry.kind === 'prefix' ? [{ Prefix: encode(entry.prefix) }] : [])),
      }
    },
  } satisfies Partial<S3Api>
}

/** What an upload keeps of its encryption: an SSE-C key only as its salted fingerprint, never the key. */
function uploadSeal(setting: SealSetting, salt: Buffer): UploadSeal {
  return setting.kind === 'SSE-C' ? { kind: 'SSE-C', ...fingerprintOf(setting.key, salt) } : setting
}

/** How one part is encrypted: as the upload says, with the customer key the part request carries again (SSE-C). */
function partSeal(upload: MultipartUpload, input: CustomerKeyHeaders, secure: boolean | undefined): SealSetting {
  const seal = upload.settings.seal
  const key = partCustomerKey(seal.kind === 'SSE-C' ? seal : undefined, input, secure)
  return key ? { kind: 'SSE-C', key } : seal as SealSetting
}

function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', String(partNumber))
  }
}

/** x-amz-copy-source-range: `bytes=first-last`, within the source (https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html). */
function copyRange(header: string | undefined, size: number): { start: number; end: number } {
  if (header === undefined) return { start: 0, end: size }
  const match = /^bytes=(\d+)-(\d+)$/.exec(header.trim())
  if (!match || Number(match[2]) < Number(match[1])) {
    throw invalidArgument('The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', 'x-amz-copy-source-range', header)
  }
  if (Number(match[2]) >= size) {
    throw invalidArgument(`Range specified is not valid for source object of size: ${size}`, 'x-amz-copy-source-range', header)
  }
  return byteRange(header, size) ?? { start: 0, end: size }
}

function stripQuotes(etag: string): string {
  return etag.replace(/^"|"$/g, '')
}

/** A multipart object's checksum: the algorithm over the parts' binary checksums (then `-N`). */
function compositeChecksum(algorithm: string, parts: readonly StoredPart[]): string {
  const combined = Buffer.concat(parts.map((part) => Buffer.from(part.checksum!.value, 'base64')))
  return checksumBase64(algorithm as CoreChecksumAlgorithm, combined)
}
