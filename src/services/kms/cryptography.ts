// The cryptographic operations: Encrypt, Decrypt, ReEncrypt, data keys and data key pairs, GenerateRandom,
// Sign/Verify, GetPublicKey and GenerateMac/VerifyMac.
import {
  DryRunOperationException, IncorrectKeyException, InvalidCiphertextException, InvalidKeyUsageException,
  KMSInvalidMacException, KMSInvalidSignatureException, UnsupportedOperationException,
} from '../../generated/kms/errors.js'
import type { KmsApi } from '../../generated/kms/api.js'
import type { DataKeySpec, EncryptionAlgorithmSpec, MessageType, RecipientInfo, SigningAlgorithmSpec } from '../../generated/kms/types.js'
import type { OperationContext } from '../../core/operation.js'
import { BLOB_IV_BYTES, openBlob, readBlobHeader, sealBlob } from './ciphertext-blob.js'
import { checkGrantTokens } from './grant-tokens.js'
import type { KmsKey } from './key-index.js'
import { requireEnabled, requireKey, requireUsableKey } from './key-lookup.js'
import { DIGEST_BYTES, generatePair, isOaepAlgorithm, mac, macMatches, publicKeyDer, rsaDecrypt, rsaEncrypt, signMessage, signingScheme, verifyMessage } from './key-material.js'
import { isAsymmetric, keyAlgorithms } from './key-specs.js'
import type { KmsDeps } from './kms-deps.js'
import { ValidationException } from './kms-errors.js'

type Context = Readonly<Record<string, string>> | undefined

