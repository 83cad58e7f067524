// The TLS certificate Palisade serves HTTPS with: the operator's files (--tls-cert/--tls-key), or a self-signed
// ECDSA P-256 certificate generated at first start in the data directory (--tls), key file mode 0600.
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join } from 'node:path'

export interface TlsFiles {
  readonly cert: string
  readonly key: string
}

/** The certificate and key to serve: read from the given files, or generated once into `dataDir` and reused. */
export function loadTlsCertificate(options: { readonly certFile?: string; readonly keyFile?: string; readonly dataDir: string; readonly host: string; readonly now: Date }): TlsFiles {
  if (options.certFile !== undefined && options.keyFile !== undefined) {
    return { cert: readFileSync(options.certFile, 'utf8'), key: readFileSync(options.keyFile, 'utf8') }
  }
  const certFile = join(options.dataDir, 'tls-cert.pem')
  const keyFile = join(options.dataDir, 'tls-key.pem')
  if (existsSync(certFile) && existsSync(keyFile)) return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }
  const generated = selfSignedCertificate(['localhost', '127.0.0.1', '::1', ...(options.host === '0.0.0.0' || options.host === '::' ? [] : [options.host])], options.now)
  // The key is written first and the certificate last, each through a temporary name: a crash leaves no half pair.
  writeAtomically(keyFile, generated.key, 0o600)
  writeAtomically(certFile, generated.cert, 0o644)
  return generated
}

/** A self-signed X.509 v3 certificate for `names` (DNS names and IP addresses), valid from a day ago for 5 years. */
export function selfSignedCertificate(names: readonly string[], now: Date): TlsFiles {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const signatureAlgorithm = sequence(oid('1.2.840.10045.4.3.2')) // ecdsa-with-SHA256
  const name = sequence(set(sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from('Palisade self-signed certificate')))))
  const day = 24 * 60 * 60 * 1000
  const validity = sequence(utcTime(new Date(now.getTime() - day)), utcTime(new Date(now.getTime() + 5 * 365 * day)))
  const altNames = [...new Set(names)].map((entry) => isIP(entry) ? tlv(0x87, ipBytes(entry)) : tlv(0x82, Buffer.from(entry, 'ascii')))
  const extensions = tlv(0xa3, sequence(
    sequence(oid('2.5.29.17'), tlv(0x04, sequence(...altNames))), // subjectAltName
    sequence(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, sequence())), // basicConstraints, critical, CA false
  ))
  const serial = certificateSerial(randomBytes(16))
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // version 3
    tlv(0x02, serial),
    signatureAlgorithm,
    name,
    validity,
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  )
  const signature = sign('sha256', tbs, privateKey) // DER-encoded ECDSA signature, as X.509 wants it
  const der = sequence(tbs, signatureAlgorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])))
  const cert = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`
  new X509Certificate(cert) // INVARIANT: what we wrote parses as a certificate
  return { cert, key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }
}

/**
 * A certificate serial number from random bytes, as a DER INTEGER's content: positive (top bit clear) and minimal
 * (first byte not zero; a zero followed by a byte under 0x80 is padding DER forbids, and OpenSSL refuses the
 * certificate).
 */
export function certificateSerial(random: Buffer): Buffer {
  const serial = Buffer.from(random)
  serial[0] = (serial[0]! & 0x3f) | 0x40
  return serial
}

function writeAtomically(file: string, text: string, mode: number): void {
  const temporary = `${file}.tmp`
  writeFileSync(temporary, text, { mode })
  chmodSync(temporary, mode)
  renameSync(temporary, file)
}

// DER, the few types a certificate needs (ITU-T X.690).
function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length
  const header = length < 0x80 ? Buffer.from([tag, length])
    : length < 0x100 ? Buffer.from([tag, 0x81, length])
      : Buffer.from([tag, 0x82, length >> 8, length & 0xff])
  return Buffer.concat([header, content])
}

function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items))
}

function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items))
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number)
  const bytes = [40 * arcs[0]! + arcs[1]!]
  for (const arc of arcs.slice(2)) {
    const groups = [arc & 0x7f]
    for (let rest = arc >> 7; rest > 0; rest >>= 7) groups.unshift((rest & 0x7f) | 0x80)
    bytes.push(...groups)
  }
  return tlv(0x06, Buffer.from(bytes))
}

/** UTCTime `YYMMDDHHMMSSZ` (certificates use it for dates before 2050). */
function utcTime(date: Date): Buffer {
  const iso = date.toISOString()
  return tlv(0x17, Buffer.from(`${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`, 'ascii'))
}

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number))
  const [head = '', tail = ''] = address.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === '' ? [] : tail.split(':')
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left
  return Buffer.from(groups.flatMap((group) => { const value = parseInt(group, 16); return [value >> 8, value & 0xff] }))
}
