// Digest files: their content, the string CloudTrail signs (SHA256withRSA), and its verification — the one
// definition both delivery and `palisade trail validate` use
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-custom-validation.html).
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'

export const SIGNATURE_ALGORITHM = 'SHA256withRSA'
export const HASH_ALGORITHM = 'SHA-256'

/** One log file a digest covers; hashValue is the hex SHA-256 of the log file's uncompressed content. */
export interface DigestLogFile {
  readonly s3Bucket: string
  readonly s3Object: string
  readonly hashValue: string
  readonly hashAlgorithm: string
  readonly newestEventTime: string
  readonly oldestEventTime: string
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html */
export interface DigestFile {
  readonly awsAccountId: string
  readonly digestStartTime: string
  readonly digestEndTime: string
  readonly digestS3Bucket: string
  readonly digestS3Object: string
  readonly digestPublicKeyFingerprint: string
  readonly digestSignatureAlgorithm: string
  readonly newestEventTime: string | null
  readonly oldestEventTime: string | null
  readonly previousDigestS3Bucket: string | null
  readonly previousDigestS3Object: string | null
  readonly previousDigestHashValue: string | null
  readonly previousDigestHashAlgorithm: string | null
  readonly previousDigestSignature: string | null
  readonly logFiles: readonly DigestLogFile[]
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * The data-signing string: the digest end time (UTC, extended format), the digest's S3 path (`bucket/key`), the hex
 * SHA-256 of the uncompressed digest content, and the previous digest's hex signature (`null` for the first).
 */
export function digestStringToSign(digest: Pick<DigestFile, 'digestEndTime' | 'digestS3Bucket' | 'digestS3Object' | 'previousDigestSignature'>, contentHash: string): string {
  return `${digest.digestEndTime}\n${digest.digestS3Bucket}/${digest.digestS3Object}\n${contentHash}\n${digest.previousDigestSignature ?? 'null'}`
}

/** The hex signature CloudTrail puts in the digest object's `x-amz-meta-signature`. */
export function signDigest(digest: DigestFile, content: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(digestStringToSign(digest, sha256Hex(content))), privateKey).toString('hex')
}

/** `publicKeyDer` is the PKCS#1 DER ListPublicKeys returns. */
export function digestSignatureValid(digest: DigestFile, content: string, signatureHex: string, publicKeyDer: Uint8Array): boolean {
  if (!/^[0-9a-f]+$/i.test(signatureHex)) return false
  const key = createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'pkcs1' })
  return verify('sha256', Buffer.from(digestStringToSign(digest, sha256Hex(content))), key, Buffer.from(signatureHex, 'hex'))
}
