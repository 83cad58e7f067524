// SSE-C: objects encrypted with a key the customer sends with every request and S3 never stores
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html). The headers are
// checked (AES256, a 256-bit key, its MD5); the object keeps only a salted HMAC of the key, to tell a wrong key
// from the right one on later reads.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { AwsError } from '../../../core/aws-error.js'
import { invalidArgument, invalidRequest } from '../s3-errors.js'
import type { StoredSegment } from '../object-files.js'
import type { CipherEnvelope } from './object-cipher.js'

export interface CustomerKeyHeaders {
  readonly SSECustomerAlgorithm?: string
  readonly SSECustomerKey?: Uint8Array | string
  readonly SSECustomerKeyMD5?: string
}

export interface CustomerKey {
  readonly key: Buffer
  /** Base64 MD5 of the key, as the x-amz-server-side-encryption-customer-key-MD5 header carries it. */
  readonly md5: string
}

/**
 * The customer key a request carries, checked; undefined when it carries none of the three headers. A key sent
 * over plain HTTP is refused: "Amazon S3 rejects any requests made over HTTP when using SSE-C"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html).
 */
export function customerKey(input: CustomerKeyHeaders, secure: boolean | undefined): CustomerKey | undefined {
  if (input.SSECustomerAlgorithm === undefined && input.SSECustomerKey === undefined && input.SSECustomerKeyMD5 === undefined) return undefined
  if (secure === false) throw invalidRequest('Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.')
  if (input.SSECustomerAlgorithm === undefined) {
    throw invalidArgument('Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.', 'x-amz-server-side-encryption')
  }
  if (input.SSECustomerAlgorithm !== 'AES256') {
    throw invalidArgument('The encryption algorithm specified is not valid.', 'x-amz-server-side-encryption-customer-algorithm', input.SSECustomerAlgorithm)
  }
  if (input.SSECustomerKey === undefined) {
    throw invalidArgument('Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.', 'x-amz-server-side-encryption-customer-key')
  }
  const key = typeof input.SSECustomerKey === 'string' ? Buffer.from(input.SSECustomerKey, 'base64') : Buffer.from(input.SSECustomerKey)
  if (key.length !== 32) throw invalidArgument('The secret key was invalid for the specified algorithm.', 'x-amz-server-side-encryption-customer-key')
  const md5 = createHash('md5').update(key).digest('base64')
  if (input.SSECustomerKeyMD5 === undefined) {
    throw invalidArgument('Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.', 'x-amz-server-side-encryption-customer-key-MD5')
  }
  if (!safeEqual(Buffer.from(input.SSECustomerKeyMD5), Buffer.from(md5))) {
    throw invalidArgument('The calculated MD5 hash of the key did not match the hash that was provided.', 'x-amz-server-side-encryption-customer-key-MD5')
  }
  return { key, md5 }
}

/** The salted HMAC an SSE-C envelope keeps of its key. */
export function keyFingerprint(key: Buffer, salt: Buffer): string {
  return createHmac('sha256', salt).update(key).digest('base64')
}

/** What a pending multipart upload keeps of its customer key: enough to recognise it in each part, never to recover it. */
export interface CustomerKeyFingerprint {
  readonly salt: string
  readonly keyHmac: string
}

export function fingerprintOf(key: Buffer, salt: Buffer): CustomerKeyFingerprint {
  return { salt: salt.toString('base64'), keyHmac: keyFingerprint(key, salt) }
}

/**
 * The customer key an UploadPart (or UploadPartCopy) encrypts its part with: the upload's own, which every part
 * request must carry (https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html); undefined for an upload
 * without SSE-C, which refuses customer-key headers.
 */
export function partCustomerKey(upload: CustomerKeyFingerprint | undefined, input: CustomerKeyHeaders, secure: boolean | undefined): Buffer | undefined {
  const given = customerKey(input, secure)
  if (!upload) {
    if (given) throw invalidRequest('The provided encryption parameters did not match the ones used originally.')
    return undefined
  }
  if (!given) throw invalidRequest('The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.')
  if (!safeEqual(Buffer.from(keyFingerprint(given.key, Buffer.from(upload.salt, 'base64'))), Buffer.from(upload.keyHmac))) {
    throw invalidRequest('The provided encryption parameters did not match the ones used originally.')
  }
  return given.key
}

/**
 * The segments of an object ready to read with the request's customer key: an SSE-C object needs the right key
 * (InvalidRequest without one, AccessDenied for a wrong one); other objects refuse customer-key headers.
 */
export function segmentsToRead(segments: readonly StoredSegment[], input: CustomerKeyHeaders, secure: boolean | undefined): readonly StoredSegment[] {
  const given = customerKey(input, secure)
  const encrypted = segments.some((segment) => segment.envelope.kind === 'SSE-C')
  if (!encrypted) {
    if (given) throw invalidRequest('The encryption parameters are not applicable to this object.')
    return segments
  }
  if (!given) {
    throw invalidRequest('The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.')
  }
  return segments.map((segment) => {
    const envelope = segment.envelope
    if (envelope.kind !== 'SSE-C') return segment
    if (!safeEqual(Buffer.from(keyFingerprint(given.key, Buffer.from(envelope.salt, 'base64'))), Buffer.from(envelope.keyHmac))) {
      throw new AwsError('AccessDenied', 403, 'The provided customer key does not match the key the object was encrypted with.')
    }
    // The key rides along in memory for this read only; stored envelopes never hold it.
    const withKey: CipherEnvelope = { ...envelope, customerKey: given.key.toString('base64') }
    return { ...segment, envelope: withKey }
  })
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The x-amz-copy-source-server-side-encryption-customer-* headers, for reading an SSE-C copy source. */
export function copySourceKey(input: { readonly CopySourceSSECustomerAlgorithm?: string; readonly CopySourceSSECustomerKey?: Uint8Array | string; readonly CopySourceSSECustomerKeyMD5?: string }): CustomerKeyHeaders {
  return {
    ...(input.CopySourceSSECustomerAlgorithm !== undefined && { SSECustomerAlgorithm: input.CopySourceSSECustomerAlgorithm }),
    ...(input.CopySourceSSECustomerKey !== undefined && { SSECustomerKey: input.CopySourceSSECustomerKey }),
    ...(input.CopySourceSSECustomerKeyMD5 !== undefined && { SSECustomerKeyMD5: input.CopySourceSSECustomerKeyMD5 }),
  }
}
