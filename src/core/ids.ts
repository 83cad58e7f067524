// Ids: every identifier Palisade mints, in AWS's formats; tests inject deterministic ones.
import { randomBytes, randomUUID } from 'node:crypto'

/** Prefixes AWS uses for unique IDs (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes). */
export type UniqueIdPrefix = 'AIDA' | 'AGPA' | 'AROA' | 'ANPA' | 'ANVA' | 'AIPA' | 'ASCA' | 'APKA' | 'ACCA'

export interface Ids {
  /** A request id (UUID v4), as AWS returns in x-amzn-RequestId. */
  requestId(): string
  /** 20 characters: `AKIA` (long-term) or `ASIA` (temporary) and 16 of [A-Z2-7]. */
  accessKeyId(prefix: 'AKIA' | 'ASIA'): string
  /** 40 characters of base64 alphabet, as AWS's secret access keys. */
  secretAccessKey(): string
  /** 21 characters: the prefix and 17 of [A-Z0-9]. */
  uniqueId(prefix: UniqueIdPrefix): string
  /** Raw random bytes (keys, tokens, salts). */
  bytes(length: number): Buffer
  /** A UUID v4 (event ids, key ids). */
  uuid(): string
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

export const randomIds: Ids = {
  requestId: () => randomUUID(),
  accessKeyId: (prefix) => prefix + pick(BASE32, 16, randomBytes),
  secretAccessKey: () => pick(SECRET_ALPHABET, 40, randomBytes),
  uniqueId: (prefix) => prefix + pick(UPPER_ALNUM, 17, randomBytes),
  bytes: (length) => randomBytes(length),
  uuid: () => randomUUID(),
}

/** Deterministic ids for tests: the same sequence every run. */
export function sequentialIds(seed = 1): Ids {
  let counter = seed
  const next = (length: number): Buffer => {
    const out = Buffer.alloc(length)
    for (let i = 0; i < length; i++) {
      counter = (counter * 1103515245 + 12345) >>> 0
      out[i] = counter >>> 16
    }
    return out
  }
  const uuidFrom = (bytes: Buffer): string => {
    bytes[6] = (bytes[6]! & 0x0f) | 0x40
    bytes[8] = (bytes[8]! & 0x3f) | 0x80
    const hex = bytes.toString('hex')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }
  return {
    requestId: () => uuidFrom(next(16)),
    accessKeyId: (prefix) => prefix + pick(BASE32, 16, next),
    secretAccessKey: () => pick(SECRET_ALPHABET, 40, next),
    uniqueId: (prefix) => prefix + pick(UPPER_ALNUM, 17, next),
    bytes: (length) => next(length),
    uuid: () => uuidFrom(next(16)),
  }
}

// Rejection sampling keeps every character equally likely.
function pick(alphabet: string, length: number, source: (n: number) => Buffer): string {
  const limit = 256 - (256 % alphabet.length)
  let out = ''
  while (out.length < length) {
    for (const byte of source(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length]
      if (out.length === length) break
    }
  }
  return out
}
