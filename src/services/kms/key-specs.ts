// What each KMS key spec can do: its key usages and algorithms (https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html).
import type { EncryptionAlgorithmSpec, KeySpec, KeyUsageType, MacAlgorithmSpec, SigningAlgorithmSpec } from '../../generated/kms/types.js'

export interface KeySpecTraits {
  readonly usages: readonly KeyUsageType[]
  readonly encryptionAlgorithms: readonly EncryptionAlgorithmSpec[]
  readonly signingAlgorithms: readonly SigningAlgorithmSpec[]
  readonly macAlgorithms: readonly MacAlgorithmSpec[]
}

const RSA_SIGNING: readonly SigningAlgorithmSpec[] = [
  'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512',
]
const RSA_ENCRYPTION: readonly EncryptionAlgorithmSpec[] = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']
const rsa: KeySpecTraits = { usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], encryptionAlgorithms: RSA_ENCRYPTION, signingAlgorithms: RSA_SIGNING, macAlgorithms: [] }
const ecc = (algorithm: SigningAlgorithmSpec): KeySpecTraits =>
  ({ usages: ['SIGN_VERIFY'], encryptionAlgorithms: [], signingAlgorithms: [algorithm], macAlgorithms: [] })
const hmac = (algorithm: MacAlgorithmSpec): KeySpecTraits =>
  ({ usages: ['GENERATE_VERIFY_MAC'], encryptionAlgorithms: [], signingAlgorithms: [], macAlgorithms: [algorithm] })

export const keySpecs: Readonly<Partial<Record<KeySpec, KeySpecTraits>>> = {
  SYMMETRIC_DEFAULT: { usages: ['ENCRYPT_DECRYPT'], encryptionAlgorithms: ['SYMMETRIC_DEFAULT'], signingAlgorithms: [], macAlgorithms: [] },
  RSA_2048: rsa,
  RSA_3072: rsa,
  RSA_4096: rsa,
  ECC_NIST_P256: ecc('ECDSA_SHA_256'),
  ECC_NIST_P384: ecc('ECDSA_SHA_384'),
  ECC_NIST_P521: ecc('ECDSA_SHA_512'),
  ECC_SECG_P256K1: ecc('ECDSA_SHA_256'),
  HMAC_224: hmac('HMAC_SHA_224'),
  HMAC_256: hmac('HMAC_SHA_256'),
  HMAC_384: hmac('HMAC_SHA_384'),
  HMAC_512: hmac('HMAC_SHA_512'),
}

/** The algorithms a key of `spec` used for `usage` offers (DescribeKey, GetPublicKey). */
export function keyAlgorithms(spec: KeySpec, usage: KeyUsageType): Pick<KeySpecTraits, 'encryptionAlgorithms' | 'signingAlgorithms' | 'macAlgorithms'> {
  const traits = keySpecs[spec]
  return {
    encryptionAlgorithms: usage === 'ENCRYPT_DECRYPT' ? traits?.encryptionAlgorithms ?? [] : [],
    signingAlgorithms: usage === 'SIGN_VERIFY' ? traits?.signingAlgorithms ?? [] : [],
    macAlgorithms: usage === 'GENERATE_VERIFY_MAC' ? traits?.macAlgorithms ?? [] : [],
  }
}

export function isAsymmetric(spec: string): boolean {
  return spec.startsWith('RSA_') || spec.startsWith('ECC_')
}
