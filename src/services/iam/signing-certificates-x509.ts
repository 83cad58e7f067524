// Reading an uploaded X.509 certificate (signing certificates, and server certificates too): one PEM certificate, not yet expired.
import { createHash, X509Certificate } from 'node:crypto'
import { MalformedCertificateException } from '../../generated/iam/errors.js'

export interface ParsedCertificate {
  readonly certificate: X509Certificate
  /** SHA-256 of the DER form, hex: the same certificate whatever its PEM line breaks. */
  readonly derSha256: string
  readonly expiresAt: Date
}

/**
 * MalformedCertificate when the body is not one PEM X.509 certificate, or it has expired: "The request was rejected
 * because the certificate was malformed or expired." (IAM API reference, Errors of UploadSigningCertificate).
 */
export function parseCertificate(body: string, now: Date): ParsedCertificate {
  const pem = body.trim()
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0
  if (blocks !== 1 || !pem.startsWith('-----BEGIN CERTIFICATE-----') || !pem.endsWith('-----END CERTIFICATE-----')) throw malformed('the body must be one PEM-encoded X.509 certificate')
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(pem)
  } catch {
    throw malformed('the certificate could not be parsed')
  }
  const expiresAt = new Date(certificate.validTo)
  if (!(expiresAt.getTime() > now.getTime())) throw malformed('the certificate has expired')
  return { certificate, derSha256: createHash('sha256').update(certificate.raw).digest('hex'), expiresAt }
}

function malformed(detail: string): MalformedCertificateException {
  return new MalformedCertificateException(`The request was rejected because the certificate was malformed or expired: ${detail}.`)
}
