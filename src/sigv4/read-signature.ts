// readSignature: finds and parses a SigV4 signature, in the Authorization header or a presigned URL's query.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#add-signature-to-request
import type { HttpRequest } from '../core/http.js'
import { parseQueryString } from '../core/http.js'
import { formatAmzDate, parseAmzDate } from './amz-date.js'
import { authError, type AuthErrorFamily, type SignatureForm } from './auth-error.js'
import { SIGV4_ALGORITHM, type CredentialScope, type SignedRequest } from './signed-request.js'

/** A presigned URL lives at most seven days: the signing key is only valid that long. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800

/**
 * The signature the request carries, or undefined for an unsigned (anonymous) request. Throws the family's
 * error for a malformed signature, an unsupported algorithm, or both forms at once. Checks nothing that needs
 * the secret key or the clock: verifySignature does that.
 */
export function readSignature(request: HttpRequest, family: AuthErrorFamily): SignedRequest | undefined {
  const authorization = request.headers['authorization']
  // The usual case: an Authorization header and no query string that could also carry a signature.
  if (authorization !== undefined && request.query === '') return readAuthorizationHeader(request, authorization, family)
  const query = parseQueryString(request.query)
  const hasQueryAlgorithm = query.has('X-Amz-Algorithm')
  if (authorization !== undefined && hasQueryAlgorithm) {
    throw authError({ kind: 'MixedAuthentication', authorization }, family)
  }
  if (authorization !== undefined) return readAuthorizationHeader(request, authorization, family)
  if (hasQueryAlgorithm) return readPresignedQuery(query, request, family)
  // A Signature Version 2 URL (the AWS CLI v1's default `aws s3 presign`) must not pass as an anonymous request.
  if (query.has('Signature') && query.has('AWSAccessKeyId')) throw authError({ kind: 'SignatureVersion2' }, family)
  return undefined
}

/**
 * The Authorization header as the SDKs and the CLI write it: the algorithm, one space, then Credential, SignedHeaders
 * and Signature in that order, each once, separated by `, ` (or `,`), with no spaces inside the values. Read by one
 * match; anything else goes through the general reading below, which gives the same parts for such a header.
 */
const USUAL_AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^\s,=]+), ?SignedHeaders=([^\s,=]+), ?Signature=([^\s,=]+)$/

function readAuthorizationHeader(request: HttpRequest, authorization: string, family: AuthErrorFamily): SignedRequest {
  const usual = USUAL_AUTHORIZATION.exec(authorization)
  if (usual !== null) return signedByHeader(request, SIGV4_ALGORITHM, usual[1]!, usual[2]!, usual[3]!, family)
  const form: SignatureForm = 'header'
  const trimmed = authorization.trim()
  const space = trimmed.search(/\s/)
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space)
  if (algorithm !== SIGV4_ALGORITHM) throw authError({ kind: 'UnsupportedAlgorithm', form, algorithm }, family)

  // Of a repeated parameter the first counts.
  let credential: string | undefined
  let signedHeaders: string | undefined
  let signature: string | undefined
  for (const part of (space < 0 ? '' : trimmed.slice(space + 1)).split(',')) {
    const component = part.trim()
    if (component === '') continue
    const equals = component.indexOf('=')
    if (equals < 0) {
      throw malformed(
        form,
        `'${component}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'`,
        'the authorization header requires three components: Credential, SignedHeaders, and Signature.',
        family,
      )
    }
    const name = component.slice(0, equals).trim()
    if (name === 'Credential') credential ??= component.slice(equals + 1).trim()
    else if (name === 'SignedHeaders') signedHeaders ??= component.slice(equals + 1).trim()
    else if (name === 'Signature') signature ??= component.slice(equals + 1).trim()
  }
  return signedByHeader(request, algorithm, credential, signedHeaders, signature, family)
}

/** The checks and the SignedRequest common to both readings of the Authorization header. */
function signedByHeader(
  request: HttpRequest,
  algorithm: string,
  credential: string | undefined,
  signedHeaders: string | undefined,
  signature: string | undefined,
  family: AuthErrorFamily,
): SignedRequest {
  const form: SignatureForm = 'header'
  const amzDate = request.headers['x-amz-date']
  const httpDate = request.headers['date']
  const missing: string[] = []
  if (!credential) missing.push("Authorization header requires 'Credential' parameter.")
  if (!signature) missing.push("Authorization header requires 'Signature' parameter.")
  if (!signedHeaders) missing.push("Authorization header requires 'SignedHeaders' parameter.")
  const missingDate = amzDate === undefined && httpDate === undefined
  if (missingDate) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
  // AWS echoes only the scheme, not the whole header, after `Authorization=`.
  if (!credential || !signature || !signedHeaders) {
    throw malformed(
      form,
      `${missing.join(' ')} Authorization=${algorithm}`,
      'the authorization header requires three components: Credential, SignedHeaders, and Signature.',
      family,
    )
  }
  if (missingDate) {
    throw invalidDate(form, `${missing.join(' ')} Authorization=${algorithm}`, family)
  }

  const { timestamp, requestTime } = readHeaderTime(amzDate, httpDate, form, family)
  const { accessKeyId, scope } = readCredential(credential, form, family)
  // One object shape whether or not a session token is present (no spread): this runs for every signed request.
  return {
    form,
    accessKeyId,
    scope,
    signedHeaders: splitSignedHeaders(signedHeaders),
    signature,
    timestamp,
    requestTime,
    sessionToken: request.headers['x-amz-security-token'],
  }
}

