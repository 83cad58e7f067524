// Event ids of repeated calls, derived from their batch's seed and position: UUIDs v4 that keep the batch's EventId
// key, distinct within a batch and across batches.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { derivedEventId, isDerivationSeed } from '../../src/services/cloudtrail/derived-event-id.js'
import { BATCH_KEY_LENGTH, UNIFORM_RECORDS_PER_BATCH } from '../../src/services/cloudtrail/event-store.js'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('derived event ids', () => {
  it('are UUIDs v4 keeping the seed\'s EventId key, one for each position of a full batch, none the seed itself', () => {
    const seed = randomUUID()
    const ids = Array.from({ length: UNIFORM_RECORDS_PER_BATCH }, (_, position) => derivedEventId(seed, position))
    expect(ids.every((id) => UUID_V4.test(id) && id.slice(0, BATCH_KEY_LENGTH) === seed.slice(0, BATCH_KEY_LENGTH))).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.slice(1)).not.toContain(seed)
    expect(derivedEventId(seed, 7)).toBe(ids[7])
  })

  it('differ between batches at the same position, and look random past the key', () => {
    const seeds = Array.from({ length: 200 }, () => randomUUID())
    expect(new Set(seeds.map((seed) => derivedEventId(seed, 5))).size).toBe(seeds.length)
    // Neighbouring positions share no more than chance would past the key (a counter would share most characters).
    const seed = randomUUID()
    const shared = (a: string, b: string) => [...a].filter((character, index) => index >= BATCH_KEY_LENGTH && character === b[index]).length
    const average = Array.from({ length: 100 }, (_, position) => shared(derivedEventId(seed, position), derivedEventId(seed, position + 1))).reduce((sum, n) => sum + n, 0) / 100
    expect(average).toBeLessThan(12) // 4 dashes, version and variant, the variant's bits aside: ~1/16 of 22 digits
  })

  it('take a lowercase UUID v4 for a seed, nothing else', () => {
    expect(isDerivationSeed(randomUUID())).toBe(true)
    expect(isDerivationSeed(randomUUID().toUpperCase())).toBe(false)
    expect(isDerivationSeed('00000000-0000-1000-8000-000000000000')).toBe(false)
    expect(isDerivationSeed('')).toBe(false)
  })
})