export function cryptographyOperations(deps: KmsDeps) {
  const { ids, keys } = deps

  /** Encrypts under `key` with the newest material (symmetric) or its public key (RSA). */
  const encryptWith = (key: KmsKey, algorithm: EncryptionAlgorithmSpec, plaintext: Uint8Array, context: Context): Buffer => {
    if (!keyAlgorithms(key.keySpec, key.keyUsage).encryptionAlgorithms.includes(algorithm)) {
      throw new InvalidKeyUsageException(`The encryption algorithm ${algorithm} is not compatible with ${key.arn}.`)
    }
    const opened = keys.material(key)
    if (!opened) throw new Error(`key \`${key.arn}\` has no material`)
    if (opened.material.kind === 'secret') {
      const header = { accountId: key.accountId, keyId: key.keyId, materialVersion: opened.version }
      return sealBlob(header, opened.material.secret, ids.bytes(BLOB_IV_BYTES), plaintext, context)
    }
    if (context && Object.keys(context).length > 0) throw new ValidationException('EncryptionContext is not supported with asymmetric KMS keys.')
    if (!isOaepAlgorithm(algorithm)) throw new InvalidKeyUsageException(`The encryption algorithm ${algorithm} is not compatible with ${key.arn}.`)
    try {
      return rsaEncrypt(opened.material.publicKey, algorithm, plaintext)
    } catch {
      throw new ValidationException(`Plaintext is too long for ${key.keySpec} with ${algorithm}.`)
    }
  }

  /** Finds the key (from KeyId, or from the blob) and decrypts; InvalidCiphertextException for anything that fails to authenticate. */
  const decryptBlob = async (
    blob: Uint8Array | undefined, keyIdParameter: string | undefined, algorithm: EncryptionAlgorithmSpec | undefined, context: Context,
    ctx: OperationContext, operation: string,
  ): Promise<{ key: KmsKey; plaintext: Buffer; algorithm: EncryptionAlgorithmSpec }> => {
    if (!blob) throw new ValidationException('CiphertextBlob is required.')
    const header = readBlobHeader(blob)
    const named = keyIdParameter === undefined ? undefined : requireKey(keys, keyIdParameter, ctx)
    if (named && isAsymmetric(named.keySpec)) {
      const key = requireUsableKey(keys, named.arn, ctx, 'ENCRYPT_DECRYPT', operation)
      if (!algorithm || !isOaepAlgorithm(algorithm)) {
        throw new InvalidKeyUsageException(`The encryption algorithm ${algorithm ?? 'SYMMETRIC_DEFAULT'} is not compatible with ${key.arn}.`)
      }
      const opened = keys.material(key)
      const plaintext = opened?.material.kind === 'pair'
        ? await rsaDecrypt(keys.privateKeys, `${key.arn}#${opened.version}`, opened.material.der, algorithm, blob)
        : undefined
      if (!plaintext) throw new InvalidCiphertextException('')
      return { key, plaintext, algorithm }
    }
    if (!header) throw new InvalidCiphertextException('')
    const owner = keys.keyArn(header.accountId, header.keyId)
    if (named && named.arn !== owner) {
      throw new IncorrectKeyException('The key ID in the request does not identify a CMK that can perform this operation.')
    }
    const key = requireUsableKey(keys, owner, ctx, 'ENCRYPT_DECRYPT', operation)
    if (algorithm !== undefined && algorithm !== 'SYMMETRIC_DEFAULT') {
      throw new InvalidKeyUsageException(`The encryption algorithm ${algorithm} is not compatible with ${key.arn}.`)
    }
    const opened = keys.material(key, header.materialVersion)
    const plaintext = opened?.material.kind === 'secret' ? openBlob(blob, opened.material.secret, context) : undefined
    if (!plaintext) throw new InvalidCiphertextException('')
    return { key, plaintext, algorithm: 'SYMMETRIC_DEFAULT' }
  }

  const dataKeyLength = (numberOfBytes: number | undefined, keySpec: DataKeySpec | undefined): number => {
    if (numberOfBytes !== undefined && keySpec !== undefined) throw new ValidationException('Please specify either number of bytes or key spec.')
    if (keySpec !== undefined) return keySpec === 'AES_128' ? 16 : 32
    if (numberOfBytes === undefined) throw new ValidationException('Please specify either number of bytes or key spec.')
    return numberOfBytes
  }

  const symmetricKey = (keyId: string, ctx: OperationContext, operation: string) => {
    const key = requireUsableKey(keys, keyId, ctx, 'ENCRYPT_DECRYPT', operation)
    if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw new InvalidKeyUsageException(`${key.arn} key usage is not valid for ${operation}: it is not a symmetric encryption key.`)
    return key
  }

  const dataKeyPair = async (input: { KeyId: string; KeyPairSpec: string; EncryptionContext?: Record<string, string>; DryRun?: boolean }, ctx: OperationContext, operation: string) => {
    const key = symmetricKey(input.KeyId, ctx, operation)
    if (!/^(RSA_(2048|3072|4096)|ECC_NIST_P(256|384|521)|ECC_SECG_P256K1)$/.test(input.KeyPairSpec)) {
      throw new UnsupportedOperationException(`KeyPairSpec ${input.KeyPairSpec} is not supported by this server.`)
    }
    dryRun(input.DryRun)
    const pair = await generatePair(input.KeyPairSpec as 'RSA_2048')
    return { key, pair, blob: encryptWith(key, 'SYMMETRIC_DEFAULT', pair.privateKey, input.EncryptionContext) }
  }

  return {
    async Encrypt(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      const key = requireUsableKey(keys, input.KeyId, ctx, 'ENCRYPT_DECRYPT', 'Encrypt')
      const algorithm = input.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT'
      const blob = encryptWith(key, algorithm, input.Plaintext, input.EncryptionContext)
      dryRun(input.DryRun)
      return { CiphertextBlob: blob, KeyId: key.arn, EncryptionAlgorithm: algorithm }
    },

    async Decrypt(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      refuseRecipient(input.Recipient)
      const { key, plaintext, algorithm } = await decryptBlob(input.CiphertextBlob, input.KeyId, input.EncryptionAlgorithm, input.EncryptionContext, ctx, 'Decrypt')
      dryRun(input.DryRun)
      return { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: algorithm }
    },

    async ReEncrypt(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      const source = await decryptBlob(input.CiphertextBlob, input.SourceKeyId, input.SourceEncryptionAlgorithm, input.SourceEncryptionContext, ctx, 'ReEncrypt')
      const destination = requireUsableKey(keys, input.DestinationKeyId, ctx, 'ENCRYPT_DECRYPT', 'ReEncrypt')
      const algorithm = input.DestinationEncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT'
      const blob = encryptWith(destination, algorithm, source.plaintext, input.DestinationEncryptionContext)
      source.plaintext.fill(0)
      dryRun(input.DryRun)
      return {
        CiphertextBlob: blob, SourceKeyId: source.key.arn, KeyId: destination.arn,
        SourceEncryptionAlgorithm: source.algorithm, DestinationEncryptionAlgorithm: algorithm,
      }
    },

    async GenerateDataKey(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      refuseRecipient(input.Recipient)
      const key = symmetricKey(input.KeyId, ctx, 'GenerateDataKey')
      const plaintext = ids.bytes(dataKeyLength(input.NumberOfBytes, input.KeySpec))
      const blob = encryptWith(key, 'SYMMETRIC_DEFAULT', plaintext, input.EncryptionContext)
      dryRun(input.DryRun)
      return { CiphertextBlob: blob, Plaintext: plaintext, KeyId: key.arn }
    },

    async GenerateDataKeyWithoutPlaintext(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      const key = symmetricKey(input.KeyId, ctx, 'GenerateDataKeyWithoutPlaintext')
      const plaintext = ids.bytes(dataKeyLength(input.NumberOfBytes, input.KeySpec))
      const blob = encryptWith(key, 'SYMMETRIC_DEFAULT', plaintext, input.EncryptionContext)
      plaintext.fill(0)
      dryRun(input.DryRun)
      return { CiphertextBlob: blob, KeyId: key.arn }
    },

    async GenerateDataKeyPair(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      refuseRecipient(input.Recipient)
      const { key, pair, blob } = await dataKeyPair(input, ctx, 'GenerateDataKeyPair')
      return { PrivateKeyCiphertextBlob: blob, PrivateKeyPlaintext: pair.privateKey, PublicKey: pair.publicKey, KeyId: key.arn, KeyPairSpec: input.KeyPairSpec }
    },

    async GenerateDataKeyPairWithoutPlaintext(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      const { key, pair, blob } = await dataKeyPair(input, ctx, 'GenerateDataKeyPairWithoutPlaintext')
      pair.privateKey.fill(0)
      return { PrivateKeyCiphertextBlob: blob, PublicKey: pair.publicKey, KeyId: key.arn, KeyPairSpec: input.KeyPairSpec }
    },

    async GenerateRandom(input) {
      refuseRecipient(input.Recipient)
      if (input.NumberOfBytes === undefined) throw new ValidationException('NumberOfBytes is required.')
      return { Plaintext: ids.bytes(input.NumberOfBytes) }
    },

    async Sign(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      const key = signingKey(input.KeyId, input.SigningAlgorithm, ctx, 'Sign')
      const isDigest = checkMessageType(input.MessageType, input.SigningAlgorithm, input.Message)
      const opened = keys.material(key)
      if (opened?.material.kind !== 'pair') throw new Error(`key \`${key.arn}\` has no key pair`)
      dryRun(input.DryRun)
      const signature = await signMessage(keys.privateKeys, `${key.arn}#${opened.version}`, opened.material, input.SigningAlgorithm, input.Message, isDigest)
      return { KeyId: key.arn, Signature: signature, SigningAlgorithm: input.SigningAlgorithm }
    },

    async Verify(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      const key = signingKey(input.KeyId, input.SigningAlgorithm, ctx, 'Verify')
      const isDigest = checkMessageType(input.MessageType, input.SigningAlgorithm, input.Message)
      const opened = keys.material(key)
      if (opened?.material.kind !== 'pair') throw new Error(`key \`${key.arn}\` has no key pair`)
      dryRun(input.DryRun)
      if (!verifyMessage(opened.material, input.SigningAlgorithm, input.Message, input.Signature, isDigest)) {
        throw new KMSInvalidSignatureException('')
      }
      return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: input.SigningAlgorithm }
    },

    async GetPublicKey(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      const key = requireKey(keys, input.KeyId, ctx)
      requireEnabled(key)
      if (!isAsymmetric(key.keySpec)) throw new UnsupportedOperationException(`${key.arn} key usage is not valid for GetPublicKey: it is not an asymmetric key.`)
      const opened = keys.material(key)
      if (!opened) throw new Error(`key \`${key.arn}\` has no material`)
      const algorithms = keyAlgorithms(key.keySpec, key.keyUsage)
      return {
        KeyId: key.arn,
        PublicKey: publicKeyDer(opened.material),
        CustomerMasterKeySpec: key.keySpec as 'RSA_2048',
        KeySpec: key.keySpec,
        KeyUsage: key.keyUsage,
        ...(algorithms.encryptionAlgorithms.length > 0 && { EncryptionAlgorithms: [...algorithms.encryptionAlgorithms] }),
        ...(algorithms.signingAlgorithms.length > 0 && { SigningAlgorithms: [...algorithms.signingAlgorithms] }),
      }
    },

    async GenerateMac(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      const secret = macSecret(input.KeyId, input.MacAlgorithm, ctx, 'GenerateMac')
      dryRun(input.DryRun)
      return { Mac: mac(secret.secret, input.MacAlgorithm, input.Message), MacAlgorithm: input.MacAlgorithm, KeyId: secret.key.arn }
    },

    async VerifyMac(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      const secret = macSecret(input.KeyId, input.MacAlgorithm, ctx, 'VerifyMac')
      dryRun(input.DryRun)
      if (!macMatches(mac(secret.secret, input.MacAlgorithm, input.Message), input.Mac)) throw new KMSInvalidMacException('')
      return { KeyId: secret.key.arn, MacValid: true, MacAlgorithm: input.MacAlgorithm }
    },
  } satisfies Partial<KmsApi>

  function signingKey(keyId: string, algorithm: SigningAlgorithmSpec, ctx: OperationContext, operation: string): KmsKey {
    const key = requireUsableKey(keys, keyId, ctx, 'SIGN_VERIFY', operation)
    if (!keyAlgorithms(key.keySpec, key.keyUsage).signingAlgorithms.includes(algorithm)) {
      throw new InvalidKeyUsageException(`The signing algorithm ${algorithm} is not compatible with ${key.arn}.`)
    }
    return key
  }

  function macSecret(keyId: string, algorithm: string, ctx: OperationContext, operation: string) {
    const key = requireUsableKey(keys, keyId, ctx, 'GENERATE_VERIFY_MAC', operation)
    if (!keyAlgorithms(key.keySpec, key.keyUsage).macAlgorithms.includes(algorithm as 'HMAC_SHA_256')) {
      throw new InvalidKeyUsageException(`The MAC algorithm ${algorithm} is not compatible with ${key.arn}.`)
    }
    const opened = keys.material(key)
    if (opened?.material.kind !== 'secret') throw new Error(`key \`${key.arn}\` has no secret`)
    return { key, secret: opened.material.secret }
  }
}

