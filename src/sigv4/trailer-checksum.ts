// trailerChecksum: the flexible checksums S3 accepts as an aws-chunked trailer (x-amz-checksum-*), base64 encoded.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
import { createHash } from 'node:crypto'
import { crc32 } from 'node:zlib'

/** Trailer header name → the algorithm's name in S3's BadDigest message. */
export const TRAILER_CHECKSUMS: Readonly<Record<string, string>> = {
  'x-amz-checksum-crc32': 'CRC32',
  'x-amz-checksum-crc32c': 'CRC32C',
  'x-amz-checksum-crc64nvme': 'CRC64NVME',
  'x-amz-checksum-sha1': 'SHA1',
  'x-amz-checksum-sha256': 'SHA256',
}

/** The base64 checksum of `data` for a trailer header named in TRAILER_CHECKSUMS. */
export function trailerChecksum(header: string, data: Buffer): string {
  switch (header) {
    case 'x-amz-checksum-crc32':
      return uint32Base64(crc32(data))
    case 'x-amz-checksum-crc32c':
      return uint32Base64(crc32c(data))
    case 'x-amz-checksum-crc64nvme':
      return uint64Base64(crc64nvme(data))
    case 'x-amz-checksum-sha1':
      return createHash('sha1').update(data).digest('base64')
    case 'x-amz-checksum-sha256':
      return createHash('sha256').update(data).digest('base64')
    default:
      throw new Error(`unknown trailer checksum \`${header}\``)
  }
}

// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78.
const CRC32C_TABLE = buildTable32(0x82f63b78)

function crc32c(data: Buffer): number {
  let crc = 0xffffffff
  for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

// CRC-64/NVME, reflected polynomial 0x9A6C9329AC4BC9B5, computed on 32-bit halves: BigInt arithmetic per byte
// is several times slower.
const CRC64_TABLE = buildTable64(0x9a6c9329ac4bc9b5n)
const CRC64_HIGH = Uint32Array.from(CRC64_TABLE, (value) => Number(value >> 32n))
const CRC64_LOW = Uint32Array.from(CRC64_TABLE, (value) => Number(value & 0xffffffffn))

function crc64nvme(data: Buffer): bigint {
  let high = 0xffffffff
  let low = 0xffffffff
  for (let i = 0; i < data.length; i++) {
    const index = (low ^ data[i]!) & 0xff
    low = (CRC64_LOW[index]! ^ ((low >>> 8) | (high << 24))) >>> 0
    high = (CRC64_HIGH[index]! ^ (high >>> 8)) >>> 0
  }
  return (BigInt((high ^ 0xffffffff) >>> 0) << 32n) | BigInt((low ^ 0xffffffff) >>> 0)
}

function buildTable32(polynomial: number): Uint32Array {
  const table = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let value = i
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? (value >>> 1) ^ polynomial : value >>> 1
    table[i] = value >>> 0
  }
  return table
}

function buildTable64(polynomial: bigint): bigint[] {
  const table: bigint[] = []
  for (let i = 0n; i < 256n; i++) {
    let value = i
    for (let bit = 0; bit < 8; bit++) value = value & 1n ? (value >> 1n) ^ polynomial : value >> 1n
    table.push(value)
  }
  return table
}

function uint32Base64(value: number): string {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value >>> 0)
  return out.toString('base64')
}

function uint64Base64(value: bigint): string {
  const out = Buffer.alloc(8)
  out.writeBigUInt64BE(value)
  return out.toString('base64')
}
