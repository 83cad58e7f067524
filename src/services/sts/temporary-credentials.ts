// Temporary credentials: an ASIA key id, a secret, and a session token that is random and only ever stored hashed.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Ids } from '../../core/ids.js'

export interface TemporaryCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
}

// 64 random bytes: the token cannot be guessed, and since only its hash is stored, a copy of the database cannot
// be replayed as a token either.
const TOKEN_BYTES = 64

export function mintTemporaryCredentials(ids: Ids): TemporaryCredentials {
  return {
    accessKeyId: ids.accessKeyId('ASIA'),
    secretAccessKey: ids.secretAccessKey(),
    sessionToken: ids.bytes(TOKEN_BYTES).toString('base64'),
  }
}

/** SHA-256 (hex) of a session token, as stored. */
export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Compares in constant time: both sides are hashes of the same length, whatever the presented token's length. */
export function sessionTokenMatches(token: string, storedHash: string): boolean {
  const presented = Buffer.from(sessionTokenHash(token), 'hex')
  const stored = Buffer.from(storedHash, 'hex')
  return presented.length === stored.length && timingSafeEqual(presented, stored)
}
