// trailerChecksum: the flexible checksums S3 accepts as an aws-chunked trailer (x-amz-checksum-*), base64 encoded.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
import { checksumBase64, checksumOf, type Checksum, type ChecksumAlgorithm } from '../core/checksums.js'

/** Trailer header name → the algorithm's name in S3's BadDigest message. */
export const TRAILER_CHECKSUMS: Readonly<Record<string, ChecksumAlgorithm>> = {
  'x-amz-checksum-crc32': 'CRC32',
  'x-amz-checksum-crc32c': 'CRC32C',
  'x-amz-checksum-crc64nvme': 'CRC64NVME',
  'x-amz-checksum-sha1': 'SHA1',
  'x-amz-checksum-sha256': 'SHA256',
}

/** The base64 checksum of `data` for a trailer header named in TRAILER_CHECKSUMS. */
export function trailerChecksum(header: string, data: Buffer): string {
  const algorithm = TRAILER_CHECKSUMS[header]
  if (!algorithm) throw new Error(`unknown trailer checksum \`${header}\``)
  return checksumBase64(algorithm, data)
}

/** The incremental form, for a payload that is streamed. */
export function trailerChecksumOf(header: string): Checksum | undefined {
  const algorithm = TRAILER_CHECKSUMS[header]
  return algorithm && checksumOf(algorithm)
}
