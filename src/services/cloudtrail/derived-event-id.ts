// Event ids of repeated calls, derived from their batch's seed (a UUID v4) and their position in it, so that a stored
// batch keeps only their request ids (record-text.ts). A derived id is a UUID v4 like any other (AWS's event ids are
// GUIDs): it keeps the seed's first BATCH_KEY_LENGTH characters (the key EventId lookups find the batch by), its
// version and variant, and has the other 88 bits scrambled by the position. The positions of one batch give distinct
// ids: the last 32 bits are the seed's XOR a bijection of the position.

/** A UUID v4, lowercase, as randomUUID() gives: the seeds derivation accepts. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The seed's characters a derived id changes, in the order of the scrambling nibbles; the last 8 take a bijection. */
const SCRAMBLED = [9, 10, 11, 12, 15, 16, 17, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35]

const HEX = '0123456789abcdef'

export function isDerivationSeed(seed: string): boolean {
  return UUID_V4.test(seed)
}

/** The event id of the record at `position` (0-based) of the batch whose seed is `seed` (isDerivationSeed). */
export function derivedEventId(seed: string, position: number): string {
  // 14 nibbles scrambled for looks, then 8 that are one-to-one with the position (fmix32 is a bijection).
  const looks = [mix32(position ^ 0x5bd1e995), mix32(position ^ 0x27d4eb2f)]
  const exact = mix32(position)
  const characters = seed.split('')
  for (let index = 0; index < SCRAMBLED.length; index++) {
    const at = SCRAMBLED[index]!
    const nibble = index < 14 ? (looks[index >> 3]! >>> ((index & 7) * 4)) & 15 : (exact >>> ((index - 14) * 4)) & 15
    characters[at] = HEX[HEX.indexOf(characters[at]!) ^ nibble]!
  }
  return characters.join('')
}

/** MurmurHash3's finalizer: a bijection of 32-bit integers that spreads every input bit over the output. */
function mix32(value: number): number {
  let hash = value >>> 0
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return hash >>> 0
}