/** RAW (default) or DIGEST; a digest must be as long as the algorithm's hash. Returns whether it is a digest. */
function checkMessageType(type: MessageType | undefined, algorithm: SigningAlgorithmSpec, message: Uint8Array): boolean {
  if (type === undefined || type === 'RAW') return false
  if (type !== 'DIGEST') throw new ValidationException(`MessageType ${type} is not supported by this server.`)
  const expected = DIGEST_BYTES[signingScheme(algorithm).hash]
  if (message.length !== expected) throw new ValidationException(`Digest is invalid length for algorithm ${algorithm}.`)
  return true
}

/**
 * A Recipient asks for the result encrypted to a Nitro enclave's attested public key instead of in plaintext
 * (https://docs.aws.amazon.com/kms/latest/developerguide/services-nitro-enclaves.html); without attestation support
 * the only safe answer is a refusal, never the plaintext the caller meant to keep out of its host.
 */
function refuseRecipient(recipient: RecipientInfo | undefined): void {
  if (recipient) throw new UnsupportedOperationException('Recipient (Nitro Enclaves attestation) is not supported by this server.')
}

// DryRun reports success without the result, after every check the real call makes
// (https://docs.aws.amazon.com/kms/latest/developerguide/programming-dryrun.html).
function dryRun(requested: boolean | undefined): void {
  if (requested) throw new DryRunOperationException('The request would have succeeded, but the DryRun option is set.')
}
