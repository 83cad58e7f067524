// End to end on PostgreSQL: the root key comes from --root-key (not a file), so rotate-root-key prints the new key once;
// servers started with it keep every secret, servers started with the old key refuse to start.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam'
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { rotateRootKeyCommand } from '../../src/cli/rotate-root-key.js'
import { forPostgres } from '../../src/storage/testing.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { callerArn } from '../support/stored-rows.js'

const OLD_KEY = Buffer.alloc(32, 9).toString('base64')

forPostgres('palisade rotate-root-key --database postgres://', (dialect) => {
  it('prints the generated key once, and only that key opens the secrets afterwards', async () => {
    const { url } = await dialect.config()
    const first = await startTestPalisade(['--database', url, '--root-key', OLD_KEY])
    let alice: { accessKeyId: string; secretAccessKey: string }
    let ciphertext: Uint8Array
    try {
      const iam = new IAMClient({ endpoint: first.url, region: 'us-east-1', credentials: first.root, maxAttempts: 1 })
      await iam.send(new CreateUserCommand({ UserName: 'alice' }))
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
      alice = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }
      const kms = new KMSClient({ endpoint: first.url, region: 'us-east-1', credentials: first.root, maxAttempts: 1 })
      const { KeyMetadata } = await kms.send(new CreateKeyCommand({}))
      ciphertext = (await kms.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId, Plaintext: Buffer.from('on postgres') }))).CiphertextBlob!
    } finally {
      await first.stop()
    }

    const dataDir = mkdtempSync(join(tmpdir(), 'palisade-rotate-pg-'))
    let stdout = ''
    let stderr = ''
    try {
      const code = await rotateRootKeyCommand(['--data-dir', dataDir, '--database', url, '--root-key', OLD_KEY], {}, {
        stdout: (text) => void (stdout += text),
        stderr: (text) => void (stderr += text),
      })
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
      expect(readdirSync(dataDir)).toEqual([]) // the key is not kept in a file, so none is written
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
    expect(stdout).toContain('KMS key material versions 1')
    const newKey = /^ {2}(\S{44})$/m.exec(stdout)?.[1]
    expect(newKey).toBeDefined()

    let second: TestPalisade | undefined
    try {
      second = await startTestPalisade(['--database', url, '--root-key', newKey!])
      expect(await callerArn(second, second.root)).toBe('arn:aws:iam::000000000000:root')
      expect(await callerArn(second, alice)).toBe('arn:aws:iam::000000000000:user/alice')
      const kms = new KMSClient({ endpoint: second.url, region: 'us-east-1', credentials: second.root, maxAttempts: 1 })
      expect(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: ciphertext }))).Plaintext!).toString()).toBe('on postgres')
    } finally {
      await second?.stop()
    }
    await expect(startTestPalisade(['--database', url, '--root-key', OLD_KEY])).rejects.toThrow('wrong root key')
  })
})
