// ObjectCipher: how object bytes are encrypted at rest. Each stored segment (a PUT's body, a multipart part) gets
// its own random data key, sealed by the root key, and is encrypted with AES-256-CTR, which can start decrypting at
// any byte (ranged GETs) without reading what comes before. SSE-S3 (`AES256`) is the default for every new object,
// as AWS applies it since January 2023 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html).
// Other settings (SSE-KMS, SSE-C, bucket keys) plug in here as further `kind`s.
import { createCipheriv, createDecipheriv, type Cipher } from 'node:crypto'
import type { Ids } from '../../../core/ids.js'
import type { SecretBox } from '../../../crypto/secret-box.js'
import { keyFingerprint } from './sse-c.js'

/**
 * How a new segment is to be encrypted: SSE-S3 (a data key sealed under the root key), or SSE-KMS (a data key made
 * by the KMS key `keyArn`, bound to the encryption context, its ciphertext kept in the envelope).
 */
export type SealSetting =
  | { readonly kind: 'AES256' }
  | { readonly kind: 'aws:kms'; readonly keyArn: string; readonly context: Readonly<Record<string, string>> }
  // SSE-C: the customer's key itself (in memory for this write only; never persisted).
  | { readonly kind: 'SSE-C'; readonly key: Buffer }

/** What is stored beside a segment to open it again (never the data key in the clear). */
export type CipherEnvelope =
  | {
    readonly kind: 'AES256'
    /** The segment's data key, sealed under the root key and bound to the segment's file name. */
    readonly sealedKey: string
    /** The initial counter block, base64. */
    readonly iv: string
  }
  | {
    readonly kind: 'aws:kms'
    readonly keyArn: string
    /** The data key's KMS ciphertext blob, base64. */
    readonly wrappedKey: string
    readonly context: Readonly<Record<string, string>>
    readonly iv: string
  }
  | {
    readonly kind: 'SSE-C'
    /** Salt and salted HMAC-SHA256 of the customer key, base64: enough to recognise the key, never to recover it. */
    readonly salt: string
    readonly keyHmac: string
    readonly iv: string
    /** The customer key, base64, set in memory for one read (sse-c.ts segmentsToRead); never stored. */
    readonly customerKey?: string
  }

/** The KMS side of SSE-KMS (services/kms's data-key port); without it SSE-KMS segments can be neither made nor read. */
export interface EnvelopeKeys {
  generate(keyArn: string, context: Readonly<Record<string, string>>): { plaintext: Buffer; ciphertext: Buffer } | undefined
  decrypt(ciphertext: Uint8Array, context: Readonly<Record<string, string>>): Buffer | undefined
}

/** Encrypts (or decrypts) the bytes of one segment in order. */
export type ByteTransform = (chunk: Buffer) => Buffer

export interface ObjectCipher {
  /** A fresh data key for the segment stored in `file`: the envelope to keep and the encrypting transform. */
  seal(setting: SealSetting, file: string): { envelope: CipherEnvelope; encrypt: ByteTransform }
  /** The decrypting transform for the segment in `file`, for bytes from offset `start` on. */
  open(envelope: CipherEnvelope, file: string, start: number): ByteTransform
}

const BLOCK = 16

