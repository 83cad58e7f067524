// Checksums S3 accepts for object data (x-amz-checksum-*, Content-MD5), computed incrementally so a streamed
// body is hashed as it passes. https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
import { createHash, type Hash } from 'node:crypto'
import { crc32 } from 'node:zlib'

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256'

/** How many bytes each algorithm's digest has: a value of another size is refused for its form. */
export const CHECKSUM_BYTES: Readonly<Record<ChecksumAlgorithm, number>> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 }

/** The header (and trailer) name of each algorithm's base64 value. */
export const CHECKSUM_HEADERS: Readonly<Record<ChecksumAlgorithm, string>> = {
  CRC32: 'x-amz-checksum-crc32',
  CRC32C: 'x-amz-checksum-crc32c',
  CRC64NVME: 'x-amz-checksum-crc64nvme',
  SHA1: 'x-amz-checksum-sha1',
  SHA256: 'x-amz-checksum-sha256',
}

/** Feeds bytes in order; `digest()` (once) gives the base64 value S3 shows. */
export interface Checksum {
  update(data: Buffer): void
  digest(): string
}

export function checksumOf(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'CRC32': {
      let value = 0
      return { update: (data) => { value = crc32(data, value) }, digest: () => uint32Base64(value) }
    }
    case 'CRC32C': {
      let value = 0xffffffff
      return {
        update(data) {
          let crc = value
          for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8)
          value = crc
        },
        digest: () => uint32Base64((value ^ 0xffffffff) >>> 0),
      }
    }
    case 'CRC64NVME':
      return crc64nvme()
    case 'SHA1':
      return hashChecksum(createHash('sha1'))
    case 'SHA256':
      return hashChecksum(createHash('sha256'))
  }
}

/** The whole-buffer form of checksumOf. */
export function checksumBase64(algorithm: ChecksumAlgorithm, data: Buffer): string {
  const checksum = checksumOf(algorithm)
  checksum.update(data)
  return checksum.digest()
}

function hashChecksum(hash: Hash): Checksum {
  return { update: (data) => void hash.update(data), digest: () => hash.digest('base64') }
}

// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78.
const CRC32C_TABLE = buildTable32(0x82f63b78)

// CRC-64/NVME, reflected polynomial 0x9A6C9329AC4BC9B5, computed on 32-bit halves: BigInt arithmetic per byte
// is several times slower.
const CRC64_TABLE = buildTable64(0x9a6c9329ac4bc9b5n)
const CRC64_HIGH = Uint32Array.from(CRC64_TABLE, (value) => Number(value >> 32n))
const CRC64_LOW = Uint32Array.from(CRC64_TABLE, (value) => Number(value & 0xffffffffn))

function crc64nvme(): Checksum {
  let high = 0xffffffff
  let low = 0xffffffff
  return {
    update(data) {
      for (let i = 0; i < data.length; i++) {
        const index = (low ^ data[i]!) & 0xff
        low = (CRC64_LOW[index]! ^ ((low >>> 8) | (high << 24))) >>> 0
        high = (CRC64_HIGH[index]! ^ (high >>> 8)) >>> 0
      }
    },
    digest() {
      const out = Buffer.alloc(8)
      out.writeUInt32BE((high ^ 0xffffffff) >>> 0, 0)
      out.writeUInt32BE((low ^ 0xffffffff) >>> 0, 4)
      return out.toString('base64')
    },
  }
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
