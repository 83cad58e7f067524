// Key material: generated with node:crypto (RSA and EC pairs off the main thread), opened into usable keys, and
// the raw operations on it (sign, verify, MAC, RSA encryption). Material is never logged.
import { createHmac, createPrivateKey, createPublicKey, generateKeyPair, publicEncrypt, timingSafeEqual, verify, constants, type KeyObject } from 'node:crypto'
import type { DataKeyPairSpec, KeySpec, MacAlgorithmSpec, SigningAlgorithmSpec } from '../../generated/kms/types.js'
import { digestSignatureBlock, verifyDigest } from './digest-signing.js'
import { ecdsaSignDigest, ecdsaVerifyDigest } from './ecdsa-digest.js'
import type { PrivateKeyWorkers } from './private-key-workers.js'

/** A key's material opened for use: a secret (symmetric and HMAC keys) or a key pair. */
export type OpenMaterial =
  | { readonly kind: 'secret'; readonly secret: Buffer }
  | { readonly kind: 'pair'; readonly privateKey: KeyObject; readonly publicKey: KeyObject; readonly der: Buffer }

const SECRET_BYTES: Readonly<Partial<Record<KeySpec, number>>> = {
  SYMMETRIC_DEFAULT: 32, HMAC_224: 28, HMAC_256: 32, HMAC_384: 48, HMAC_512: 64,
}

const CURVES: Readonly<Record<string, string>> = {
  ECC_NIST_P256: 'prime256v1', ECC_NIST_P384: 'secp384r1', ECC_NIST_P521: 'secp521r1', ECC_SECG_P256K1: 'secp256k1',
}

/**
 * New material for a key of `spec`, as the bytes to seal: the raw secret, or a PKCS#8 DER private key.
 * The async generateKeyPair runs in libuv's thread pool, so RSA generation never blocks the event loop.
 */
export async function generateMaterial(spec: KeySpec, randomBytes: (length: number) => Buffer): Promise<Buffer> {
  const secretBytes = SECRET_BYTES[spec]
  if (secretBytes !== undefined) return randomBytes(secretBytes)
  const pair = await generatePair(spec)
  return pair.privateKey
}

/** A DER key pair (PKCS#8 private, SubjectPublicKeyInfo public) for a key spec or data key pair spec. */
export async function generatePair(spec: KeySpec | DataKeyPairSpec): Promise<{ privateKey: Buffer; publicKey: Buffer }> {
  const encoding = { publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } } as const
  const namedCurve = CURVES[spec]
  if (!spec.startsWith('RSA_') && namedCurve === undefined) throw new Error(`no generator for key spec \`${spec}\``)
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKey: Buffer, privateKey: Buffer) => (error ? reject(error) : resolve({ publicKey, privateKey }))
    if (spec.startsWith('RSA_')) generateKeyPair('rsa', { modulusLength: Number(spec.slice(4)), publicExponent: 65537, ...encoding }, done)
    else generateKeyPair('ec', { namedCurve: namedCurve!, ...encoding }, done)
  })
}

export function openMaterial(spec: KeySpec, bytes: Buffer): OpenMaterial {
  if (SECRET_BYTES[spec] !== undefined) return { kind: 'secret', secret: bytes }
  const privateKey = createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' })
  return { kind: 'pair', privateKey, publicKey: createPublicKey(privateKey), der: bytes }
}

export function publicKeyDer(material: OpenMaterial): Buffer {
  if (material.kind !== 'pair') throw new Error('a secret key has no public key')
  return material.publicKey.export({ type: 'spki', format: 'der' })
}

const OAEP_HASH = { RSAES_OAEP_SHA_1: 'sha1', RSAES_OAEP_SHA_256: 'sha256' } as const

export function rsaEncrypt(publicKey: KeyObject, algorithm: keyof typeof OAEP_HASH, plaintext: Uint8Array): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[algorithm] }, plaintext)
}

/** Undefined when the ciphertext does not decrypt under this key and algorithm. Runs on a worker thread. */
export function rsaDecrypt(workers: PrivateKeyWorkers, keyRef: string, der: Buffer, algorithm: keyof typeof OAEP_HASH, ciphertext: Uint8Array): Promise<Buffer | undefined> {
  return workers.run(keyRef, der, { kind: 'privateDecrypt', oaepHash: OAEP_HASH[algorithm], data: ciphertext })
}

export function isOaepAlgorithm(algorithm: string): algorithm is keyof typeof OAEP_HASH {
  return Object.hasOwn(OAEP_HASH, algorithm)
}

/** The hash and padding a signing algorithm uses. */
export function signingScheme(algorithm: SigningAlgorithmSpec): { hash: 'sha256' | 'sha384' | 'sha512'; padding?: number; saltLength?: number } {
  const hash = algorithm.endsWith('384') ? 'sha384' : algorithm.endsWith('512') ? 'sha512' : 'sha256'
  if (algorithm.startsWith('RSASSA_PSS')) {
    // KMS's PSS signatures use MGF1 with the same hash and a salt as long as the digest.
    return { hash, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: DIGEST_BYTES[hash] }
  }
  if (algorithm.startsWith('RSASSA_PKCS1')) return { hash, padding: constants.RSA_PKCS1_PADDING }
  return { hash }
}

export const DIGEST_BYTES = { sha256: 32, sha384: 48, sha512: 64 } as const

/** Signs on a worker thread: RSA private operations take milliseconds. */
export async function signMessage(
  workers: PrivateKeyWorkers, keyRef: string, material: Extract<OpenMaterial, { kind: 'pair' }>,
  algorithm: SigningAlgorithmSpec, message: Uint8Array, isDigest: boolean,
): Promise<Buffer> {
  const scheme = signingScheme(algorithm)
  if (isDigest && scheme.padding === undefined) return ecdsaSignDigest(material.privateKey, message)
  const signature = isDigest
    ? await workers.run(keyRef, material.der, { kind: 'privateEncrypt', ...digestSignatureBlock(material.privateKey, scheme, message) })
    : await workers.run(keyRef, material.der, { kind: 'sign', hash: scheme.hash, message, ...(scheme.padding !== undefined && { padding: scheme.padding }), ...(scheme.saltLength !== undefined && { saltLength: scheme.saltLength }) })
  if (!signature) throw new Error('signing produced no signature')
  return signature
}

export function verifyMessage(
  material: Extract<OpenMaterial, { kind: 'pair' }>, algorithm: SigningAlgorithmSpec, message: Uint8Array, signature: Uint8Array, isDigest: boolean,
): boolean {
  const scheme = signingScheme(algorithm)
  const publicKey = material.publicKey
  try {
    if (isDigest && scheme.padding === undefined) return ecdsaVerifyDigest(material.privateKey, message, signature)
    if (isDigest) return verifyDigest(publicKey, scheme, message, signature)
    return verify(scheme.hash, message, { key: publicKey, padding: scheme.padding, saltLength: scheme.saltLength, dsaEncoding: 'der' }, signature)
  } catch {
    return false
  }
}

const MAC_HASH: Readonly<Record<MacAlgorithmSpec, string>> = {
  HMAC_SHA_224: 'sha224', HMAC_SHA_256: 'sha256', HMAC_SHA_384: 'sha384', HMAC_SHA_512: 'sha512',
}

export function mac(secret: Buffer, algorithm: MacAlgorithmSpec, message: Uint8Array): Buffer {
  return createHmac(MAC_HASH[algorithm], secret).update(message).digest()
}

/** Constant-time: a MAC is a secret-derived value. */
export function macMatches(expected: Buffer, given: Uint8Array): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given)
}
