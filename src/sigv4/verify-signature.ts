// verifySignature: checks a SigV4 signature against the secret key, the clock and the body, in AWS's order.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
import type { HttpRequest } from '../core/http.js'
import { authError, MAX_CLOCK_SKEW_MS, type AuthErrorFamily, type ScopeProblem } from './auth-error.js'
import { canonicalRequest, stringToSign } from './canonical-request.js'
import { signaturesEqual } from './constant-time.js'
import { declaredPayload } from './declared-payload.js'
import { formatScope, type SignedRequest } from './signed-request.js'
import { requestPayload, type VerifiedRequest } from './request-payload.js'
import { hmacHex, signingKey } from './signing-key.js'

export interface VerifyOptions {
  /** Whose error codes to answer with; `s3` also selects S3's path and payload rules. */
  readonly family: AuthErrorFamily
  /** The region this endpoint serves (IAM and STS global: `us-east-1`); undefined accepts any region. */
  readonly region?: string
  /** The service's signing name (the model's signingName); undefined accepts any service. */
  readonly service?: string
  /** How the path is signed; defaults to S3's rules for the `s3` family and normalized paths for the rest. */
  readonly pathRules?: 's3' | 'normalized'
}

/**
 * Throws the family's error when the signature does not hold: `Host` unsigned, clock skew beyond 15 minutes,
 * an expired presigned URL, a credential scope for another date, region or service, a wrong signature, or a
 * body that does not match what was signed. The caller has already looked up `secretAccessKey` for
 * `signed.accessKeyId`. Error messages never include the secret or the signing key.
 */
export function verifySignature(
  request: HttpRequest,
  signed: SignedRequest,
  secretAccessKey: string,
  now: Date,
  options: VerifyOptions,
): VerifiedRequest {
  const { family } = options
  const form = signed.form
  if (!signed.signedHeaders.includes('host')) throw authError({ kind: 'HostNotSigned', form }, family)
  if (family === 's3') {
    // S3 refuses x-amz-* headers the signature does not cover (x-amz-meta-*, x-amz-acl, ...): they change
    // what the request does. https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
    const unsigned = Object.keys(request.headers).filter((name) => name.startsWith('x-amz-') && !signed.signedHeaders.includes(name))
    if (unsigned.length > 0) throw authError({ kind: 'HeadersNotSigned', headers: unsigned.sort() }, family)
  }
  checkTime(signed, now, family)
  if (!scopeHolds(signed, options)) throw authError({ kind: 'WrongScope', form, problems: scopeProblems(signed, options) }, family)

  const payload = declaredPayload(request, signed, family)
  const canonical = canonicalRequest(request, signed, { pathRules: options.pathRules ?? (family === 's3' ? 's3' : 'normalized'), payloadHash: payload.hash })
  const scope = formatScope(signed.scope)
  const toSign = stringToSign(signed, canonical, scope)
  const key = signingKey(secretAccessKey, signed.scope)
  if (!signaturesEqual(hmacHex(key, toSign), signed.signature)) {
    throw authError(
      { kind: 'SignatureMismatch', accessKeyId: signed.accessKeyId, signatureProvided: signed.signature, stringToSign: toSign, canonicalRequest: canonical },
      family,
    )
  }

  // Only aws-chunked uploads sign their chunks, from the seed signature.
  const signing = payload.kind === 'streaming'
    ? { key, timestamp: signed.timestamp, scope, seedSignature: signed.signature, accessKeyId: signed.accessKeyId }
    : undefined
  return requestPayload(request, payload, family, signing)
}

// Header form: the signed time may differ from ours by 15 minutes either way. Presigned: valid from 15 minutes
// before X-Amz-Date (clock skew) until X-Amz-Date + X-Amz-Expires; without X-Amz-Expires (non-S3 services) the
// 15-minute window applies as for the header form.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
function checkTime(signed: SignedRequest, now: Date, family: AuthErrorFamily): void {
  const requestMs = signed.requestTime.getTime()
  const nowMs = now.getTime()
  if (requestMs > nowMs + MAX_CLOCK_SKEW_MS) throw skewError(signed, now, family)
  if (signed.expiresSeconds === undefined) {
    if (requestMs < nowMs - MAX_CLOCK_SKEW_MS) throw skewError(signed, now, family)
    return
  }
  if (nowMs > requestMs + signed.expiresSeconds * 1000) {
    throw authError({ kind: 'PresignedExpired', requestTime: signed.requestTime, expiresSeconds: signed.expiresSeconds, now }, family)
  }
}

function skewError(signed: SignedRequest, now: Date, family: AuthErrorFamily) {
  return authError({ kind: 'TimeSkew', form: signed.form, timestamp: signed.timestamp, requestTime: signed.requestTime, now }, family)
}

/** scopeProblems(...) is empty, without building it: the check every accepted request makes. */
function scopeHolds(signed: SignedRequest, options: VerifyOptions): boolean {
  const { scope } = signed
  return (options.region === undefined || scope.region === options.region)
    && (options.service === undefined || scope.service === options.service)
    && scope.terminator === 'aws4_request'
    && scope.date === signed.timestamp.slice(0, 8)
}

function scopeProblems(signed: SignedRequest, options: VerifyOptions): ScopeProblem[] {
  const { scope } = signed
  const problems: ScopeProblem[] = []
  if (options.region !== undefined && scope.region !== options.region) {
    problems.push({ kind: 'region', provided: scope.region, expected: options.region })
  }
  if (options.service !== undefined && scope.service !== options.service) {
    problems.push({ kind: 'service', provided: scope.service, expected: options.service })
  }
  if (scope.terminator !== 'aws4_request') problems.push({ kind: 'terminator', provided: scope.terminator })
  const signedDate = signed.timestamp.slice(0, 8)
  if (scope.date !== signedDate) {
    problems.push({ kind: 'date', provided: scope.date, expected: signedDate, timestamp: signed.timestamp })
  }
  return problems
}
