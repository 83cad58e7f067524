// SecretBox: authenticated encryption (AES-256-GCM) of secrets at rest under the root key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16

export interface SecretBox {
  /** `context` binds the ciphertext to what it protects (e.g. the access key id), so rows cannot be swapped. */
  seal(plaintext: string | Buffer, context: string): string
  open(sealed: string, context: string): Buffer
}

export class SecretBoxError extends Error {}

export function secretBox(rootKey: Buffer): SecretBox {
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', rootKey, iv)
      cipher.setAAD(Buffer.from(context))
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
      return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`
    },
    open(sealed, context) {
      const [version, payload] = sealed.split(':')
      if (version !== VERSION || payload === undefined) throw new SecretBoxError('unknown sealed secret format')
      const bytes = Buffer.from(payload, 'base64')
      const decipher = createDecipheriv('aes-256-gcm', rootKey, bytes.subarray(0, IV_BYTES))
      decipher.setAAD(Buffer.from(context))
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
      try {
        return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
      } catch {
        throw new SecretBoxError('a sealed secret failed authentication: wrong root key or tampered data')
      }
    },
  }
}
