// End to end: KMS cryptography (Encrypt/Decrypt/ReEncrypt, data keys, Sign/Verify, MACs, GetPublicKey), including
// envelope encryption as an application does it and interoperability with node:crypto.
import {
  CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand, GenerateDataKeyWithoutPlaintextCommand, GenerateMacCommand,
  GenerateRandomCommand, GetPublicKeyCommand, ReEncryptCommand, SignCommand, VerifyCommand, VerifyMacCommand,
  type KMSClient, type KeySpec, type KeyUsageType, type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms'
import { constants, createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, publicEncrypt, randomBytes, verify } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { kmsClient } from './kms-client.js'

describe('KMS cryptography', () => {
  let palisade: TestPalisade
  let kms: KMSClient
  let symmetricKey: string
  beforeAll(async () => {
    palisade = await startTestPalisade()
    kms = kmsClient(palisade)
    symmetricKey = await newKey('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT')
  })
  afterAll(() => palisade.stop())

  async function newKey(KeySpec: KeySpec, KeyUsage: KeyUsageType): Promise<string> {
    return (await kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }))).KeyMetadata!.Arn!
  }

  describe('Encrypt and Decrypt', () => {
    it('round-trips with the key found from the ciphertext alone', async () => {
      const encrypted = await kms.send(new EncryptCommand({ KeyId: symmetricKey, Plaintext: Buffer.from('secret data') }))
      expect(encrypted).toMatchObject({ KeyId: symmetricKey, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' })
      const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }))
      expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('secret data')
      expect(decrypted).toMatchObject({ KeyId: symmetricKey, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' })
    })

    it('binds the encryption context: the same pairs in any order decrypt, any other context fails', async () => {
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: symmetricKey, Plaintext: Buffer.from('x'), EncryptionContext: { a: '1', b: '2' } }))
      await expect(kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { b: '2', a: '1' } }))).resolves.toBeDefined()
      const others: (Record<string, string> | undefined)[] = [undefined, { a: '1' }, { a: '1', b: '3' }, { a: '1', b: '2', c: '3' }]
      for (const EncryptionContext of others) {
        await expect(kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' })
      }
    })

    it('rejects a tampered ciphertext with InvalidCiphertextException', async () => {
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: symmetricKey, Plaintext: Buffer.from('x') }))
      const tampered = Buffer.from(CiphertextBlob!)
      tampered[tampered.length - 1]! ^= 1
      await expect(kms.send(new DecryptCommand({ CiphertextBlob: tampered }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' })
      await expect(kms.send(new DecryptCommand({ CiphertextBlob: randomBytes(80) }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' })
    })

    it('answers IncorrectKeyException when KeyId names another key than the ciphertext', async () => {
      const other = await newKey('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT')
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: symmetricKey, Plaintext: Buffer.from('x') }))
      await expect(kms.send(new DecryptCommand({ CiphertextBlob, KeyId: other }))).rejects.toMatchObject({ name: 'IncorrectKeyException' })
    })

    it('refuses a signing key for Encrypt with InvalidKeyUsageException', async () => {
      const signing = await newKey('ECC_NIST_P256', 'SIGN_VERIFY')
      await expect(kms.send(new EncryptCommand({ KeyId: signing, Plaintext: Buffer.from('x') }))).rejects.toMatchObject({ name: 'InvalidKeyUsageException' })
    })

    it('ReEncrypt moves a ciphertext to another key and context without exposing the plaintext', async () => {
      const destination = await newKey('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT')
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: symmetricKey, Plaintext: Buffer.from('move me'), EncryptionContext: { from: 'a' } }))
      const moved = await kms.send(new ReEncryptCommand({
        CiphertextBlob, SourceEncryptionContext: { from: 'a' }, DestinationKeyId: destination, DestinationEncryptionContext: { to: 'b' },
      }))
      expect(moved).toMatchObject({ SourceKeyId: symmetricKey, KeyId: destination })
      const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob, EncryptionContext: { to: 'b' } }))
      expect(decrypted.KeyId).toBe(destination)
      expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('move me')
    })
  })

  describe('envelope encryption', () => {
    it('GenerateDataKey, encrypt locally, drop the plaintext key, Decrypt the wrapped key later', async () => {
      const context = { tenant: 'acme' }
      const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: symmetricKey, KeySpec: 'AES_256', EncryptionContext: context }))
      expect(dataKey.Plaintext).toHaveLength(32)
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', dataKey.Plaintext!, iv)
      const stored = { wrappedKey: dataKey.CiphertextBlob!, iv, body: Buffer.concat([cipher.update('4 KiB of records'), cipher.final()]), tag: cipher.getAuthTag() }
      dataKey.Plaintext!.fill(0)

      const unwrapped = await kms.send(new DecryptCommand({ CiphertextBlob: stored.wrappedKey, EncryptionContext: context }))
      const decipher = createDecipheriv('aes-256-gcm', unwrapped.Plaintext!, stored.iv)
      decipher.setAuthTag(stored.tag)
      expect(Buffer.concat([decipher.update(stored.body), decipher.final()]).toString()).toBe('4 KiB of records')
    })

    it('GenerateDataKeyWithoutPlaintext gives a wrapped key that decrypts to NumberOfBytes', async () => {
      const dataKey = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: symmetricKey, NumberOfBytes: 64 }))
      expect(dataKey).not.toHaveProperty('Plaintext')
      expect((await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob }))).Plaintext).toHaveLength(64)
    })

    it('rejects both NumberOfBytes and KeySpec, or neither, with ValidationException', async () => {
      await expect(kms.send(new GenerateDataKeyCommand({ KeyId: symmetricKey, NumberOfBytes: 32, KeySpec: 'AES_256' }))).rejects.toMatchObject({ name: 'ValidationException' })
      await expect(kms.send(new GenerateDataKeyCommand({ KeyId: symmetricKey }))).rejects.toMatchObject({ name: 'ValidationException' })
    })

    it('GenerateDataKeyPair gives a usable pair whose wrapped private key decrypts to the same key', async () => {
      const pair = await kms.send(new GenerateDataKeyPairCommand({ KeyId: symmetricKey, KeyPairSpec: 'ECC_NIST_P256' }))
      const privateKey = createPrivateKey({ key: Buffer.from(pair.PrivateKeyPlaintext!), format: 'der', type: 'pkcs8' })
      expect(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })).toEqual(Buffer.from(pair.PublicKey!))
      const unwrapped = await kms.send(new DecryptCommand({ CiphertextBlob: pair.PrivateKeyCiphertextBlob }))
      expect(Buffer.from(unwrapped.Plaintext!)).toEqual(Buffer.from(pair.PrivateKeyPlaintext!))
      const withoutPlaintext = await kms.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: symmetricKey, KeyPairSpec: 'RSA_2048' }))
      expect(withoutPlaintext).toMatchObject({ KeyPairSpec: 'RSA_2048', KeyId: symmetricKey })
      expect(withoutPlaintext).not.toHaveProperty('PrivateKeyPlaintext')
    })
  })

  it('answers DryRunOperationException when DryRun is set and the call would succeed, and the real error otherwise', async () => {
    await expect(kms.send(new EncryptCommand({ KeyId: symmetricKey, Plaintext: Buffer.from('x'), DryRun: true }))).rejects.toMatchObject({ name: 'DryRunOperationException' })
    const signing = await newKey('RSA_2048', 'SIGN_VERIFY')
    await expect(kms.send(new SignCommand({ KeyId: signing, Message: Buffer.from('x'), SigningAlgorithm: 'RSASSA_PSS_SHA_256', DryRun: true }))).rejects.toMatchObject({ name: 'DryRunOperationException' })
    await expect(kms.send(new EncryptCommand({ KeyId: signing, Plaintext: Buffer.from('x'), DryRun: true }))).rejects.toMatchObject({ name: 'InvalidKeyUsageException' })
  })

  it('refuses a Recipient (enclave attestation) instead of answering in plaintext', async () => {
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: symmetricKey, Plaintext: Buffer.from('x') }))
    const Recipient = { KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256' as const, AttestationDocument: Buffer.from('attestation') }
    await expect(kms.send(new DecryptCommand({ CiphertextBlob, Recipient }))).rejects.toMatchObject({ name: 'UnsupportedOperationException' })
    await expect(kms.send(new GenerateDataKeyCommand({ KeyId: symmetricKey, KeySpec: 'AES_256', Recipient }))).rejects.toMatchObject({ name: 'UnsupportedOperationException' })
  })

  it('GenerateRandom returns the requested number of bytes', async () => {
    const random = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 48 }))
    expect(random.Plaintext).toHaveLength(48)
  })

  describe('asymmetric keys', () => {
    it.each(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] as const)('decrypts %s ciphertext made outside with the public key', async (algorithm) => {
      const key = await newKey('RSA_2048', 'ENCRYPT_DECRYPT')
      const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: key }))
      const publicKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' })
      const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: algorithm === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256' }, Buffer.from('outside'))
      const decrypted = await kms.send(new DecryptCommand({ KeyId: key, CiphertextBlob: ciphertext, EncryptionAlgorithm: algorithm }))
      expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('outside')
      const inside = await kms.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('inside'), EncryptionAlgorithm: algorithm }))
      const back = await kms.send(new DecryptCommand({ KeyId: key, CiphertextBlob: inside.CiphertextBlob, EncryptionAlgorithm: algorithm }))
      expect(Buffer.from(back.Plaintext!).toString()).toBe('inside')
    })

    it('signs and decrypts with RSA_4096 keys (private-key work on worker threads)', async () => {
      const signing = await newKey('RSA_4096', 'SIGN_VERIFY')
      const signatures = await Promise.all([1, 2, 3, 4].map((n) =>
        kms.send(new SignCommand({ KeyId: signing, Message: Buffer.from(`message ${n}`), SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }))))
      const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: signing }))
      const publicKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' })
      signatures.forEach(({ Signature }, index) => expect(verify('sha256', Buffer.from(`message ${index + 1}`), publicKey, Signature!)).toBe(true))
      const decrypting = await newKey('RSA_4096', 'ENCRYPT_DECRYPT')
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: decrypting, Plaintext: Buffer.from('big'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))
      await expect(kms.send(new DecryptCommand({ KeyId: decrypting, CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' })
      const decrypted = await kms.send(new DecryptCommand({ KeyId: decrypting, CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))
      expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('big')
    })

    const signingCases: { name: string; spec: KeySpec; algorithm: SigningAlgorithmSpec; hash: string; padding?: number; digest: boolean }[] = [
      { name: 'RSA PSS SHA-256 over a message', spec: 'RSA_2048', algorithm: 'RSASSA_PSS_SHA_256', hash: 'sha256', padding: constants.RSA_PKCS1_PSS_PADDING, digest: false },
      { name: 'RSA PSS SHA-384 over a digest', spec: 'RSA_2048', algorithm: 'RSASSA_PSS_SHA_384', hash: 'sha384', padding: constants.RSA_PKCS1_PSS_PADDING, digest: true },
      { name: 'RSA PKCS#1 v1.5 SHA-512 over a message', spec: 'RSA_2048', algorithm: 'RSASSA_PKCS1_V1_5_SHA_512', hash: 'sha512', padding: constants.RSA_PKCS1_PADDING, digest: false },
      { name: 'RSA PKCS#1 v1.5 SHA-256 over a digest', spec: 'RSA_2048', algorithm: 'RSASSA_PKCS1_V1_5_SHA_256', hash: 'sha256', padding: constants.RSA_PKCS1_PADDING, digest: true },
      { name: 'ECDSA P-256', spec: 'ECC_NIST_P256', algorithm: 'ECDSA_SHA_256', hash: 'sha256', digest: false },
      { name: 'ECDSA P-384', spec: 'ECC_NIST_P384', algorithm: 'ECDSA_SHA_384', hash: 'sha384', digest: false },
      { name: 'ECDSA P-521', spec: 'ECC_NIST_P521', algorithm: 'ECDSA_SHA_512', hash: 'sha512', digest: false },
      { name: 'ECDSA secp256k1', spec: 'ECC_SECG_P256K1', algorithm: 'ECDSA_SHA_256', hash: 'sha256', digest: false },
      { name: 'ECDSA P-256 over a digest', spec: 'ECC_NIST_P256', algorithm: 'ECDSA_SHA_256', hash: 'sha256', digest: true },
      { name: 'ECDSA P-384 over a digest', spec: 'ECC_NIST_P384', algorithm: 'ECDSA_SHA_384', hash: 'sha384', digest: true },
      { name: 'ECDSA P-521 over a digest', spec: 'ECC_NIST_P521', algorithm: 'ECDSA_SHA_512', hash: 'sha512', digest: true },
      { name: 'ECDSA secp256k1 over a digest', spec: 'ECC_SECG_P256K1', algorithm: 'ECDSA_SHA_256', hash: 'sha256', digest: true },
    ]
    it.each(signingCases)('$name: the signature verifies with node:crypto and with Verify', async ({ spec, algorithm, hash, padding, digest }) => {
      const key = await newKey(spec, 'SIGN_VERIFY')
      const message = Buffer.from('signed statement')
      const Message = digest ? createHash(hash).update(message).digest() : message
      const MessageType = digest ? 'DIGEST' : 'RAW'
      const { Signature } = await kms.send(new SignCommand({ KeyId: key, Message, MessageType, SigningAlgorithm: algorithm }))
      const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: key }))
      const publicKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' })
      expect(verify(hash, message, { key: publicKey, padding, saltLength: padding === constants.RSA_PKCS1_PSS_PADDING ? createHash(hash).digest().length : undefined }, Signature!)).toBe(true)
      expect(await kms.send(new VerifyCommand({ KeyId: key, Message, MessageType, Signature, SigningAlgorithm: algorithm }))).toMatchObject({ SignatureValid: true, KeyId: key })
      const wrong = Buffer.from(Signature!)
      wrong[wrong.length - 2]! ^= 1
      await expect(kms.send(new VerifyCommand({ KeyId: key, Message, MessageType, Signature: wrong, SigningAlgorithm: algorithm })))
        .rejects.toMatchObject({ name: 'KMSInvalidSignatureException' })
    })

    it.each([
      { spec: 'ECC_NIST_P521', algorithm: 'ECDSA_SHA_512', hash: 'sha512' },
      { spec: 'ECC_SECG_P256K1', algorithm: 'ECDSA_SHA_256', hash: 'sha256' },
      { spec: 'RSA_3072', algorithm: 'RSASSA_PSS_SHA_512', hash: 'sha512' },
    ] as const)('$algorithm on $spec: a RAW signature verifies as DIGEST of the message, and the other way round', async ({ spec, algorithm, hash }) => {
      const key = await newKey(spec, 'SIGN_VERIFY')
      const message = Buffer.from('either way')
      const digest = createHash(hash).update(message).digest()
      const raw = await kms.send(new SignCommand({ KeyId: key, Message: message, SigningAlgorithm: algorithm }))
      const fromDigest = await kms.send(new SignCommand({ KeyId: key, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: algorithm }))
      await expect(kms.send(new VerifyCommand({ KeyId: key, Message: digest, MessageType: 'DIGEST', Signature: raw.Signature, SigningAlgorithm: algorithm }))).resolves.toMatchObject({ SignatureValid: true })
      await expect(kms.send(new VerifyCommand({ KeyId: key, Message: message, Signature: fromDigest.Signature, SigningAlgorithm: algorithm }))).resolves.toMatchObject({ SignatureValid: true })
      await expect(kms.send(new VerifyCommand({ KeyId: key, Message: createHash(hash).update('other').digest(), MessageType: 'DIGEST', Signature: raw.Signature, SigningAlgorithm: algorithm })))
        .rejects.toMatchObject({ name: 'KMSInvalidSignatureException' })
    })

    it('rejects a signing algorithm the key does not offer with InvalidKeyUsageException', async () => {
      const key = await newKey('ECC_NIST_P256', 'SIGN_VERIFY')
      await expect(kms.send(new SignCommand({ KeyId: key, Message: Buffer.from('x'), SigningAlgorithm: 'ECDSA_SHA_384' }))).rejects.toMatchObject({ name: 'InvalidKeyUsageException' })
    })

    it('rejects a digest of the wrong length with ValidationException', async () => {
      const key = await newKey('RSA_2048', 'SIGN_VERIFY')
      await expect(kms.send(new SignCommand({ KeyId: key, Message: Buffer.alloc(20), MessageType: 'DIGEST', SigningAlgorithm: 'RSASSA_PSS_SHA_256' })))
        .rejects.toMatchObject({ name: 'ValidationException' })
    })

    it('GetPublicKey describes the key and refuses symmetric keys', async () => {
      const key = await newKey('ECC_NIST_P384', 'SIGN_VERIFY')
      expect(await kms.send(new GetPublicKeyCommand({ KeyId: key }))).toMatchObject({ KeyId: key, KeySpec: 'ECC_NIST_P384', KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: ['ECDSA_SHA_384'] })
      await expect(kms.send(new GetPublicKeyCommand({ KeyId: symmetricKey }))).rejects.toMatchObject({ name: 'UnsupportedOperationException' })
    })
  })

  describe('HMAC keys', () => {
    it.each([
      { spec: 'HMAC_224', algorithm: 'HMAC_SHA_224', hash: 'sha224' },
      { spec: 'HMAC_512', algorithm: 'HMAC_SHA_512', hash: 'sha512' },
    ] as const)('$algorithm: GenerateMac is an HMAC that VerifyMac accepts and a changed MAC fails', async ({ spec, algorithm, hash }) => {
      const key = await newKey(spec, 'GENERATE_VERIFY_MAC')
      const { Mac } = await kms.send(new GenerateMacCommand({ KeyId: key, Message: Buffer.from('m'), MacAlgorithm: algorithm }))
      expect(Mac).toHaveLength(createHmac(hash, 'k').digest().length)
      expect(await kms.send(new VerifyMacCommand({ KeyId: key, Message: Buffer.from('m'), MacAlgorithm: algorithm, Mac }))).toMatchObject({ MacValid: true })
      const wrong = Buffer.from(Mac!)
      wrong[0]! ^= 1
      await expect(kms.send(new VerifyMacCommand({ KeyId: key, Message: Buffer.from('m'), MacAlgorithm: algorithm, Mac: wrong })))
        .rejects.toMatchObject({ name: 'KMSInvalidMacException' })
      await expect(kms.send(new GenerateMacCommand({ KeyId: key, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' })))
        .rejects.toMatchObject({ name: 'InvalidKeyUsageException' })
    })
  })
})
