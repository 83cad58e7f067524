// Symmetric ciphertext blobs: self-describing (account, key id, material version, IV, tag) so Decrypt finds the
// key, with the encryption context as additional authenticated data.
import { createCipheriv, createDecipheriv } from 'node:crypto'

const FORMAT = 0x01
const ACCOUNT_BYTES = 12
const KEY_ID_BYTES = 16
const HEADER_BYTES = 1 + ACCOUNT_BYTES + KEY_ID_BYTES + 4
const IV_BYTES = 12
const TAG_BYTES = 16

export interface BlobHeader {
  readonly accountId: string
  /** The key id (UUID text). */
  readonly keyId: string
  readonly materialVersion: number
}

/** The header of a blob this server made, or undefined for anything else (Decrypt answers InvalidCiphertextException). */
export function readBlobHeader(blob: Uint8Array | undefined): BlobHeader | undefined {
  if (!blob || blob.length < HEADER_BYTES + IV_BYTES + TAG_BYTES || blob[0] !== FORMAT) return undefined
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength)
  const accountId = bytes.toString('latin1', 1, 1 + ACCOUNT_BYTES)
  if (!/^\d{12}$/.test(accountId)) return undefined
  const hex = bytes.toString('hex', 1 + ACCOUNT_BYTES, 1 + ACCOUNT_BYTES + KEY_ID_BYTES)
  const keyId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  return { accountId, keyId, materialVersion: bytes.readUInt32BE(1 + ACCOUNT_BYTES + KEY_ID_BYTES) }
}

export function sealBlob(header: BlobHeader, secret: Buffer, iv: Buffer, plaintext: Uint8Array, context: Readonly<Record<string, string>> | undefined): Buffer {
  const head = Buffer.alloc(HEADER_BYTES)
  head[0] = FORMAT
  head.write(header.accountId, 1, ACCOUNT_BYTES, 'latin1')
  Buffer.from(header.keyId.replaceAll('-', ''), 'hex').copy(head, 1 + ACCOUNT_BYTES)
  head.writeUInt32BE(header.materialVersion, 1 + ACCOUNT_BYTES + KEY_ID_BYTES)
  const cipher = createCipheriv('aes-256-gcm', secret, iv)
  cipher.setAAD(Buffer.concat([head, canonicalContext(context)]))
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return Buffer.concat([head, iv, cipher.getAuthTag(), body])
}

/** Undefined when the blob fails authentication (wrong context, tampered bytes). */
export function openBlob(blob: Uint8Array, secret: Buffer, context: Readonly<Record<string, string>> | undefined): Buffer | undefined {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength)
  const head = bytes.subarray(0, HEADER_BYTES)
  const iv = bytes.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES)
  const tag = bytes.subarray(HEADER_BYTES + IV_BYTES, HEADER_BYTES + IV_BYTES + TAG_BYTES)
  const decipher = createDecipheriv('aes-256-gcm', secret, iv)
  decipher.setAAD(Buffer.concat([head, canonicalContext(context)]))
  decipher.setAuthTag(tag)
  try {
    return Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES + IV_BYTES + TAG_BYTES)), decipher.final()])
  } catch {
    return undefined
  }
}

export const BLOB_IV_BYTES = IV_BYTES

// The order of the pairs does not matter to KMS: the same context in any order decrypts.
function canonicalContext(context: Readonly<Record<string, string>> | undefined): Buffer {
  if (!context) return Buffer.alloc(0)
  const pairs = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return Buffer.from(JSON.stringify(pairs))
}
