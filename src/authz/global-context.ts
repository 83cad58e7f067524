// globalContext: the global condition keys AWS fills from the request itself, beside the operation's own keys.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
import type { CallFacts, ContextValues } from '../core/authorization-target.js'
import type { HttpRequest } from '../core/http.js'
import type { ContextValue } from '../policy/index.js'

/**
 * The request's global keys. Principal keys (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`,
 * `aws:userid`, `aws:username`, `aws:PrincipalTag/*`) are derived by the policy engine from the principal.
 * `aws:MultiFactorAuthPresent` is left out on purpose: AWS omits it for requests signed with long-term access keys,
 * and only temporary credentials (STS sessions) carry it.
 */
export function globalContext(
  request: HttpRequest,
  call: CallFacts,
  now: Date,
  operationKeys: ContextValues | undefined,
  /** An STS session's keys (sessionConditionKeys); the operation's own keys win over them. */
  sessionKeys?: Readonly<Record<string, string>>,
): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {
    'aws:SourceIp': sourceIp(request.remoteAddress),
    'aws:CurrentTime': isoSeconds(now),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:SecureTransport': request.secure ? 'true' : 'false',
    'aws:RequestedRegion': call.region,
    'aws:ViaAWSService': 'false',
  }
  const userAgent = request.headers['user-agent']
  if (userAgent !== undefined) context['aws:UserAgent'] = userAgent
  if (sessionKeys) for (const key in sessionKeys) context[key] = sessionKeys[key]!
  if (operationKeys) for (const key in operationKeys) context[key] = operationKeys[key]!
  return context
}

/** An IPv4 client reached over an IPv6 socket shows as `::ffff:a.b.c.d`; policies name the IPv4 address. */
function sourceIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

let lastSecond = -1
let lastText = ''

/** `2026-11-22T14:00:00Z`, as AWS writes aws:CurrentTime; one string per second, reused. */
function isoSeconds(now: Date): string {
  const second = Math.floor(now.getTime() / 1000)
  if (second !== lastSecond) {
    lastSecond = second
    lastText = now.toISOString().slice(0, 19) + 'Z'
  }
  return lastText
}

/**
 * S3's keys about how the request was signed (https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html):
 * s3:authType (REST-HEADER or REST-QUERY-STRING), s3:signatureversion (AWS4-HMAC-SHA256), s3:TlsVersion and
 * s3:x-amz-content-sha256 (anonymous requests carry none of them); and aws:Referer from the Referer header.
 */
export function addS3RequestKeys(context: Record<string, ContextValue>, request: HttpRequest): void {
  const authorization = request.headers['authorization']
  const presigned = request.query.includes('X-Amz-Algorithm=')
  if (authorization !== undefined) {
    context['s3:authType'] = 'REST-HEADER'
    context['s3:signatureversion'] = authorization.startsWith('AWS4-HMAC-SHA256') ? 'AWS4-HMAC-SHA256' : 'AWS'
  } else if (presigned) {
    context['s3:authType'] = 'REST-QUERY-STRING'
    context['s3:signatureversion'] = 'AWS4-HMAC-SHA256'
  }
  if (request.tlsVersion) context['s3:TlsVersion'] = request.tlsVersion
  const sha256 = request.headers['x-amz-content-sha256']
  if (sha256 !== undefined) context['s3:x-amz-content-sha256'] = sha256
  // aws:Referer: the HTTP Referer header, which S3 bucket policies use to limit browser reads.
  const referer = request.headers['referer']
  if (referer !== undefined) context['aws:Referer'] = referer
}