export function objectCipher(box: SecretBox, ids: Ids, kms?: EnvelopeKeys): ObjectCipher {
  const dataKeys = openedKeys(box)
  return {
    seal(setting, file) {
      const iv = ids.bytes(BLOCK)
      if (setting.kind === 'aws:kms') {
        const dataKey = kms?.generate(setting.keyArn, setting.context)
        if (!dataKey) throw new Error(`kms key \`${setting.keyArn}\` cannot make a data key`) // checked before the write starts
        const envelope: CipherEnvelope = { kind: 'aws:kms', keyArn: setting.keyArn, wrappedKey: dataKey.ciphertext.toString('base64'), context: setting.context, iv: iv.toString('base64') }
        return { envelope, encrypt: transformOf(createCipheriv('aes-256-ctr', dataKey.plaintext, iv)) }
      }
      if (setting.kind === 'SSE-C') {
        const salt = ids.bytes(16)
        const envelope: CipherEnvelope = { kind: 'SSE-C', salt: salt.toString('base64'), keyHmac: keyFingerprint(setting.key, salt), iv: iv.toString('base64') }
        return { envelope, encrypt: transformOf(createCipheriv('aes-256-ctr', setting.key, iv)) }
      }
      const key = ids.bytes(32)
      const envelope: CipherEnvelope = { kind: 'AES256', sealedKey: box.seal(key, keyContext(file)), iv: iv.toString('base64') }
      return { envelope, encrypt: transformOf(createCipheriv('aes-256-ctr', key, iv)) }
    },
    open(envelope, file, start) {
      const key = envelope.kind === 'aws:kms' ? kmsDataKey(kms, envelope) : envelope.kind === 'SSE-C' ? customerKeyOf(envelope) : dataKeys.open(envelope.sealedKey, file)
      const iv = Buffer.from(envelope.iv, 'base64')
      const decipher = createDecipheriv('aes-256-ctr', key, start < BLOCK ? iv : counterAt(iv, Math.floor(start / BLOCK)))
      const transform = transformOf(decipher)
      // CTR starts at a block boundary: decrypt and drop the bytes of the first block before `start`.
      const skip = start % BLOCK
      if (skip > 0) transform(Buffer.alloc(skip))
      return transform
    },
  }
}

/** SSE-S3 data keys kept opened, at most this many (32 bytes each, in this process's memory only). */
const OPENED_KEYS = 4096

/**
 * SSE-S3 data keys recently unsealed, so a repeated read of a segment skips the root-key AES-GCM open. Keyed by the
 * sealed blob and kept with the file it was bound to: a hit needs both to match, so a blob copied onto another
 * segment's row still fails as the sealed open would. The cache decides no access: the reader is authorized before.
 */
function openedKeys(box: SecretBox) {
  const keys = new Map<string, { readonly file: string; readonly key: Buffer }>() // in order of last use
  return {
    open(sealedKey: string, file: string): Buffer {
      const hit = keys.get(sealedKey)
      if (hit && hit.file === file) {
        keys.delete(sealedKey)
        keys.set(sealedKey, hit)
        return hit.key
      }
      const key = box.open(sealedKey, keyContext(file))
      keys.set(sealedKey, { file, key })
      if (keys.size > OPENED_KEYS) keys.delete(keys.keys().next().value!)
      return key
    },
  }
}

function kmsDataKey(kms: EnvelopeKeys | undefined, envelope: Extract<CipherEnvelope, { kind: 'aws:kms' }>): Buffer {
  const key = kms?.decrypt(Buffer.from(envelope.wrappedKey, 'base64'), envelope.context)
  // INVARIANT: GetObject checks the key is usable (and the caller's kms:Decrypt) before it streams.
  if (!key) throw new Error(`kms key \`${envelope.keyArn}\` cannot open the data key`)
  return key
}

function customerKeyOf(envelope: Extract<CipherEnvelope, { kind: 'SSE-C' }>): Buffer {
  // INVARIANT: GetObject checks the request's key against the envelope (segmentsToRead) before it streams.
  if (envelope.customerKey === undefined) throw new Error('an SSE-C segment is read without its customer key')
  return Buffer.from(envelope.customerKey, 'base64')
}

function keyContext(file: string): string {
  return `s3-object-segment:${file}`
}

function transformOf(cipher: Cipher): ByteTransform {
  return (chunk) => cipher.update(chunk)
}

/** The counter block `blocks` blocks after `iv` (a 128-bit big-endian add, as CTR mode counts). */
function counterAt(iv: Buffer, blocks: number): Buffer {
  const out = Buffer.from(iv)
  let carry = BigInt(blocks)
  for (let i = BLOCK - 1; i >= 0 && carry > 0n; i--) {
    const sum = BigInt(out[i]!) + (carry & 0xffn)
    out[i] = Number(sum & 0xffn)
    carry = (carry >> 8n) + (sum >> 8n)
  }
  return out
}
