// KMS keys across a restart (material sealed at rest under the root key, index reloaded) and after POST /_palisade/reset.
import { CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, ListKeysCommand } from '@aws-sdk/client-kms'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startPalisade } from '../../src/app/start-palisade.js'
import { readConfig } from '../../src/config/config.js'
import { silentLogger } from '../../src/core/logger.js'
import { startTestPalisade, TEST_ROOT_ACCESS_KEY_ID, TEST_ROOT_SECRET_ACCESS_KEY } from '../support/palisade.js'
import { kmsClient } from './kms-client.js'

const root = { accessKeyId: TEST_ROOT_ACCESS_KEY_ID, secretAccessKey: TEST_ROOT_SECRET_ACCESS_KEY }

describe('KMS keys over time', () => {
  it('decrypts after a restart on the same data directory, and finds keys by alias', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'palisade-kms-restart-'))
    const config = readConfig(['--port', '0', '--data-dir', dataDir, '--root-access-key-id', root.accessKeyId, '--root-secret-access-key', root.secretAccessKey], {})
    try {
      const first = await startPalisade(config, { log: silentLogger })
      const kms = kmsClient({ url: first.url, root })
      const key = (await kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }))).KeyMetadata!
      const symmetric = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/kept', TargetKeyId: symmetric.KeyId }))
      const sealed = await kms.send(new EncryptCommand({ KeyId: 'alias/kept', Plaintext: Buffer.from('survives'), EncryptionContext: { a: 'b' } }))
      const rsa = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('rsa'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))
      await first.close()

      const second = await startPalisade(config, { log: silentLogger })
      const again = kmsClient({ url: second.url, root })
      expect((await again.send(new DescribeKeyCommand({ KeyId: 'alias/kept' }))).KeyMetadata?.KeyId).toBe(symmetric.KeyId)
      expect(Buffer.from((await again.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { a: 'b' } }))).Plaintext!).toString()).toBe('survives')
      expect(Buffer.from((await again.send(new DecryptCommand({ KeyId: key.KeyId, CiphertextBlob: rsa.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))).Plaintext!).toString()).toBe('rsa')
      await second.close()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('forgets every key on POST /_palisade/reset', async () => {
    const palisade = await startTestPalisade(['--allow-reset'])
    try {
      const kms = kmsClient(palisade)
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!
      const response = await fetch(`${palisade.url}/_palisade/reset`, { method: 'POST' })
      expect(response.status).toBe(200)
      await expect.poll(async () => (await kms.send(new ListKeysCommand({}))).Keys).toEqual([])
      await expect(kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).rejects.toMatchObject({ name: 'NotFoundException' })
    } finally {
      await palisade.stop()
    }
  })
})