const QUERY_PARAMETERS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date']

function readPresignedQuery(query: Map<string, string[]>, request: HttpRequest, family: AuthErrorFamily): SignedRequest {
  const form: SignatureForm = 'query'
  const value = (name: string): string | undefined => query.get(name)?.[0] || undefined
  const missing = QUERY_PARAMETERS.filter((name) => value(name) === undefined)
  const s3 = family === 's3'
  if (missing.length > 0 || (s3 && value('X-Amz-Expires') === undefined)) {
    throw malformed(
      form,
      `${missing.map((name) => `AWS query-string parameters must include '${name}'.`).join(' ')} Re-examine the query-string parameters.`,
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      family,
    )
  }
  const algorithm = value('X-Amz-Algorithm')!
  if (algorithm !== SIGV4_ALGORITHM) throw authError({ kind: 'UnsupportedAlgorithm', form, algorithm }, family)

  const timestamp = value('X-Amz-Date')!
  const requestTime = parseAmzDate(timestamp)
  if (!requestTime) {
    throw invalidDate(form, `Date must be in ISO-8601 'basic format'. Got '${timestamp}'. See http://en.wikipedia.org/wiki/ISO_8601`, family)
  }
  const expires = value('X-Amz-Expires')
  const expiresSeconds = expires === undefined ? undefined : readExpires(expires, form, family)
  const { accessKeyId, scope } = readCredential(value('X-Amz-Credential')!, form, family)
  const sessionToken = value('X-Amz-Security-Token') ?? request.headers['x-amz-security-token']
  return {
    form,
    accessKeyId,
    scope,
    signedHeaders: splitSignedHeaders(value('X-Amz-SignedHeaders')!),
    signature: value('X-Amz-Signature')!,
    timestamp,
    requestTime,
    ...(expiresSeconds !== undefined && { expiresSeconds }),
    ...(sessionToken !== undefined && { sessionToken }),
  }
}

// Texts as S3 gives them (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html);
// other services give the same for a presigned URL.
function readExpires(text: string, form: SignatureForm, family: AuthErrorFamily): number {
  if (!/^-?\d+$/.test(text)) throw malformed(form, 'X-Amz-Expires should be a number', 'X-Amz-Expires should be a number', family)
  const seconds = Number(text)
  if (seconds < 0) throw malformed(form, 'X-Amz-Expires must be non-negative', 'X-Amz-Expires must be non-negative', family)
  if (seconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
    const message = `X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_PRESIGNED_EXPIRES_SECONDS} seconds`
    throw malformed(form, message, message, family)
  }
  return seconds
}

function readHeaderTime(
  amzDate: string | undefined,
  httpDate: string | undefined,
  form: SignatureForm,
  family: AuthErrorFamily,
): { timestamp: string; requestTime: Date } {
  if (amzDate !== undefined) {
    const requestTime = parseAmzDate(amzDate.trim())
    if (!requestTime) {
      throw invalidDate(form, `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`, family)
    }
    return { timestamp: amzDate.trim(), requestTime }
  }
  // Without X-Amz-Date the HTTP Date header (RFC 7231) is the signed time, in basic format in the string to sign.
  const millis = Date.parse(httpDate!)
  if (Number.isNaN(millis)) {
    throw invalidDate(form, `Date must be in ISO-8601 'basic format'. Got '${httpDate}'. See http://en.wikipedia.org/wiki/ISO_8601`, family)
  }
  const requestTime = new Date(millis)
  return { timestamp: formatAmzDate(requestTime), requestTime }
}

function readCredential(credential: string, form: SignatureForm, family: AuthErrorFamily): { accessKeyId: string; scope: CredentialScope } {
  const parts = credential.split('/')
  if (parts.length !== 5) {
    const s3Prefix = form === 'query' ? 'Error parsing the X-Amz-Credential parameter; ' : ''
    throw malformed(
      form,
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
      `${s3Prefix}the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
      family,
    )
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string]
  return { accessKeyId, scope: { date, region, service, terminator } }
}

// What clients send: lower-case names, `;` between them, nothing to trim or drop.
const PLAIN_SIGNED_HEADERS = /^[a-z0-9-]+(?:;[a-z0-9-]+)*$/

function splitSignedHeaders(text: string): string[] {
  if (PLAIN_SIGNED_HEADERS.test(text)) return text.split(';')
  const names: string[] = []
  for (const part of text.split(';')) {
    const name = part.trim().toLowerCase()
    if (name !== '') names.push(name)
  }
  return names
}

function malformed(form: SignatureForm, message: string, s3Message: string, family: AuthErrorFamily) {
  return authError({ kind: 'Malformed', form, message, s3Message }, family)
}

// S3 answers a missing or unreadable date with AccessDenied; the other services call the signature incomplete.
function invalidDate(form: SignatureForm, message: string, family: AuthErrorFamily) {
  return authError({ kind: 'InvalidDate', form, message }, family)
}
