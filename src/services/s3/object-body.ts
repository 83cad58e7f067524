// Receiving object data: the body as a stream (or a buffer), counted against S3's size limit, hashed for the ETag
// (MD5) and the checksum the client asked for, then checked against Content-MD5 and x-amz-checksum-* once it ends.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
import { createHash } from 'node:crypto'
import { CHECKSUM_BYTES, checksumOf, type ChecksumAlgorithm } from '../../core/checksums.js'
import type { SealSetting } from './encryption/object-cipher.js'
import type { ObjectFiles, StoredSegment } from './object-files.js'
import type { StoredChecksum } from './object-store.js'
import { badDigest, entityTooLarge, invalidDigest, invalidRequest } from './s3-errors.js'

/** A single PUT (PutObject, UploadPart, a copy) carries at most 5 GiB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html). */
export const MAX_SINGLE_UPLOAD_BYTES = 5 * 1024 ** 3

/** The checksum members S3's model puts on uploads (CRC64NVME is not in Palisade's model version). */
export interface ChecksumMembers {
  readonly ChecksumAlgorithm?: string
  readonly ChecksumCRC32?: string
  readonly ChecksumCRC32C?: string
  readonly ChecksumSHA1?: string
  readonly ChecksumSHA256?: string
}

export interface ReceivedBody {
  readonly segment: StoredSegment
  readonly size: number
  /** Hex MD5 of the bytes: a single-part ETag without its quotes. */
  readonly md5: string
  readonly checksum?: StoredChecksum
}

const CHECKSUM_MEMBERS: readonly (readonly [keyof ChecksumMembers, ChecksumAlgorithm])[] = [
  ['ChecksumCRC32', 'CRC32'],
  ['ChecksumCRC32C', 'CRC32C'],
  ['ChecksumSHA1', 'SHA1'],
  ['ChecksumSHA256', 'SHA256'],
]

const SUPPORTED: ReadonlySet<string> = new Set(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'])

/** What the request says the body's checksum is, checked for form before any byte is read. */
export interface ExpectedDigests {
  readonly md5?: string
  readonly algorithm?: ChecksumAlgorithm
  readonly checksum?: string
}

export function expectedDigests(input: ChecksumMembers & { readonly ContentMD5?: string }): ExpectedDigests {
  if (input.ContentMD5 !== undefined && Buffer.from(input.ContentMD5, 'base64').length !== 16) throw invalidDigest()
  const given = CHECKSUM_MEMBERS.filter(([member]) => input[member] !== undefined)
  if (given.length > 1) throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.')
  const [member, algorithm] = given[0] ?? []
  if (member && algorithm) {
    const value = input[member]!
    if (Buffer.from(value, 'base64').length !== CHECKSUM_BYTES[algorithm]) throw invalidRequest(`Value for x-amz-checksum-${algorithm.toLowerCase()} header is invalid.`)
    if (input.ChecksumAlgorithm !== undefined && input.ChecksumAlgorithm !== algorithm) {
      throw invalidRequest(`Value for x-amz-sdk-checksum-algorithm header is invalid.`)
    }
    return { ...(input.ContentMD5 !== undefined && { md5: input.ContentMD5 }), algorithm, checksum: value }
  }
  const requested = input.ChecksumAlgorithm
  if (requested !== undefined && !SUPPORTED.has(requested)) throw invalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.')
  return { ...(input.ContentMD5 !== undefined && { md5: input.ContentMD5 }), ...(requested !== undefined && { algorithm: requested as ChecksumAlgorithm }) }
}

/**
 * Streams `body` into a new data file and checks it. On any failure (the client's stream failing its signature or
 * payload hash, a digest mismatch, the size limit) the file is removed and nothing else has happened.
 */
export async function receiveBody(files: ObjectFiles, body: unknown, expected: ExpectedDigests, setting: SealSetting): Promise<ReceivedBody> {
  const md5 = createHash('md5')
  const checksum = expected.algorithm && checksumOf(expected.algorithm)
  let size = 0
  async function* observed(): AsyncGenerator<Buffer> {
    for await (const chunk of byteSource(body)) {
      size += chunk.length
      if (size > MAX_SINGLE_UPLOAD_BYTES) throw entityTooLarge(size, MAX_SINGLE_UPLOAD_BYTES)
      md5.update(chunk)
      checksum?.update(chunk)
      yield chunk
    }
  }
  const segment = await files.write(observed(), setting)
  const digest = md5.digest()
  const computed = checksum?.digest()
  const problem = expected.md5 !== undefined && !digest.equals(Buffer.from(expected.md5, 'base64'))
    ? badDigest()
    : expected.checksum !== undefined && computed !== expected.checksum
      ? badDigest(`The ${expected.algorithm} you specified did not match the calculated checksum.`)
      : undefined
  if (problem) {
    await files.remove([segment.file])
    throw problem
  }
  return {
    segment,
    size,
    md5: digest.toString('hex'),
    ...(expected.algorithm && computed !== undefined && { checksum: { algorithm: expected.algorithm, value: computed, type: 'FULL_OBJECT' as const } }),
  }
}

/** A payload member as the codec hands it over: a stream for uploads, a buffer otherwise, absent for no body. */
export async function* byteSource(body: unknown): AsyncGenerator<Buffer> {
  if (body === undefined || body === null) return
  if (body instanceof Uint8Array) {
    if (body.length > 0) yield Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    return
  }
  if (typeof body === 'string') {
    yield Buffer.from(body)
    return
  }
  yield* body as AsyncIterable<Buffer>
}
