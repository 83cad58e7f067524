// End to end: KMS key lifecycle (CreateKey, DescribeKey, ListKeys, description, tags, enable/disable, deletion).
import {
  CancelKeyDeletionCommand, CreateKeyCommand, DescribeKeyCommand, DisableKeyCommand, EnableKeyCommand, EncryptCommand,
  ListKeysCommand, ListResourceTagsCommand, ScheduleKeyDeletionCommand, TagResourceCommand, UntagResourceCommand,
  UpdateKeyDescriptionCommand, type KMSClient,
} from '@aws-sdk/client-kms'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { kmsClient } from './kms-client.js'

// Near real time: the SDK signs with the machine's clock, and SigV4 refuses a skew over 5 minutes.
const clock = fixedClock(Math.floor(Date.now() / 1000) * 1000)

describe('KMS keys', () => {
  let palisade: TestPalisade
  let kms: KMSClient
  beforeAll(async () => {
    palisade = await startTestPalisade([], { clock })
    kms = kmsClient(palisade)
  })
  afterAll(() => palisade.stop())

  const newKey = async (input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}) =>
    (await kms.send(new CreateKeyCommand(input))).KeyMetadata!

  it('creates a symmetric encryption key by default', async () => {
    const key = await newKey({ Description: 'first' })
    expect(key).toMatchObject({
      AWSAccountId: '000000000000',
      Arn: `arn:aws:kms:us-east-1:000000000000:key/${key.KeyId}`,
      Description: 'first',
      Enabled: true,
      KeyState: 'Enabled',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      MultiRegion: false,
    })
    expect(key.KeyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(key.CreationDate).toEqual(clock.now())
  })

  it.each([
    { name: 'RSA_2048 for signing', KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', expected: { SigningAlgorithms: expect.arrayContaining(['RSASSA_PSS_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_512']) } },
    { name: 'RSA_3072 for encryption', KeySpec: 'RSA_3072', KeyUsage: 'ENCRYPT_DECRYPT', expected: { EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] } },
    { name: 'ECC_NIST_P384 for signing', KeySpec: 'ECC_NIST_P384', KeyUsage: 'SIGN_VERIFY', expected: { SigningAlgorithms: ['ECDSA_SHA_384'] } },
    { name: 'ECC_SECG_P256K1 for signing', KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'SIGN_VERIFY', expected: { SigningAlgorithms: ['ECDSA_SHA_256'] } },
    { name: 'HMAC_384 for MACs', KeySpec: 'HMAC_384', KeyUsage: 'GENERATE_VERIFY_MAC', expected: { MacAlgorithms: ['HMAC_SHA_384'] } },
  ] as const)('creates $name', async ({ KeySpec, KeyUsage, expected }) => {
    const key = await newKey({ KeySpec, KeyUsage })
    expect(key).toMatchObject({ KeySpec, KeyUsage, ...expected })
  })

  it.each([
    { name: 'an ECC key for encryption', KeySpec: 'ECC_NIST_P256', KeyUsage: 'ENCRYPT_DECRYPT' },
    { name: 'an HMAC key without its key usage', KeySpec: 'HMAC_256', KeyUsage: undefined },
    { name: 'a symmetric key for signing', KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'SIGN_VERIFY' },
  ] as const)('rejects $name with ValidationException', async ({ KeySpec, KeyUsage }) => {
    await expect(kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }))).rejects.toMatchObject({ name: 'ValidationException' })
  })

  it('describes a key by id and by key ARN, and answers unknown ids with the NotFoundException texts of AWS', async () => {
    const key = await newKey()
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.Arn).toBe(key.Arn)
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.Arn }))).KeyMetadata?.KeyId).toBe(key.KeyId)
    const missing = '11111111-2222-4333-8444-555555555555'
    await expect(kms.send(new DescribeKeyCommand({ KeyId: missing }))).rejects.toMatchObject({
      name: 'NotFoundException', message: `Key 'arn:aws:kms:us-east-1:000000000000:key/${missing}' does not exist`,
    })
    await expect(kms.send(new DescribeKeyCommand({ KeyId: 'not-a-key' }))).rejects.toMatchObject({
      name: 'NotFoundException', message: "Invalid keyId 'not-a-key'",
    })
  })

  it('lists keys with pagination', async () => {
    const first = await kms.send(new ListKeysCommand({ Limit: 2 }))
    expect(first.Keys).toHaveLength(2)
    expect(first.Truncated).toBe(true)
    const rest = await kms.send(new ListKeysCommand({ Marker: first.NextMarker }))
    const all = [...first.Keys!, ...rest.Keys!]
    expect(new Set(all.map((key) => key.KeyId)).size).toBe(all.length)
    expect(all[0]).toEqual({ KeyId: expect.any(String), KeyArn: expect.stringMatching(/^arn:aws:kms:us-east-1:000000000000:key\//) })
  })

  it('updates the description and manages tags', async () => {
    const key = await newKey({ Tags: [{ TagKey: 'team', TagValue: 'red' }] })
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: 'changed' }))
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.Description).toBe('changed')
    await kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'env', TagValue: 'prod' }, { TagKey: 'team', TagValue: 'blue' }] }))
    await kms.send(new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ['env'] }))
    expect((await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags).toEqual([{ TagKey: 'team', TagValue: 'blue' }])
    await expect(kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'aws:x', TagValue: 'y' }] })))
      .rejects.toMatchObject({ name: 'TagException' })
  })

  it('refuses to encrypt under a disabled key with DisabledException, and works again once enabled', async () => {
    const key = await newKey()
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }))
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata).toMatchObject({ Enabled: false, KeyState: 'Disabled' })
    await expect(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))).rejects.toMatchObject({
      name: 'DisabledException', message: `${key.Arn} is disabled.`,
    })
    await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }))
    await expect(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))).resolves.toBeDefined()
  })

  it('schedules deletion 7–30 days ahead, refuses use meanwhile, and cancels back to Disabled', async () => {
    const key = await newKey()
    await expect(kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 6 }))).rejects.toMatchObject({ name: 'ValidationException' })
    await expect(kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 31 }))).rejects.toMatchObject({ name: 'ValidationException' })
    const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }))
    expect(scheduled).toMatchObject({ KeyId: key.Arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7, DeletionDate: new Date(clock.now().getTime() + 7 * 86_400_000) })
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata).toMatchObject({ KeyState: 'PendingDeletion', PendingDeletionWindowInDays: 7 })
    await expect(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))).rejects.toMatchObject({
      name: 'KMSInvalidStateException', message: `${key.Arn} is pending deletion.`,
    })
    await expect(kms.send(new DisableKeyCommand({ KeyId: key.KeyId }))).rejects.toMatchObject({ name: 'KMSInvalidStateException' })
    expect(await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }))).toMatchObject({ KeyId: key.Arn })
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata).toMatchObject({ KeyState: 'Disabled' })
    await expect(kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }))).rejects.toMatchObject({ name: 'KMSInvalidStateException' })
  })
})
