// Two Palisade servers on one PostgreSQL database: a key, its alias and a rotation made through one are used
// through the other (key index kept fresh by LISTEN/NOTIFY), and a key disabled through one is refused by the other.
import { CreateAliasCommand, CreateKeyCommand, DecryptCommand, DisableKeyCommand, EncryptCommand, RotateKeyOnDemandCommand } from '@aws-sdk/client-kms'
import { expect, it, vi } from 'vitest'
import { forPostgres } from '../../src/storage/testing.js'
import { startTestPalisade } from '../support/palisade.js'
import { kmsClient } from './kms-client.js'

const ROOT_KEY = Buffer.alloc(32, 9).toString('base64')
const PROPAGATION = { timeout: 5000, interval: 50 }

forPostgres('KMS on PostgreSQL, two servers', (dialect) => {
  it('shares keys, aliases and rotations between servers, and a disable reaches both', async () => {
    const { url } = await dialect.config()
    const first = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    const second = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    try {
      const one = kmsClient(first)
      const two = kmsClient(second)
      const key = (await one.send(new CreateKeyCommand({}))).KeyMetadata!
      await one.send(new CreateAliasCommand({ AliasName: 'alias/shared', TargetKeyId: key.KeyId }))
      const before = await one.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('before') }))
      await one.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }))

      // The second server encrypts under the alias with the rotated material (version 2, bytes 29–32 of the blob).
      const after = await vi.waitFor(async () => {
        const encrypted = await two.send(new EncryptCommand({ KeyId: 'alias/shared', Plaintext: Buffer.from('after') }))
        expect(Buffer.from(encrypted.CiphertextBlob!).readUInt32BE(29)).toBe(2)
        return encrypted
      }, PROPAGATION)
      expect(Buffer.from((await two.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob }))).Plaintext!).toString()).toBe('before')
      expect(Buffer.from((await one.send(new DecryptCommand({ CiphertextBlob: after.CiphertextBlob }))).Plaintext!).toString()).toBe('after')

      await two.send(new DisableKeyCommand({ KeyId: key.KeyId }))
      await vi.waitFor(
        () => expect(one.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))).rejects.toMatchObject({ name: 'DisabledException' }),
        PROPAGATION,
      )
    } finally {
      await first.stop()
      await second.stop()
    }
  })
})
