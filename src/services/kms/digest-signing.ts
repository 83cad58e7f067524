// Signing a precomputed digest with RSA (MessageType DIGEST): node:crypto only signs messages it hashes itself, so
// the RSA paddings are applied here (RFC 8017: EMSA-PKCS1-v1_5 and EMSA-PSS) around a raw RSA operation.
import { constants, createHash, publicDecrypt, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto'

interface Scheme {
  readonly hash: 'sha256' | 'sha384' | 'sha512'
  readonly padding?: number
}

// DER DigestInfo prefixes (RFC 8017 section 9.2, note 1).
const DIGEST_INFO = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
} as const

const HASH_BYTES = { sha256: 32, sha384: 48, sha512: 64 } as const

/** What the raw RSA private operation must encrypt to sign `digest`: the signature is privateEncrypt(padding, data). */
export function digestSignatureBlock(privateKey: KeyObject, scheme: Scheme, digest: Uint8Array): { padding: number; data: Buffer } {
  if (scheme.padding === constants.RSA_PKCS1_PADDING) {
    return { padding: constants.RSA_PKCS1_PADDING, data: Buffer.concat([DIGEST_INFO[scheme.hash], digest]) }
  }
  if (scheme.padding === constants.RSA_PKCS1_PSS_PADDING) {
    const modulusBits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0
    const encoded = pssEncode(scheme.hash, Buffer.from(digest), modulusBits - 1)
    return { padding: constants.RSA_NO_PADDING, data: Buffer.concat([Buffer.alloc(modulusBits / 8 - encoded.length), encoded]) }
  }
  throw new Error('ECDSA digests are signed by ecdsa-digest.ts')
}

export function verifyDigest(publicKey: KeyObject, scheme: Scheme, digest: Uint8Array, signature: Uint8Array): boolean {
  if (scheme.padding === constants.RSA_PKCS1_PADDING) {
    const recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature)
    const expected = Buffer.concat([DIGEST_INFO[scheme.hash], digest])
    return recovered.length === expected.length && timingSafeEqual(recovered, expected)
  }
  if (scheme.padding === constants.RSA_PKCS1_PSS_PADDING) {
    const modulusBits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0
    const block = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature)
    const emBits = modulusBits - 1
    const emLength = Math.ceil(emBits / 8)
    return pssVerify(scheme.hash, Buffer.from(digest), block.subarray(block.length - emLength), emBits)
  }
  throw new Error('ECDSA digests are verified by ecdsa-digest.ts')
}

// EMSA-PSS-ENCODE with MGF1 over the same hash and a salt as long as the digest (RFC 8017 section 9.1.1).
function pssEncode(hash: Scheme['hash'], digest: Buffer, emBits: number): Buffer {
  const hashBytes = HASH_BYTES[hash]
  const emLength = Math.ceil(emBits / 8)
  const salt = randomBytes(hashBytes)
  const h = createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest()
  const db = Buffer.alloc(emLength - hashBytes - 1)
  db[db.length - hashBytes - 1] = 0x01
  salt.copy(db, db.length - hashBytes)
  const mask = mgf1(hash, h, db.length)
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!
  db[0]! &= 0xff >> (8 * emLength - emBits)
  return Buffer.concat([db, h, Buffer.from([0xbc])])
}

// EMSA-PSS-VERIFY (RFC 8017 section 9.1.2).
function pssVerify(hash: Scheme['hash'], digest: Buffer, encoded: Buffer, emBits: number): boolean {
  const hashBytes = HASH_BYTES[hash]
  const emLength = Math.ceil(emBits / 8)
  if (encoded.length !== emLength || encoded[emLength - 1] !== 0xbc) return false
  const db = Buffer.from(encoded.subarray(0, emLength - hashBytes - 1))
  const h = encoded.subarray(emLength - hashBytes - 1, emLength - 1)
  const topBits = 0xff << (8 - (8 * emLength - emBits)) & 0xff
  if ((db[0]! & topBits) !== 0) return false
  const mask = mgf1(hash, h, db.length)
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!
  db[0]! &= 0xff >> (8 * emLength - emBits)
  const separator = db.length - hashBytes - 1
  if (db.subarray(0, separator).some((byte) => byte !== 0) || db[separator] !== 0x01) return false
  const salt = db.subarray(db.length - hashBytes)
  const expected = createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest()
  return timingSafeEqual(expected, h)
}

function mgf1(hash: Scheme['hash'], seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = []
  for (let counter = 0; blocks.length * HASH_BYTES[hash] < length; counter++) {
    const c = Buffer.alloc(4)
    c.writeUInt32BE(counter)
    blocks.push(createHash(hash).update(seed).update(c).digest())
  }
  return Buffer.concat(blocks).subarray(0, length)
}
