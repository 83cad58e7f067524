// ECDSA over a precomputed digest (MessageType DIGEST): node:crypto only signs messages it hashes itself, so the
// scalar multiplication k·G is done natively (ECDH's public key of the scalar) and the rest with bigint arithmetic
// modulo the curve order (SEC 1 v2, sections 4.1.3 and 4.1.4). KMS holds the private key, so Verify checks
// R = (u1 + u2·d)·G, which equals u1·G + u2·Q.
import { createECDH, randomBytes, type KeyObject } from 'node:crypto'

// Curve orders (SEC 2 v2; FIPS 186-4 appendix D).
const ORDERS: Readonly<Record<string, bigint>> = {
  prime256v1: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  secp384r1: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  secp521r1: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  secp256k1: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
}

export function ecdsaSignDigest(privateKey: KeyObject, digest: Uint8Array): Buffer {
  const { curve, n, d } = curveOf(privateKey)
  const z = digestInteger(digest, n)
  for (;;) {
    const k = randomScalar(n)
    const r = mod(basePointX(curve, k, n), n)
    if (r === 0n) continue
    const s = mod(inverse(k, n) * (z + r * d), n)
    if (s === 0n) continue
    return derSignature(r, s)
  }
}

export function ecdsaVerifyDigest(privateKey: KeyObject, digest: Uint8Array, signature: Uint8Array): boolean {
  const { curve, n, d } = curveOf(privateKey)
  const parsed = parseDerSignature(signature)
  if (!parsed) return false
  const { r, s } = parsed
  if (r <= 0n || r >= n || s <= 0n || s >= n) return false
  const w = inverse(s, n)
  const t = mod(digestInteger(digest, n) * w + r * w % n * d, n)
  if (t === 0n) return false
  return mod(basePointX(curve, t, n), n) === r
}

function curveOf(privateKey: KeyObject): { curve: string; n: bigint; d: bigint } {
  const curve = privateKey.asymmetricKeyDetails?.namedCurve ?? ''
  const n = ORDERS[curve]
  const jwk = privateKey.export({ format: 'jwk' })
  if (n === undefined || jwk.d === undefined) throw new Error(`no ECDSA digest signing for curve \`${curve}\``)
  return { curve, n, d: toInteger(Buffer.from(jwk.d, 'base64url')) }
}

/** The x coordinate of scalar·G, computed natively. */
function basePointX(curve: string, scalar: bigint, n: bigint): bigint {
  const ecdh = createECDH(curve)
  ecdh.setPrivateKey(toBytes(scalar, byteLength(n)))
  const point = ecdh.getPublicKey() // 0x04 || X || Y
  return toInteger(point.subarray(1, 1 + (point.length - 1) / 2))
}

// The leftmost bits of the digest, as many as the order has (SEC 1, section 4.1.3 step 5).
function digestInteger(digest: Uint8Array, n: bigint): bigint {
  const excess = digest.length * 8 - n.toString(2).length
  const value = toInteger(Buffer.from(digest))
  return excess > 0 ? value >> BigInt(excess) : value
}

function randomScalar(n: bigint): bigint {
  const bits = n.toString(2).length
  for (;;) {
    const candidate = toInteger(randomBytes(byteLength(n))) & ((1n << BigInt(bits)) - 1n)
    if (candidate > 0n && candidate < n) return candidate
  }
}

function inverse(value: bigint, modulus: bigint): bigint {
  let [a, b, x0, x1] = [mod(value, modulus), modulus, 1n, 0n]
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [x0, x1] = [x1, x0 - q * x1]
  }
  return mod(x0, modulus)
}

function mod(value: bigint, modulus: bigint): bigint {
  const r = value % modulus
  return r < 0n ? r + modulus : r
}

function byteLength(n: bigint): number {
  return Math.ceil(n.toString(2).length / 8)
}

function toInteger(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`)
}

function toBytes(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex')
}

// DER: SEQUENCE { INTEGER r, INTEGER s }, as KMS returns ECDSA signatures.
function derSignature(r: bigint, s: bigint): Buffer {
  const integer = (value: bigint) => {
    let bytes = Buffer.from(value.toString(16).padStart(2, '0').replace(/^(.(..)*)$/, '0$1'), 'hex')
    if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes])
    return Buffer.concat([Buffer.from([0x02]), derLength(bytes.length), bytes])
  }
  const body = Buffer.concat([integer(r), integer(s)])
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body])
}

function derLength(length: number): Buffer {
  return length < 0x80 ? Buffer.from([length]) : Buffer.from([0x81, length])
}

function parseDerSignature(signature: Uint8Array): { r: bigint; s: bigint } | undefined {
  const bytes = Buffer.from(signature)
  let offset = 0
  const readLength = (): number | undefined => {
    const first = bytes[offset++]
    if (first === undefined) return undefined
    if (first < 0x80) return first
    if (first !== 0x81) return undefined
    return bytes[offset++]
  }
  if (bytes[offset++] !== 0x30) return undefined
  const total = readLength()
  if (total === undefined || offset + total !== bytes.length) return undefined
  const readInteger = (): bigint | undefined => {
    if (bytes[offset++] !== 0x02) return undefined
    const length = readLength()
    if (length === undefined || length === 0 || offset + length > bytes.length) return undefined
    const value = toInteger(bytes.subarray(offset, offset + length))
    offset += length
    return value
  }
  const r = readInteger()
  const s = readInteger()
  return r === undefined || s === undefined || offset !== bytes.length ? undefined : { r, s }
}
