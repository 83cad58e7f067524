// End to end: KMS aliases (every KeyId form AWS accepts) and key rotation (old material still decrypts).
import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, DeleteAliasCommand, DescribeKeyCommand, DisableKeyRotationCommand,
  EnableKeyRotationCommand, EncryptCommand, GetKeyRotationStatusCommand, ListAliasesCommand, ListKeyRotationsCommand,
  RotateKeyOnDemandCommand, UpdateAliasCommand, type KMSClient,
} from '@aws-sdk/client-kms'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { kmsClient } from './kms-client.js'

// Near real time: the SDK signs with the machine's clock, and SigV4 refuses a skew over 5 minutes.
const clock = fixedClock(Math.floor(Date.now() / 1000) * 1000)
const DAY_MS = 86_400_000

describe('KMS aliases and rotation', () => {
  let palisade: TestPalisade
  let kms: KMSClient
  beforeAll(async () => {
    palisade = await startTestPalisade([], { clock })
    kms = kmsClient(palisade)
  })
  afterAll(() => palisade.stop())

  const newKey = async () => (await kms.send(new CreateKeyCommand({}))).KeyMetadata!

  describe('aliases', () => {
    it('creates the AWS managed key when DescribeKey names its predefined alias before first use (by alias ARN too)', async () => {
      const byArn = (await kms.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:us-east-1:000000000000:alias/aws/s3' }))).KeyMetadata!
      expect(byArn).toMatchObject({ KeyManager: 'AWS', KeyState: 'Enabled', Description: 'Default key that protects my S3 objects when no other key is defined' })
      expect((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }))).KeyMetadata!.KeyId).toBe(byArn.KeyId)
      const listed = (await kms.send(new ListAliasesCommand({}))).Aliases!.filter((alias) => alias.AliasName === 'alias/aws/s3')
      expect(listed.map((alias) => alias.TargetKeyId)).toEqual([byArn.KeyId])
      // An alias/aws/ name Palisade makes no key for, and another account's alias ARN, are still not found.
      await expect(kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ebs' }))).rejects.toMatchObject({ name: 'NotFoundException' })
      await expect(kms.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:us-east-1:111122223333:alias/aws/s3' }))).rejects.toMatchObject({ name: 'NotFoundException' })
    })

    it('resolves a key by alias name and alias ARN wherever a KeyId is taken', async () => {
      const key = await newKey()
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: key.KeyId }))
      for (const KeyId of ['alias/orders', 'arn:aws:kms:us-east-1:000000000000:alias/orders', key.KeyId!, key.Arn!]) {
        expect((await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata?.KeyId).toBe(key.KeyId)
      }
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: 'alias/orders', Plaintext: Buffer.from('x') }))
      expect((await kms.send(new DecryptCommand({ CiphertextBlob }))).KeyId).toBe(key.Arn)
      const listed = await kms.send(new ListAliasesCommand({ KeyId: key.KeyId }))
      expect(listed.Aliases).toEqual([{
        AliasName: 'alias/orders', AliasArn: 'arn:aws:kms:us-east-1:000000000000:alias/orders', TargetKeyId: key.KeyId,
        CreationDate: clock.now(), LastUpdatedDate: clock.now(),
      }])
    })

    it('finds no key through an ARN of another region', async () => {
      const key = await newKey()
      await expect(kms.send(new DescribeKeyCommand({ KeyId: key.Arn!.replace('us-east-1', 'eu-west-1') }))).rejects.toMatchObject({ name: 'NotFoundException' })
    })

    it('answers an unknown alias with AWS\'s NotFoundException text', async () => {
      await expect(kms.send(new DescribeKeyCommand({ KeyId: 'alias/nothing' }))).rejects.toMatchObject({
        name: 'NotFoundException', message: 'Alias arn:aws:kms:us-east-1:000000000000:alias/nothing is not found.',
      })
    })

    it.each([
      { name: 'a name without the alias/ prefix', AliasName: 'orders' },
      { name: 'the reserved alias/aws/ prefix', AliasName: 'alias/aws/s3' },
    ])('rejects $name with InvalidAliasNameException', async ({ AliasName }) => {
      const key = await newKey()
      await expect(kms.send(new CreateAliasCommand({ AliasName, TargetKeyId: key.KeyId }))).rejects.toMatchObject({ name: 'InvalidAliasNameException' })
    })

    it('rejects a second alias of the same name with AlreadyExistsException', async () => {
      const key = await newKey()
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/twice', TargetKeyId: key.KeyId }))
      await expect(kms.send(new CreateAliasCommand({ AliasName: 'alias/twice', TargetKeyId: key.KeyId }))).rejects.toMatchObject({ name: 'AlreadyExistsException' })
    })

    it('UpdateAlias points the alias at another key and DeleteAlias removes it', async () => {
      const first = await newKey()
      const second = await newKey()
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: first.KeyId }))
      await kms.send(new UpdateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: second.Arn }))
      expect((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/moving' }))).KeyMetadata?.KeyId).toBe(second.KeyId)
      expect((await kms.send(new ListAliasesCommand({ KeyId: first.KeyId }))).Aliases).toEqual([])
      await kms.send(new DeleteAliasCommand({ AliasName: 'alias/moving' }))
      await expect(kms.send(new DescribeKeyCommand({ KeyId: 'alias/moving' }))).rejects.toMatchObject({ name: 'NotFoundException' })
      await expect(kms.send(new DeleteAliasCommand({ AliasName: 'alias/moving' }))).rejects.toMatchObject({ name: 'NotFoundException' })
    })
  })

  describe('rotation', () => {
    it('enables rotation with a period of 90–2560 days and reports the next date', async () => {
      const key = await newKey()
      await expect(kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 89 }))).rejects.toMatchObject({ name: 'ValidationException' })
      await expect(kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 2561 }))).rejects.toMatchObject({ name: 'ValidationException' })
      await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 180 }))
      expect(await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).toMatchObject({
        KeyRotationEnabled: true, KeyId: key.Arn, RotationPeriodInDays: 180, NextRotationDate: new Date(clock.now().getTime() + 180 * DAY_MS),
      })
      await kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId }))
      expect((await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).KeyRotationEnabled).toBe(false)
    })

    it('RotateKeyOnDemand: old ciphertext still decrypts, new ciphertext uses the new material', async () => {
      const key = await newKey()
      const before = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('old') }))
      expect(await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }))).toMatchObject({ KeyId: key.Arn })
      const after = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('new') }))
      // Bytes 29–32 of the blob carry the material version.
      expect(Buffer.from(before.CiphertextBlob!).readUInt32BE(29)).toBe(1)
      expect(Buffer.from(after.CiphertextBlob!).readUInt32BE(29)).toBe(2)
      expect(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob }))).Plaintext!).toString()).toBe('old')
      expect(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: after.CiphertextBlob }))).Plaintext!).toString()).toBe('new')
      expect((await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }))).Rotations).toEqual([
        { KeyId: key.Arn, RotationDate: clock.now(), RotationType: 'ON_DEMAND' },
      ])
    })

    it('refuses to rotate an asymmetric key with UnsupportedOperationException', async () => {
      const key = (await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!
      await expect(kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }))).rejects.toMatchObject({ name: 'UnsupportedOperationException' })
      await expect(kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }))).rejects.toMatchObject({ name: 'UnsupportedOperationException' })
      await expect(kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).rejects.toMatchObject({ name: 'UnsupportedOperationException' })
      await expect(kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }))).rejects.toMatchObject({ name: 'UnsupportedOperationException' })
    })
  })
})
