// The object a copy reads (CopyObject, UploadPartCopy): the x-amz-copy-source header, its version, and the
// x-amz-copy-source-if-* conditions, which fail with 412 either way
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
import { AwsError } from '../../core/aws-error.js'
import type { BucketIndex } from './bucket-index.js'
import { requireBucket } from './bucket-lookup.js'
import { etagMatches, objectToRead } from './object-read.js'
import type { ObjectStore, StoredObject } from './object-store.js'
import { invalidArgument, preconditionFailed } from './s3-errors.js'

export interface CopySource {
  readonly bucket: string
  readonly key: string
  readonly versionId?: string
}

export interface CopyConditions {
  readonly CopySourceIfMatch?: string
  readonly CopySourceIfNoneMatch?: string
  readonly CopySourceIfModifiedSince?: Date
  readonly CopySourceIfUnmodifiedSince?: Date
}

/** `bucket/key` or `/bucket/key`, URL-encoded, optionally `?versionId=…`. */
export function parseCopySource(header: string): CopySource {
  const [path = '', query = ''] = header.split('?', 2)
  const trimmed = path.startsWith('/') ? path.slice(1) : path
  const slash = trimmed.indexOf('/')
  const invalid = () => invalidArgument('Invalid copy source object key', 'x-amz-copy-source', header)
  if (slash <= 0 || slash === trimmed.length - 1) throw invalid()
  let bucket: string
  let key: string
  try {
    bucket = decodeURIComponent(trimmed.slice(0, slash))
    key = decodeURIComponent(trimmed.slice(slash + 1))
  } catch {
    throw invalid()
  }
  const versionId = query === '' ? undefined : new URLSearchParams(query).get('versionId') ?? undefined
  return { bucket, key, ...(versionId !== undefined && { versionId }) }
}

/** What a copy request says of its source: the header, its conditions and the source bucket's expected owner. */
export interface CopyRequest extends CopyConditions {
  readonly CopySource: string
  readonly ExpectedSourceBucketOwner?: string
}

/**
 * The source object `input` (the call's input) names, with its conditions checked. The copy's authorization
 * (withObjectAuthorization) has usually looked it up already for this input, and that row is used.
 */
export async function readCopySource(buckets: BucketIndex, store: ObjectStore, input: CopyRequest): Promise<{ source: CopySource; object: StoredObject }> {
  const source = parseCopySource(input.CopySource)
  requireBucket(buckets, source.bucket, input.ExpectedSourceBucketOwner)
  const object = await objectToRead(store, source.bucket, source.key, source.versionId, input).catch((error: unknown) => {
    // A delete marker named by version is 400 InvalidRequest for a copy, not 405.
    if (error instanceof AwsError && error.code === 'MethodNotAllowed') throw new AwsError('InvalidRequest', 400, 'The source of a copy request may not specifically refer to a delete marker by version id.')
    throw error
  })
  checkCopyConditions(object, input)
  return { source, object }
}

function checkCopyConditions(object: StoredObject, conditions: CopyConditions): void {
  const modified = Math.floor(object.lastModified.getTime() / 1000)
  const matches = (condition: string) => etagMatches(condition, object.etag)
  if (conditions.CopySourceIfMatch !== undefined) {
    if (!matches(conditions.CopySourceIfMatch)) throw preconditionFailed('x-amz-copy-source-If-Match')
  } else if (conditions.CopySourceIfUnmodifiedSince !== undefined && modified > Math.floor(conditions.CopySourceIfUnmodifiedSince.getTime() / 1000)) {
    throw preconditionFailed('x-amz-copy-source-If-Unmodified-Since')
  }
  if (conditions.CopySourceIfNoneMatch !== undefined) {
    if (matches(conditions.CopySourceIfNoneMatch)) throw preconditionFailed('x-amz-copy-source-If-None-Match')
  } else if (conditions.CopySourceIfModifiedSince !== undefined && modified <= Math.floor(conditions.CopySourceIfModifiedSince.getTime() / 1000)) {
    throw preconditionFailed('x-amz-copy-source-If-Modified-Since')
  }
}
