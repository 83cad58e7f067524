// The generated self-signed certificate's serial number: a DER INTEGER that is positive and minimal whatever the random
// bytes (a leading zero byte before one under 0x80 is padding OpenSSL refuses: "illegal padding").
import { X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { certificateSerial, selfSignedCertificate } from './tls-certificate.js'

describe('certificateSerial', () => {
  it.each([
    ['a zero first byte', [0x00, 0x01]],
    ['a first byte with its top bit set', [0x80, 0x00]],
    ['all ones', [0xff, 0xff]],
  ])('is positive and minimal from %s', (_, bytes) => {
    const serial = certificateSerial(Buffer.from([...bytes, ...Array(14).fill(0)]))
    expect(serial).toHaveLength(16)
    expect(serial[0]).toBeGreaterThan(0)
    expect(serial[0]).toBeLessThan(0x80)
  })
})

describe('selfSignedCertificate', () => {
  it('writes a certificate for its names that parses', () => {
    const { cert } = selfSignedCertificate(['localhost', '127.0.0.1'], new Date('2026-11-23T00:00:00Z'))
    expect(new X509Certificate(cert).subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1')
  })
})
