// Property: whatever arrives, reading and verifying a signature either succeeds or throws an AwsError: never a
// TypeError, URIError or RangeError that would become a 500.
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { isAwsError } from '../../src/core/aws-error.js'
import type { HttpRequest } from '../../src/core/http.js'
import { readSignature, verifySignature, type AuthErrorFamily } from '../../src/sigv4/index.js'

const families: AuthErrorFamily[] = ['query', 'ec2', 'json', 'rest-json', 'rest-xml', 's3']
const noise = fc.string({ unit: 'binary', maxLength: 40 })
const hex = fc.stringMatching(/^[0-9a-f]{0,70}$/)
// Mostly well-formed values, so that many requests get past the early checks to the later, deeper ones.
const credential = fc.oneof(
  { arbitrary: fc.constantFrom('AKID/20150830/us-east-1/s3/aws4_request', 'AKID/20150830/us-east-1/iam/aws4_request'), weight: 4 },
  { arbitrary: noise, weight: 1 },
  { arbitrary: fc.tuple(noise, fc.constantFrom('20150830', 'x'), noise, fc.constantFrom('s3', ''), fc.constantFrom('aws4_request', '')).map((parts) => parts.join('/')), weight: 1 },
)
const authorization = fc.oneof(
  noise,
  fc.tuple(fc.constantFrom('AWS4-HMAC-SHA256', 'AWS', ''), credential, fc.string({ maxLength: 30 }), hex, fc.constantFrom(', ', ',', ' ')).map(
    ([scheme, cred, signed, signature, separator]) => `${scheme} Credential=${cred}${separator}SignedHeaders=${signed}${separator}Signature=${signature}`,
  ),
)
const query = fc.oneof(
  noise,
  fc.tuple(credential, fc.constantFrom('20150830T123600Z', '20150830T123600Z', '2015', ''), fc.constantFrom('60', '60', '60', '-1', 'x', '604801', ''), hex, fc.constantFrom('%', '%zz', 'a=b&&c', 'X-Amz-Content-Sha256=%E0%A4%A', 'X-Amz-Content-Sha256=UNSIGNED-PAYLOAD')).map(
    ([cred, date, expires, signature, extra]) =>
      `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(cred)}&X-Amz-Date=${date}&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}&${extra}`,
  ),
)
const contentSha256 = fc.oneof(
  noise,
  fc.constantFrom('UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'),
)
const body = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(fc.stringMatching(/^[0-9a-fA-F]{0,6}$/), hex, fc.string({ maxLength: 20 })).map(([size, signature, rest]) => Buffer.from(`${size};chunk-signature=${signature}\r\n${rest}\r\n0\r\n${rest}`)),
)

// Header-signed requests: every header may be absent, malformed or plausible.
const headerSigned = fc.record(
  {
    path: fc.oneof(noise, fc.constant('/bucket/%E1%88%B4/%zz/../a')),
    query: fc.oneof(fc.constant(''), noise),
    authorization: authorization,
    amzDate: fc.option(fc.constantFrom('20150830T123600Z', '20150231T000000Z', 'garbage', ''), { nil: undefined, freq: 1 }),
    date: fc.option(fc.constantFrom('Sun, 30 Aug 2015 12:36:00 GMT', 'nonsense'), { nil: undefined, freq: 1 }),
    contentSha256: fc.option(contentSha256, { nil: undefined, freq: 1 }),
    decodedLength: fc.option(fc.constantFrom('0', '5', '-1', 'x', '99999999999999999999'), { nil: undefined, freq: 1 }),
    trailer: fc.option(fc.constantFrom('x-amz-checksum-crc32', 'x-amz-checksum-unknown', ''), { nil: undefined, freq: 1 }),
    body,
  },
  { requiredKeys: ['path', 'query', 'authorization', 'body'] },
)

// Presigned requests carry no x-amz-* header (S3 would refuse an unsigned one before reading further).
const presigned = fc.record({ path: fc.oneof(noise, fc.constant('/bucket/a%20b')), query, body })

function toRequest(fields: { path: string; query: string; body: Buffer; authorization?: string; amzDate?: string; date?: string; contentSha256?: string; decodedLength?: string; trailer?: string }): HttpRequest {
  const headers: Record<string, string> = { host: 'example.com' }
  if (fields.authorization !== undefined) headers['authorization'] = fields.authorization
  if (fields.amzDate !== undefined) headers['x-amz-date'] = fields.amzDate
  if (fields.date !== undefined) headers['date'] = fields.date
  if (fields.contentSha256 !== undefined) headers['x-amz-content-sha256'] = fields.contentSha256
  if (fields.decodedLength !== undefined) headers['x-amz-decoded-content-length'] = fields.decodedLength
  if (fields.trailer !== undefined) headers['x-amz-trailer'] = fields.trailer
  return { method: 'PUT', path: fields.path, query: fields.query, headers, body: fields.body, remoteAddress: '127.0.0.1', secure: false }
}

function readAndVerify(request: HttpRequest, family: AuthErrorFamily): void {
  try {
    const signed = readSignature(request, family)
    if (signed) verifySignature(request, signed, 'secret', new Date('2015-08-30T12:36:00Z'), { family })
  } catch (error) {
    if (!isAwsError(error)) throw error
  }
}

describe('readSignature and verifySignature on arbitrary input', () => {
  it.each(families)('throw only AwsErrors for header-signed requests to the %s family', (family) => {
    fc.assert(fc.property(headerSigned, (fields) => readAndVerify(toRequest(fields), family)), { numRuns: 400 })
  })

  it.each(families)('throw only AwsErrors for presigned requests to the %s family', (family) => {
    fc.assert(fc.property(presigned, (fields) => readAndVerify(toRequest(fields), family)), { numRuns: 400 })
  })
})
