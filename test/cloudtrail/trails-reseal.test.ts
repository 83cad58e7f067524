// The digest signing key's private half at rest: sealed under the root key, and re-sealed by a root key rotation.
import { randomBytes, sign, verify, createPublicKey } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { secretBox, SecretBoxError } from '../../src/crypto/secret-box.js'
import { digestSigningKeys, publicKeyOperations, resealSigningKeys } from '../../src/services/cloudtrail/digest-keys.js'
import { openDatabase, type Database } from '../../src/storage/database.js'

describe('digest signing keys at rest', () => {
  let database: Database
  const clock = fixedClock('2026-11-22T10:00:00Z')
  beforeEach(async () => { database = await openDatabase({ url: ':memory:' }) })
  afterEach(() => database.close())

  it('keeps the private key sealed, and signs with it after a rotation to a new root key', async () => {
    const before = secretBox(randomBytes(32))
    const after = secretBox(randomBytes(32))
    const original = await digestSigningKeys({ database, box: before, clock }).current('us-east-1')
    const stored = await database.db.selectFrom('cloudtrail_signing_keys').selectAll().executeTakeFirstOrThrow()
    expect(stored.sealed_private_key).toMatch(/^v1:/)
    expect(stored.sealed_private_key).not.toContain(original.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64').slice(0, 40))

    await database.transaction((tx) => resealSigningKeys(tx, before, after))
    const reopened = await digestSigningKeys({ database, box: after, clock }).current('us-east-1')
    expect(reopened.fingerprint).toBe(original.fingerprint)
    const signature = sign('sha256', Buffer.from('digest'), reopened.privateKey)
    expect(verify('sha256', Buffer.from('digest'), createPublicKey({ key: original.publicKey, format: 'der', type: 'pkcs1' }), signature)).toBe(true)
    await expect(digestSigningKeys({ database, box: before, clock }).current('us-east-1')).rejects.toThrow(SecretBoxError)
  })

  it('makes one key per region, also when asked for several at once', async () => {
    const keys = digestSigningKeys({ database, box: secretBox(randomBytes(32)), clock })
    const [east, west, eastAgain] = await Promise.all([keys.current('us-east-1'), keys.current('eu-west-1'), keys.current('us-east-1')])
    expect(east.region).toBe('us-east-1')
    expect(west.region).toBe('eu-west-1')
    expect(eastAgain.fingerprint).toBe(east.fingerprint)
    expect(west.fingerprint).not.toBe(east.fingerprint)
  })

  it('makes a new key once the current one is past its validity', async () => {
    const box = secretBox(randomBytes(32))
    const keys = digestSigningKeys({ database, box, clock })
    const first = await keys.current('us-east-1')
    clock.set(new Date(first.validTo.getTime() + 1000))
    const second = await keys.current('us-east-1')
    expect(second.fingerprint).not.toBe(first.fingerprint)
    expect((await keys.between('us-east-1', first.validFrom, second.validFrom)).map((key) => key.fingerprint)).toEqual([first.fingerprint, second.fingerprint])
  })

  it('lists the key the first ListPublicKeys made, though the clock moved on while making it', async () => {
    const base = fixedClock('2026-11-22T10:00:00Z')
    const ticking = { now: () => (base.advance(1), base.now()) } // every reading a millisecond later
    const keys = digestSigningKeys({ database, box: secretBox(randomBytes(32)), clock: ticking })
    const { ListPublicKeys } = publicKeyOperations({ signingKeys: keys, clock: ticking })
    const { PublicKeyList } = await ListPublicKeys({}, { region: 'us-east-1' } as Parameters<typeof ListPublicKeys>[1])
    expect(PublicKeyList).toHaveLength(1)
  })
})
