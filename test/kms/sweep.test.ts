// The KMS background sweep (scheduled deletions, automatic rotations, clock-driven) and the root-key re-wrap.
import { createHmac } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { sequentialIds } from '../../src/core/ids.js'
import type { OperationContext } from '../../src/core/operation.js'
import { secretBox } from '../../src/crypto/secret-box.js'
import { kmsService, loadKeyIndex, rewrapKeyMaterial, sweepKms, type KeyIndex, type KmsDeps } from '../../src/services/kms/index.js'
import { openDatabase, type Database } from '../../src/storage/database.js'

const DAY_MS = 86_400_000
const ctx: OperationContext = {
  caller: { type: 'Root', arn: 'arn:aws:iam::000000000000:root', accountId: '000000000000', userId: '000000000000' },
  accountId: '000000000000', region: 'us-east-1', partition: 'aws', requestId: 'test',
}

describe('sweepKms', () => {
  const clock = fixedClock('2026-06-01T00:00:00Z')
  let database: Database
  let keys: KeyIndex
  let deps: KmsDeps
  beforeEach(async () => {
    database = await openDatabase({ url: ':memory:' })
    const box = secretBox(Buffer.alloc(32, 7))
    keys = await loadKeyIndex(database, { box, region: 'us-east-1', partition: 'aws' })
    deps = { database, clock, ids: sequentialIds(), box, keys }
  })
  afterEach(async () => {
    await keys.close()
    await database.close()
  })

  it('deletes a key pending deletion at its deletion date, not a millisecond before', async () => {
    const kms = kmsService(deps)
    const { KeyMetadata } = await kms.CreateKey({}, ctx)
    await kms.CreateAlias({ AliasName: 'alias/doomed', TargetKeyId: KeyMetadata!.KeyId }, ctx)
    const { DeletionDate } = await kms.ScheduleKeyDeletion({ KeyId: KeyMetadata!.KeyId, PendingWindowInDays: 7 }, ctx)
    expect(DeletionDate).toEqual(new Date(clock.now().getTime() + 7 * DAY_MS))

    clock.set(new Date(DeletionDate!.getTime() - 1))
    expect(await sweepKms(deps)).toEqual({ deleted: [], rotated: [] })
    expect((await kms.DescribeKey({ KeyId: KeyMetadata!.KeyId }, ctx)).KeyMetadata?.KeyState).toBe('PendingDeletion')

    clock.set(DeletionDate!)
    expect((await sweepKms(deps)).deleted).toEqual([KeyMetadata!.Arn])
    await expect(kms.DescribeKey({ KeyId: KeyMetadata!.KeyId }, ctx)).rejects.toMatchObject({ code: 'NotFoundException' })
    await expect(kms.DescribeKey({ KeyId: 'alias/doomed' }, ctx)).rejects.toMatchObject({ code: 'NotFoundException' })
    expect(await database.db.selectFrom('kms_key_materials').selectAll().execute()).toEqual([])
  })

  it('tells each deleted or rotated key as its change commits, also when a later key of the pass fails', async () => {
    const kms = kmsService(deps)
    const doomed = (await kms.CreateKey({}, ctx)).KeyMetadata!
    await kms.ScheduleKeyDeletion({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }, ctx)
    const rotating = (await kms.CreateKey({}, ctx)).KeyMetadata!
    await kms.EnableKeyRotation({ KeyId: rotating.KeyId, RotationPeriodInDays: 90 }, ctx)
    clock.advance(91 * DAY_MS)
    const told: unknown[] = []
    const failing = { ...deps, box: { ...deps.box, seal: () => { throw new Error('seal failed') } } } // rotation fails
    await expect(sweepKms(failing, (sweep) => told.push(sweep))).rejects.toThrow('seal failed')
    expect(told).toEqual([{ deleted: [doomed.Arn], rotated: [] }])
    told.length = 0
    expect(await sweepKms(deps, (sweep) => told.push(sweep))).toEqual({ deleted: [], rotated: [rotating.Arn] })
    expect(told).toEqual([{ deleted: [], rotated: [rotating.Arn] }])
  })

  it('rotates a key when its rotation period has passed, and schedules the next rotation', async () => {
    clock.set(new Date('2026-06-01T00:00:00Z'))
    const kms = kmsService(deps)
    const { KeyMetadata } = await kms.CreateKey({}, ctx)
    const keyId = KeyMetadata!.KeyId
    const before = await kms.Encrypt({ KeyId: keyId, Plaintext: Buffer.from('before') }, ctx)
    await kms.EnableKeyRotation({ KeyId: keyId, RotationPeriodInDays: 90 }, ctx)

    clock.advance(90 * DAY_MS)
    expect((await sweepKms(deps)).rotated).toEqual([KeyMetadata!.Arn])
    expect((await kms.ListKeyRotations({ KeyId: keyId }, ctx)).Rotations).toEqual([{ KeyId: KeyMetadata!.Arn, RotationDate: clock.now(), RotationType: 'AUTOMATIC' }])
    expect((await kms.GetKeyRotationStatus({ KeyId: keyId }, ctx)).NextRotationDate).toEqual(new Date(clock.now().getTime() + 90 * DAY_MS))
    expect((await sweepKms(deps)).rotated).toEqual([])

    const after = await kms.Encrypt({ KeyId: keyId, Plaintext: Buffer.from('after') }, ctx)
    expect(Buffer.from(after.CiphertextBlob!).readUInt32BE(29)).toBe(2)
    expect(Buffer.from((await kms.Decrypt({ CiphertextBlob: before.CiphertextBlob }, ctx)).Plaintext!).toString()).toBe('before')
  })

  it('keeps key material sealed at rest: no stored column holds the raw key', async () => {
    const kms = kmsService(deps)
    const { KeyMetadata } = await kms.CreateKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }, ctx)
    const [row] = await database.db.selectFrom('kms_key_materials').selectAll().execute()
    expect(row?.sealed).toMatch(/^v1:/)
    // The MAC from the service equals an HMAC under the material only the sealed row can give back.
    const opened = secretBox(Buffer.alloc(32, 7)).open(row!.sealed, `kms:000000000000:${KeyMetadata!.KeyId}:1`)
    const { Mac } = await kms.GenerateMac({ KeyId: KeyMetadata!.KeyId, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' }, ctx)
    expect(Buffer.from(Mac!)).toEqual(createHmac('sha256', opened).update('m').digest())
    expect(row!.sealed).not.toContain(opened.toString('base64'))
  })
})

