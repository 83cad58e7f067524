// The stored description of an object (content headers, user metadata, storage class) from a write's input, and the
// response members GetObject and HeadObject derive from it.
import { AwsError } from '../../core/aws-error.js'
import type { StorageClass } from '../../generated/s3/types.js'
import { encryptionResponse } from './encryption/write-encryption.js'
import type { ContentHeaders, StoredObject } from './object-store.js'

/** User metadata (x-amz-meta-* names and values) is at most 2 KB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html). */
const MAX_METADATA_BYTES = 2 * 1024

const STORAGE_CLASSES: ReadonlySet<string> = new Set([
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR',
])

export interface HeaderMembers {
  readonly ContentType?: string
  readonly CacheControl?: string
  readonly ContentDisposition?: string
  readonly ContentEncoding?: string
  readonly ContentLanguage?: string
  readonly Expires?: Date
  readonly WebsiteRedirectLocation?: string
  readonly Metadata?: Record<string, string>
  readonly StorageClass?: string
}

export function contentHeadersOf(input: HeaderMembers): ContentHeaders {
  // aws-chunked is how the upload was framed, not how the object is encoded: S3 drops it.
  const encoding = input.ContentEncoding?.split(',').map((part) => part.trim()).filter((part) => part !== '' && part !== 'aws-chunked').join(',')
  return {
    ContentType: input.ContentType ?? 'binary/octet-stream',
    ...(input.CacheControl !== undefined && { CacheControl: input.CacheControl }),
    ...(input.ContentDisposition !== undefined && { ContentDisposition: input.ContentDisposition }),
    ...(encoding && { ContentEncoding: encoding }),
    ...(input.ContentLanguage !== undefined && { ContentLanguage: input.ContentLanguage }),
    ...(input.Expires !== undefined && { Expires: input.Expires.toUTCString() }),
    ...(input.WebsiteRedirectLocation !== undefined && { WebsiteRedirectLocation: input.WebsiteRedirectLocation }),
  }
}

export function metadataOf(input: HeaderMembers): Record<string, string> {
  const metadata = input.Metadata ?? {}
  const size = Object.entries(metadata).reduce((total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value), 0)
  if (size > MAX_METADATA_BYTES) {
    throw new AwsError('MetadataTooLarge', 400, 'Your metadata headers exceed the maximum allowed metadata size.', { fields: { Size: size, MaxSizeAllowed: MAX_METADATA_BYTES } })
  }
  return { ...metadata }
}

export function storageClassOf(input: HeaderMembers): string {
  const storageClass = input.StorageClass ?? 'STANDARD'
  if (!STORAGE_CLASSES.has(storageClass)) throw new AwsError('InvalidStorageClass', 400, 'The storage class you specified is not valid', { fields: { StorageClassRequested: storageClass } })
  return storageClass
}

/** The members GetObject and HeadObject share. */
export function objectResponseMembers(object: StoredObject, versioned: boolean) {
  const { headers } = object
  return {
    AcceptRanges: 'bytes',
    ETag: object.etag,
    LastModified: object.lastModified,
    ContentType: headers.ContentType,
    ...(headers.CacheControl !== undefined && { CacheControl: headers.CacheControl }),
    ...(headers.ContentDisposition !== undefined && { ContentDisposition: headers.ContentDisposition }),
    ...(headers.ContentEncoding !== undefined && { ContentEncoding: headers.ContentEncoding }),
    ...(headers.ContentLanguage !== undefined && { ContentLanguage: headers.ContentLanguage }),
    ...(headers.Expires !== undefined && { ExpiresString: headers.Expires }),
    ...(headers.WebsiteRedirectLocation !== undefined && { WebsiteRedirectLocation: headers.WebsiteRedirectLocation }),
    Metadata: { ...object.metadata },
    ...encryptionResponse(object.encryption),
    // S3 leaves the header out for STANDARD.
    ...(object.storageClass !== 'STANDARD' && { StorageClass: object.storageClass as StorageClass }),
    ...(versioned && { VersionId: object.versionId }),
    ...(Object.keys(object.tags).length > 0 && { TagCount: Object.keys(object.tags).length }),
    ...(object.partsCount !== undefined && { PartsCount: object.partsCount }),
  }
}

/** The response-* query parameters override headers of a GetObject answer, for signed requests only. */
export interface ResponseOverrides {
  readonly ResponseCacheControl?: string
  readonly ResponseContentDisposition?: string
  readonly ResponseContentEncoding?: string
  readonly ResponseContentLanguage?: string
  readonly ResponseContentType?: string
  readonly ResponseExpires?: Date
}

export function responseOverrides(input: ResponseOverrides, anonymous: boolean) {
  const given = Object.entries(input).filter(([name, value]) => name.startsWith('Response') && value !== undefined)
  if (given.length > 0 && anonymous) {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html ("Overriding response header values").
    throw new AwsError('InvalidRequest', 400, 'Request specific response headers cannot be used for anonymous GET requests.')
  }
  return {
    ...(input.ResponseCacheControl !== undefined && { CacheControl: input.ResponseCacheControl }),
    ...(input.ResponseContentDisposition !== undefined && { ContentDisposition: input.ResponseContentDisposition }),
    ...(input.ResponseContentEncoding !== undefined && { ContentEncoding: input.ResponseContentEncoding }),
    ...(input.ResponseContentLanguage !== undefined && { ContentLanguage: input.ResponseContentLanguage }),
    ...(input.ResponseContentType !== undefined && { ContentType: input.ResponseContentType }),
    ...(input.ResponseExpires !== undefined && { ExpiresString: input.ResponseExpires.toUTCString() }),
  }
}
