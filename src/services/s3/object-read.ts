// Reading an object: which version a request names (and S3's answers for a missing one or a delete marker), the
// conditional headers, the byte range, and the headers every GetObject/HeadObject response carries.
import { AwsError } from '../../core/aws-error.js'
import type { ObjectStore, StoredObject } from './object-store.js'
import { invalidArgument, invalidRange, methodNotAllowed, noSuchKey, noSuchVersion, notModified, preconditionFailed } from './s3-errors.js'

// The object the object-decided authorization (access/object-authorization.ts) found for a call's input (for a copy,
// its source): the handler then reads that row instead of looking the same object up a second time on every GET and
// HEAD (and copy).
const lookedUp = new WeakMap<object, StoredObject>()

/** Notes the live object (never a delete marker) authorization found for `input`. */
export function rememberLookup(input: object, object: StoredObject): void {
  lookedUp.set(input, object)
}

/**
 * The object a read names; delete markers answer as S3 does (404 for the latest, 405 for a named version). `input`:
 * the call's input, whose object authorization may already have looked up.
 */
export async function objectToRead(store: ObjectStore, bucket: string, key: string, versionId: string | undefined, input?: object): Promise<StoredObject> {
  const known = input && lookedUp.get(input)
  if (known) return known
  if (versionId !== undefined) {
    checkVersionId(versionId)
    const version = await store.version(bucket, key, versionId)
    if (!version) throw noSuchVersion(key, versionId)
    if (version.isDeleteMarker) throw methodNotAllowed('GET', 'DeleteMarker', deleteMarkerHeaders(version))
    return version
  }
  const latest = await store.latest(bucket, key)
  if (!latest) throw noSuchKey(key)
  if (latest.isDeleteMarker) {
    throw new AwsError('NoSuchKey', 404, 'The specified key does not exist.', { fields: { Key: key }, headers: deleteMarkerHeaders(latest) })
  }
  return latest
}

/** S3's version ids are opaque; ours and 'null' are URL-safe text, and anything else cannot name a version. */
export function checkVersionId(versionId: string): void {
  if (versionId === '' || versionId.length > 1024) throw invalidArgument('Invalid version id specified', 'versionId', versionId)
}

function deleteMarkerHeaders(marker: StoredObject): Record<string, string> {
  return { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId }
}

export interface Conditions {
  readonly IfMatch?: string
  readonly IfNoneMatch?: string
  readonly IfModifiedSince?: Date
  readonly IfUnmodifiedSince?: Date
}

/**
 * RFC 7232 as S3 applies it (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html): If-Match decides
 * over If-Unmodified-Since (412), If-None-Match over If-Modified-Since (304). Dates compare at whole seconds, the
 * precision of HTTP dates.
 */
export function checkConditions(object: StoredObject, conditions: Conditions): void {
  const modified = Math.floor(object.lastModified.getTime() / 1000)
  if (conditions.IfMatch !== undefined) {
    if (!etagMatches(conditions.IfMatch, object.etag)) throw preconditionFailed('If-Match')
  } else if (conditions.IfUnmodifiedSince !== undefined && modified > Math.floor(conditions.IfUnmodifiedSince.getTime() / 1000)) {
    throw preconditionFailed('If-Unmodified-Since')
  }
  if (conditions.IfNoneMatch !== undefined) {
    if (etagMatches(conditions.IfNoneMatch, object.etag)) throw notModified(validatorHeaders(object))
  } else if (conditions.IfModifiedSince !== undefined && modified <= Math.floor(conditions.IfModifiedSince.getTime() / 1000)) {
    throw notModified(validatorHeaders(object))
  }
}

/** Whether an If-Match/If-None-Match value (a comma-separated list of ETags, or `*`) names `etag`. */
export function etagMatches(condition: string, etag: string): boolean {
  return condition.split(',').some((candidate) => {
    const value = candidate.trim()
    return value === '*' || unquote(value) === unquote(etag)
  })
}

export function unquote(etag: string): string {
  const bare = etag.startsWith('W/') ? etag.slice(2) : etag
  return bare.startsWith('"') && bare.endsWith('"') && bare.length >= 2 ? bare.slice(1, -1) : bare
}

function validatorHeaders(object: StoredObject): Record<string, string> {
  return { etag: object.etag, 'last-modified': object.lastModified.toUTCString() }
}

export interface ByteRange {
  readonly start: number
  /** Exclusive. */
  readonly end: number
}

/**
 * The one range of a `Range: bytes=…` header S3 serves; undefined (the whole object) for a header it ignores —
 * one that does not parse, or names several ranges. A range starting beyond the object is InvalidRange (416).
 */
export function byteRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match) return undefined
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return undefined
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0) throw invalidRange(size, header)
    return { start: Math.max(0, size - suffix), end: size }
  }
  const start = Number(first)
  const end = last === '' ? size : Math.min(Number(last) + 1, size)
  if (last !== '' && Number(last) < start) return undefined
  if (start >= size) throw invalidRange(size, header)
  return { start, end }
}

/** A part of a multipart object (GetObject/HeadObject partNumber): its byte range among the segments. */
export function partRange(object: StoredObject, partNumber: number): ByteRange {
  const parts = object.partsCount ?? 1
  if (partNumber < 1 || partNumber > parts) {
    throw new AwsError('InvalidPartNumber', 416, 'The requested partnumber is not satisfiable', { fields: { PartNumberRequested: partNumber, ActualPartCount: parts } })
  }
  if (object.partsCount === undefined) return { start: 0, end: object.size }
  let start = 0
  for (let index = 0; index < partNumber - 1; index++) start += object.segments[index]!.size
  return { start, end: start + object.segments[partNumber - 1]!.size }
}
