// The flexible checksums S3 accepts as an aws-chunked trailer (x-amz-checksum-*), base64 encoded: the headers
// core/checksums names, read backwards. https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
import { CHECKSUM_HEADERS, checksumOf, type Checksum, type ChecksumAlgorithm } from '../core/checksums.js'

/**
 * Trailer header name → the algorithm's name in S3's BadDigest message. No prototype: a client's trailer named
 * `constructor` is no checksum.
 */
export const TRAILER_CHECKSUMS: Readonly<Record<string, ChecksumAlgorithm>> = Object.assign(
  Object.create(null) as Record<string, ChecksumAlgorithm>,
  Object.fromEntries(Object.entries(CHECKSUM_HEADERS).map(([algorithm, header]) => [header, algorithm])),
)

/** The incremental checksum for a trailer header named in TRAILER_CHECKSUMS; undefined for any other header. */
export function trailerChecksumOf(header: string): Checksum | undefined {
  const algorithm = TRAILER_CHECKSUMS[header]
  return algorithm && checksumOf(algorithm)
}
