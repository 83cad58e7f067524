// SSH public keys as IAM takes them: an RSA key of at least 2048 bits, in OpenSSH form (`ssh-rsa AAAA… comment`) or
// PEM; read into the OpenSSH key blob, from which the MD5 fingerprint and both encodings GetSSHPublicKey returns derive.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadSSHPublicKey.html
import { createHash, createPublicKey, type KeyObject } from 'node:crypto'
import { InvalidPublicKeyException, UnrecognizedPublicKeyEncodingException } from '../../generated/iam/errors.js'

// "The minimum bit-length of the public key is 2048 bits." (UploadSSHPublicKey, SSHPublicKeyBody)
const MIN_BITS = 2048
const SSH_RSA = 'ssh-rsa'

export interface SshPublicKey {
  /** The OpenSSH wire-format blob: string "ssh-rsa", mpint e, mpint n (RFC 4253 §6.6). */
  readonly blob: Buffer
}

/** Reads an uploaded body; UnrecognizedPublicKeyEncoding for another format or key type, InvalidPublicKey for a bad key. */
export function parseSshPublicKey(body: string): SshPublicKey {
  const text = body.trim()
  if (text.startsWith('-----BEGIN')) {
    // node:crypto would also derive a public key from a private key or a certificate: only public key PEMs are keys here.
    if (!/^-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) throw unrecognized()
    return fromKeyObject(pemKey(text))
  }
  const [type, base64] = text.split(/\s+/)
  if (type !== SSH_RSA || base64 === undefined) throw unrecognized()
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw invalid()
  const blob = Buffer.from(base64, 'base64')
  const fields = readSshStrings(blob)
  if (fields?.length !== 3 || fields[0]!.toString('latin1') !== SSH_RSA) throw invalid()
  const jwk = { kty: 'RSA', e: unsigned(fields[1]!).toString('base64url'), n: unsigned(fields[2]!).toString('base64url') }
  let key: KeyObject
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' })
  } catch {
    throw invalid()
  }
  return fromKeyObject(key)
}

/** `c1:ab:…`: the MD5 of the key blob as AWS shows an SSH key's Fingerprint. */
export function sshFingerprint(key: SshPublicKey): string {
  return createHash('md5').update(key.blob).digest('hex').match(/../g)!.join(':')
}

/** `ssh-rsa AAAA…` */
export function sshEncoding(key: SshPublicKey): string {
  return `${SSH_RSA} ${key.blob.toString('base64')}`
}

/** The SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`). */
export function pemEncoding(sshBody: string): string {
  return fromSshBody(sshBody).export({ type: 'spki', format: 'pem' }).toString()
}

function fromSshBody(sshBody: string): KeyObject {
  const fields = readSshStrings(Buffer.from(sshBody.split(' ')[1]!, 'base64'))!
  return createPublicKey({ key: { kty: 'RSA', e: unsigned(fields[1]!).toString('base64url'), n: unsigned(fields[2]!).toString('base64url') }, format: 'jwk' })
}

function pemKey(pem: string): KeyObject {
  let key: KeyObject
  try {
    key = createPublicKey(pem)
  } catch {
    throw invalid()
  }
  if (key.asymmetricKeyType !== 'rsa') throw unrecognized()
  return key
}

function fromKeyObject(key: KeyObject): SshPublicKey {
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_BITS) throw invalid()
  const jwk = key.export({ format: 'jwk' })
  const blob = Buffer.concat([sshString(Buffer.from(SSH_RSA)), sshString(mpint(Buffer.from(jwk.e!, 'base64url'))), sshString(mpint(Buffer.from(jwk.n!, 'base64url')))])
  return { blob }
}

/** The length-prefixed strings of a blob, or undefined when a length runs past its end. */
function readSshStrings(blob: Buffer): Buffer[] | undefined {
  const out: Buffer[] = []
  let at = 0
  while (at < blob.length) {
    if (at + 4 > blob.length) return undefined
    const length = blob.readUInt32BE(at)
    if (at + 4 + length > blob.length) return undefined
    out.push(blob.subarray(at + 4, at + 4 + length))
    at += 4 + length
  }
  return out
}

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(bytes.length)
  return Buffer.concat([length, bytes])
}

/** A positive mpint: no leading zero bytes, one zero byte added when the top bit is set. */
function mpint(bytes: Buffer): Buffer {
  const stripped = unsigned(bytes)
  return stripped.length > 0 && stripped[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), stripped]) : stripped
}

function unsigned(bytes: Buffer): Buffer {
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  return bytes.subarray(start)
}

function invalid(): InvalidPublicKeyException {
  return new InvalidPublicKeyException('The request was rejected because the public key is malformed or otherwise invalid.')
}

function unrecognized(): UnrecognizedPublicKeyEncodingException {
  return new UnrecognizedPublicKeyEncodingException('The request was rejected because the public key encoding format is unsupported or unrecognized.')
}