describe('rewrapKeyMaterial', () => {
  it('re-seals every material version under a new root key; ciphertext made before still decrypts', async () => {
    const database = await openDatabase({ url: ':memory:' })
    const oldBox = secretBox(Buffer.alloc(32, 1))
    const newBox = secretBox(Buffer.alloc(32, 2))
    const clock = fixedClock('2026-06-01T00:00:00Z')
    const before = await loadKeyIndex(database, { box: oldBox, region: 'us-east-1', partition: 'aws' })
    const kms = kmsService({ database, clock, ids: sequentialIds(), box: oldBox, keys: before })
    const { KeyMetadata } = await kms.CreateKey({}, ctx)
    await kms.RotateKeyOnDemand({ KeyId: KeyMetadata!.KeyId }, ctx)
    const signing = (await kms.CreateKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }, ctx)).KeyMetadata!
    const ciphertext = (await kms.Encrypt({ KeyId: KeyMetadata!.KeyId, Plaintext: Buffer.from('kept') }, ctx)).CiphertextBlob
    const publicKey = (await kms.GetPublicKey({ KeyId: signing.KeyId }, ctx)).PublicKey
    await before.close()

    await expect(rewrapKeyMaterial(database, newBox, newBox)).rejects.toThrow(/failed authentication/)
    expect(await rewrapKeyMaterial(database, oldBox, newBox)).toBe(3)

    const after = await loadKeyIndex(database, { box: newBox, region: 'us-east-1', partition: 'aws' })
    const rewrapped = kmsService({ database, clock, ids: sequentialIds(9), box: newBox, keys: after })
    expect(Buffer.from((await rewrapped.Decrypt({ CiphertextBlob: ciphertext }, ctx)).Plaintext!).toString()).toBe('kept')
    expect((await rewrapped.GetPublicKey({ KeyId: signing.KeyId }, ctx)).PublicKey).toEqual(publicKey)
    await after.close()
    await database.close()
  })
})
