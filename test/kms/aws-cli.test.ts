// The real AWS CLI against Palisade's KMS: create a key, alias it, encrypt and decrypt a file, sign, and an error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

describe.skipIf(!awsCliAvailable)('KMS through the AWS CLI', () => {
  let palisade: TestPalisade
  const dir = mkdtempSync(join(tmpdir(), 'palisade-kms-cli-'))
  beforeAll(async () => { palisade = await startTestPalisade() })
  afterAll(async () => {
    await palisade.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const aws = async (...args: string[]) => {
    const result = await awsCli(palisade.url, palisade.root, args)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    return result.stdout
  }

  it('creates and aliases a key, then encrypts and decrypts a file with it', async () => {
    const created = JSON.parse(await aws('kms', 'create-key', '--description', 'from the cli')) as { KeyMetadata: { KeyId: string; Arn: string } }
    await aws('kms', 'create-alias', '--alias-name', 'alias/cli', '--target-key-id', created.KeyMetadata.KeyId)
    const aliases = JSON.parse(await aws('kms', 'list-aliases', '--key-id', created.KeyMetadata.KeyId)) as { Aliases: { AliasName: string }[] }
    expect(aliases.Aliases.map((alias) => alias.AliasName)).toEqual(['alias/cli'])

    const plaintextFile = join(dir, 'plain.bin')
    writeFileSync(plaintextFile, Buffer.from('file contents from the cli'))
    const encrypted = JSON.parse(await aws('kms', 'encrypt', '--key-id', 'alias/cli', '--plaintext', `fileb://${plaintextFile}`,
      '--encryption-context', 'purpose=test')) as { CiphertextBlob: string; KeyId: string }
    expect(encrypted.KeyId).toBe(created.KeyMetadata.Arn)
    const ciphertextFile = join(dir, 'cipher.bin')
    writeFileSync(ciphertextFile, Buffer.from(encrypted.CiphertextBlob, 'base64'))
    const decrypted = JSON.parse(await aws('kms', 'decrypt', '--ciphertext-blob', `fileb://${ciphertextFile}`, '--encryption-context', 'purpose=test')) as { Plaintext: string }
    expect(Buffer.from(decrypted.Plaintext, 'base64').toString()).toBe('file contents from the cli')
  })

  it('signs with an ECC key and verifies the signature', async () => {
    const created = JSON.parse(await aws('kms', 'create-key', '--key-spec', 'ECC_NIST_P256', '--key-usage', 'SIGN_VERIFY')) as { KeyMetadata: { KeyId: string } }
    const messageFile = join(dir, 'message.txt')
    writeFileSync(messageFile, 'sign me')
    const signed = JSON.parse(await aws('kms', 'sign', '--key-id', created.KeyMetadata.KeyId, '--message', `fileb://${messageFile}`,
      '--message-type', 'RAW', '--signing-algorithm', 'ECDSA_SHA_256')) as { Signature: string }
    const signatureFile = join(dir, 'signature.bin')
    writeFileSync(signatureFile, Buffer.from(signed.Signature, 'base64'))
    const verified = JSON.parse(await aws('kms', 'verify', '--key-id', created.KeyMetadata.KeyId, '--message', `fileb://${messageFile}`,
      '--message-type', 'RAW', '--signing-algorithm', 'ECDSA_SHA_256', '--signature', `fileb://${signatureFile}`)) as { SignatureValid: boolean }
    expect(verified.SignatureValid).toBe(true)
  })

  it('reports NotFoundException for an unknown alias', async () => {
    const result = await awsCli(palisade.url, palisade.root, ['kms', 'describe-key', '--key-id', 'alias/missing'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('NotFoundException')
    expect(result.stderr).toContain('Alias arn:aws:kms:us-east-1:000000000000:alias/missing is not found.')
  })
})
