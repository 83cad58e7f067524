// Bad input end to end: raw requests no SDK would send get AWS's error in the service's protocol, never a 500 or a hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { presignRaw, sendRaw, serializeRequest, signRaw, type RawRequest, type RawResponse, type SigningOptions } from '../support/raw-http.js'

const MAX_BODY_BYTES = 4096
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
const KMS = (operation: string) => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${operation}` })
const MINUTE = 60_000
const GET_CALLER_IDENTITY: RawRequest = { method: 'POST', target: '/', headers: FORM, body: 'Action=GetCallerIdentity&Version=2011-06-15' }

/** The error code of a query/S3 XML body or a JSON `__type`. */
function errorCode(response: RawResponse): string | undefined {
  const xml = /<Code>([^<]*)<\/Code>/.exec(response.body)
  if (xml) return xml[1]
  if (response.body.startsWith('{')) return (JSON.parse(response.body) as { __type?: string }).__type
  return undefined
}

function errorMessage(response: RawResponse): string | undefined {
  const xml = /<Message>([^<]*)<\/Message>/.exec(response.body)
  if (xml) return xml[1]
  if (response.body.startsWith('{')) return (JSON.parse(response.body) as { message?: string }).message
  return undefined
}

interface Case {
  readonly name: string
  /** Builds the bytes to send; `sign` signs with the root user's keys. */
  readonly send: (sign: (request: RawRequest, options: Partial<SigningOptions> & { service: string }) => Promise<RawRequest>) => Promise<Buffer | string>
  readonly status: number
  readonly code?: string
  /** The error arrives in this shape. */
  readonly shape?: 'query' | 'json' | 's3'
  readonly message?: string | RegExp
  /** Node could not parse the request, so the answer comes before the pipeline and has no request id. */
  readonly unparsed?: boolean
}

const cases: readonly Case[] = [
  // Body limits. AWS's front end answers an oversized query or JSON request with 413
  // (https://github.com/aws/aws-sdk-js/issues/479); S3 with EntityTooLarge
  // (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
  {
    name: 'a query body declared larger than --max-body-bytes',
    send: async (sign) => serializeRequest(withHeaders(await sign(GET_CALLER_IDENTITY, { service: 'sts' }), { 'content-length': String(MAX_BODY_BYTES + 1) })),
    status: 413,
    code: 'RequestEntityTooLarge',
    shape: 'query',
  },
  {
    name: 'an unsigned query body larger than --max-body-bytes',
    send: async () => serializeRequest({ method: 'POST', target: '/', headers: FORM, body: `Action=GetCallerIdentity&Version=2011-06-15&Pad=${'x'.repeat(MAX_BODY_BYTES)}` }),
    status: 413,
    code: 'RequestEntityTooLarge',
    shape: 'query',
  },
  {
    name: 'a JSON body larger than --max-body-bytes',
    send: async (sign) => serializeRequest(await sign({ method: 'POST', target: '/', headers: KMS('ListKeys'), body: JSON.stringify({ Marker: 'x'.repeat(MAX_BODY_BYTES) }) }, { service: 'kms' })),
    status: 413,
    code: 'RequestEntityTooLarge',
    shape: 'json',
  },
  {
    // Bodies S3 reads whole (configuration documents) are limited; object uploads stream (next case).
    name: 'an S3 configuration body larger than --max-body-bytes',
    send: async (sign) => serializeRequest(await sign({ method: 'PUT', target: '/bucket?policy', body: 'x'.repeat(MAX_BODY_BYTES + 1) }, { service: 's3', s3: true })),
    status: 400,
    code: 'EntityTooLarge',
    shape: 's3',
  },
  {
    name: 'an S3 object upload larger than --max-body-bytes, streamed to the handler (here: no such bucket)',
    send: async (sign) => serializeRequest(await sign({ method: 'PUT', target: '/bucket/key', body: 'x'.repeat(MAX_BODY_BYTES + 1) }, { service: 's3', s3: true })),
    status: 404,
    code: 'NoSuchBucket',
    shape: 's3',
  },
  {
    name: 'a chunked transfer-encoded body that grows past --max-body-bytes',
    send: async () => {
      const chunk = 'x'.repeat(1000)
      const chunks = Array.from({ length: 6 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('')
      return `PUT /bucket?tagging HTTP/1.1\r\nhost: localhost\r\ntransfer-encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`
    },
    status: 400,
    code: 'EntityTooLarge',
    shape: 's3',
  },
  {
    name: 'a non-numeric Content-Length',
    send: async () => 'POST / HTTP/1.1\r\nhost: localhost\r\ncontent-length: ten\r\n\r\nAction=GetCallerIdentity',
    status: 400,
  },
  {
    // The framing ambiguity request smuggling relies on (RFC 9112 §6.3): refused outright.
    name: 'both Content-Length and Transfer-Encoding',
    send: async () => 'POST / HTTP/1.1\r\nhost: localhost\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
  },
  // Malformed bodies and parameters.
  {
    name: 'invalid XML in an S3 request body',
    send: async (sign) => serializeRequest(await sign({ method: 'PUT', target: '/bucket', body: '<CreateBucketConfiguration><LocationConstraint>eu-west-1</Loc' }, { service: 's3', s3: true })),
    status: 400,
    code: 'MalformedXML',
    shape: 's3',
  },
  {
    name: 'invalid JSON in a KMS request body',
    send: async (sign) => serializeRequest(await sign({ method: 'POST', target: '/', headers: KMS('DescribeKey'), body: '{"KeyId": "alias/x"' }, { service: 'kms' })),
    status: 400,
    code: 'SerializationException',
    shape: 'json',
  },
  {
    name: 'a string where KMS expects a number',
    send: async (sign) => serializeRequest(await sign({ method: 'POST', target: '/', headers: KMS('ListKeys'), body: '{"Limit": "ten"}' }, { service: 'kms' })),
    status: 400,
    code: 'SerializationException',
    shape: 'json',
  },
  {
    name: 'a JSON array where KMS expects an object',
    send: async (sign) => serializeRequest(await sign({ method: 'POST', target: '/', headers: KMS('ListKeys'), body: '[1,2]' }, { service: 'kms' })),
    status: 400,
    code: 'SerializationException',
    shape: 'json',
  },
  {
    name: 'a KMS request without its required KeyId',
    send: async (sign) => serializeRequest(await sign({ method: 'POST', target: '/', headers: KMS('DescribeKey'), body: '{}' }, { service: 'kms' })),
    status: 400,
    code: 'ValidationException',
    shape: 'json',
  },
  {
    name: 'an IAM call without its required parameter',
    send: async (sign) => serializeRequest(await sign({ method: 'POST', target: '/', headers: FORM, body: 'Action=GetRole&Version=2010-05-08' }, { service: 'iam' })),
    status: 400,
    code: 'ValidationError',
    shape: 'query',
    message: /roleName/,
  },
  {
    name: 'a non-numeric MaxItems in the query protocol',
    send: async (sign) => serializeRequest(await sign({ method: 'POST', target: '/', headers: FORM, body: 'Action=ListUsers&Version=2010-05-08&MaxItems=abc' }, { service: 'iam' })),
    status: 400,
    code: 'ValidationError',
    shape: 'query',
    message: "1 validation error detected: Value 'abc' at 'maxItems' failed to satisfy constraint: Member must be of type integer",
  },
  {
    name: 'a duplicated query parameter',
    send: async (sign) => serializeRequest(await sign({ method: 'POST', target: '/', headers: FORM, body: 'Action=GetCallerIdentity&Version=2011-06-15&Version=2011-06-15' }, { service: 'sts' })),
    status: 200,
  },
  {
    // The body is not read as a form, so the call names no action.
    name: 'a query body sent as JSON (wrong content type)',
    send: async (sign) => serializeRequest(await sign({ method: 'POST', target: '/', headers: { 'content-type': 'application/json' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' }, { service: 'sts' })),
    status: 400,
    code: 'MissingAction',
    shape: 'query',
  },
  {
    // X-Amz-Target decides, and the body is read as JSON whatever the content type says.
    name: 'a KMS body with a form content type',
    send: async (sign) => serializeRequest(await sign({ method: 'POST', target: '/', headers: { ...KMS('ListKeys'), 'content-type': 'application/x-www-form-urlencoded' }, body: '{}' }, { service: 'kms' })),
    status: 200,
  },
  // Routing.
  {
    name: 'an unknown Action',
    send: async (sign) => serializeRequest(await sign({ method: 'POST', target: '/', headers: FORM, body: 'Action=DropAllTables&Version=2011-06-15' }, { service: 'sts' })),
    status: 400,
    code: 'InvalidAction',
    shape: 'query',
  },
  {
    name: 'an unknown X-Amz-Target, signed',
    send: async (sign) => serializeRequest(await sign({ method: 'POST', target: '/', headers: KMS('DropAllKeys'), body: '{}' }, { service: 'kms' })),
    status: 400,
    code: 'UnknownOperationException',
    shape: 'json',
  },
  {
    name: 'an unknown X-Amz-Target, unsigned',
    send: async () => serializeRequest({ method: 'POST', target: '/', headers: KMS('DropAllKeys'), body: '{}' }),
    status: 400,
    code: 'UnknownOperationException',
    shape: 'json',
  },
  {
    name: 'a signed request with an unknown HTTP method',
    send: async (sign) => serializeRequest(await sign({ method: 'PURGE', target: '/bucket' }, { service: 's3', s3: true })),
    status: 405,
    code: 'MethodNotAllowed',
    shape: 's3',
  },
  {
    name: 'a method token node cannot parse',
    send: async () => 'G@T / HTTP/1.1\r\nhost: localhost\r\n\r\n',
    status: 400,
  },
  {
    name: 'a path with .. segments',
    send: async (sign) => serializeRequest(await sign({ method: 'GET', target: '/bucket/../../etc/passwd' }, { service: 's3', s3: true })),
    status: 404,
    code: 'NoSuchBucket', // the key is a name, never a file path
    shape: 's3',
  },
  {
    name: 'an encoded slash in the bucket name',
    send: async (sign) => serializeRequest(await sign({ method: 'GET', target: '/buck%2Fet/key' }, { service: 's3', s3: true })),
    status: 400,
    code: 'InvalidBucketName',
    shape: 's3',
  },
  {
    // S3 keys are literal: `..` and an encoded slash are characters of the key, never a path on disk.
    name: 'encoded slashes and dot segments in an S3 key',
    send: async (sign) => serializeRequest(await sign({ method: 'GET', target: '/bucket/..%2F..%2Fetc' }, { service: 's3', s3: true })),
    status: 404,
    code: 'NoSuchBucket', // the key is a name, never a file path
    shape: 's3',
  },
  {
    // No SDK sends this (it would encode `%` as %25); AWS refuses the URI before checking the signature (InvalidURI),
    // Palisade when the signature over the decoded path does not match: a client error either way.
    name: 'a malformed percent-escape in the path',
    send: async (sign) => serializeRequest(await sign({ method: 'GET', target: '/bucket/%E0%A4%A' }, { service: 's3', s3: true })),
    status: 403,
    code: 'SignatureDoesNotMatch',
    shape: 's3',
  },
  {
    name: 'headers over node\'s size limit',
    send: async () => `GET /bucket HTTP/1.1\r\nhost: localhost\r\nx-amz-meta-big: ${'a'.repeat(20_000)}\r\n\r\n`,
    status: 400,
    code: 'RequestHeaderSectionTooLarge',
    shape: 's3',
    unparsed: true,
  },
  // Authentication.
  {
    name: 'no signature where STS needs one',
    send: async () => serializeRequest(GET_CALLER_IDENTITY),
    status: 403,
    code: 'MissingAuthenticationToken',
    shape: 'query',
  },
  {
    name: 'no signature where KMS needs one',
    send: async () => serializeRequest({ method: 'POST', target: '/', headers: KMS('ListKeys'), body: '{}' }),
    status: 403,
    code: 'MissingAuthenticationTokenException',
    shape: 'json',
  },
  {
    name: 'a signature computed for another region than its scope names',
    send: async (sign) => {
      const signed = await sign(GET_CALLER_IDENTITY, { service: 'sts', region: 'eu-west-1' })
      return serializeRequest(withHeaders(signed, { authorization: signed.headers!['authorization']!.replace('/eu-west-1/', '/us-east-1/') }))
    },
    status: 403,
    code: 'SignatureDoesNotMatch',
    shape: 'query',
  },
  {
    name: 'a signature scoped to another region than the server serves',
    send: async (sign) => serializeRequest(await sign(GET_CALLER_IDENTITY, { service: 'sts', region: 'eu-west-1' })),
    status: 403,
    code: 'SignatureDoesNotMatch',
    shape: 'query',
    message: 'Credential should be scoped to a valid region.',
  },
  {
    name: 'a signature computed for another service than its scope names',
    send: async (sign) => {
      const signed = await sign(GET_CALLER_IDENTITY, { service: 'iam' })
      return serializeRequest(withHeaders(signed, { authorization: signed.headers!['authorization']!.replace('/iam/', '/sts/') }))
    },
    status: 403,
    code: 'SignatureDoesNotMatch',
    shape: 'query',
  },
  {
    name: 'an STS call signed for IAM reaches IAM, which has no such action',
    send: async (sign) => serializeRequest(await sign(GET_CALLER_IDENTITY, { service: 'iam' })),
    status: 400,
    code: 'InvalidAction',
    shape: 'query',
  },
  {
    name: 'an X-Amz-Date 16 minutes in the future',
    send: async (sign) => serializeRequest(await sign(GET_CALLER_IDENTITY, { service: 'sts', date: new Date(Date.now() + 16 * MINUTE) })),
    status: 403,
    code: 'SignatureDoesNotMatch',
    shape: 'query',
    message: /^Signature not yet current: /,
  },
  {
    name: 'an X-Amz-Date 16 minutes in the past',
    send: async (sign) => serializeRequest(await sign(GET_CALLER_IDENTITY, { service: 'sts', date: new Date(Date.now() - 16 * MINUTE) })),
    status: 403,
    code: 'SignatureDoesNotMatch',
    shape: 'query',
    message: /^Signature expired: /,
  },
  {
    name: 'an X-Amz-Date 14 minutes in the past is still within the skew',
    send: async (sign) => serializeRequest(await sign(GET_CALLER_IDENTITY, { service: 'sts', date: new Date(Date.now() - 14 * MINUTE) })),
    status: 200,
  },
  {
    name: 'an S3 request 16 minutes in the past',
    send: async (sign) => serializeRequest(await sign({ method: 'GET', target: '/bucket/key' }, { service: 's3', s3: true, date: new Date(Date.now() - 16 * MINUTE) })),
    status: 403,
    code: 'RequestTimeTooSkewed',
    shape: 's3',
  },
]

describe('bad input through a running server', () => {
  let palisade: TestPalisade
  beforeAll(async () => { palisade = await startTestPalisade(['--max-body-bytes', String(MAX_BODY_BYTES)]) })
  afterAll(() => palisade.stop())

  const sign = (request: RawRequest, options: Partial<SigningOptions> & { service: string }) =>
    signRaw(request, { accessKeyId: palisade.root.accessKeyId, secretAccessKey: palisade.root.secretAccessKey, ...options })

  it.each(cases)('$name', async ({ send, status, code, shape, message, unparsed }) => {
    const { responses } = await sendRaw(palisade.port, await send(sign), { responses: 1 })
    expect(responses).toHaveLength(1)
    const [response] = responses as [RawResponse]
    expect({ status: response.status, code: code === undefined ? undefined : errorCode(response) }).toEqual({ status, code })
    if (message !== undefined) expect(errorMessage(response)).toMatch(message)
    if (shape === 'query') expect(response.body).toMatch(/^<\?xml[^>]*><ErrorResponse[ >]/)
    if (shape === 'json') expect(JSON.parse(response.body)).toHaveProperty('__type')
    if (shape === 's3') expect(response.body).toMatch(/^<\?xml[^>]*><Error><Code>/)
    if (shape !== undefined && !unparsed) expect(response.headers['x-amzn-requestid'] ?? response.headers['x-amz-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('refuses an expired presigned S3 URL with AccessDenied', async () => {
    const presigned = await presign(palisade, { method: 'GET', target: '/bucket/key' }, 's3', new Date(Date.now() - 2 * MINUTE), 60)
    const { responses } = await sendRaw(palisade.port, serializeRequest(presigned), { responses: 1 })
    expect(responses[0]).toMatchObject({ status: 403 })
    expect(errorMessage(responses[0]!)).toBe('Request has expired')
  })

  it('refuses an expired presigned STS URL with RequestExpired', async () => {
    const presigned = await presign(palisade, { method: 'GET', target: '/?Action=GetCallerIdentity&Version=2011-06-15' }, 'sts', new Date(Date.now() - 2 * MINUTE), 60)
    const { responses } = await sendRaw(palisade.port, serializeRequest(presigned), { responses: 1 })
    expect({ status: responses[0]!.status, code: errorCode(responses[0]!) }).toEqual({ status: 400, code: 'RequestExpired' })
  })

  it('accepts a presigned STS URL within its lifetime', async () => {
    const presigned = await presign(palisade, { method: 'GET', target: '/?Action=GetCallerIdentity&Version=2011-06-15' }, 'sts', new Date(Date.now() - 2 * MINUTE), 300)
    const { responses } = await sendRaw(palisade.port, serializeRequest(presigned), { responses: 1 })
    expect(responses[0]!.status).toBe(200)
    expect(responses[0]!.body).toContain('<Arn>arn:aws:iam::000000000000:root</Arn>')
  })

  it('drops a body the client abandons and keeps serving', async () => {
    const signed = await sign(GET_CALLER_IDENTITY, { service: 'sts' })
    const bytes = serializeRequest(withHeaders(signed, { 'content-length': '100' }))
    const exchange = await sendRaw(palisade.port, bytes, { end: true })
    // Node answers the half-closed, incomplete request with a bare 400 before closing.
    expect(exchange.closed).toBe(true)
    expect(exchange.responses.map((response) => response.status)).toEqual([400])
    expect((await fetch(`${palisade.url}/_palisade/health`)).status).toBe(200)
  })

  it('still answers health after every case above', async () => {
    expect(await (await fetch(`${palisade.url}/_palisade/health`)).json()).toMatchObject({ status: 'ok' })
  })
})

/** The request presigned by the root user at `date`, valid for `expires` seconds. */
function presign(palisade: TestPalisade, request: RawRequest, service: string, date: Date, expires: number): Promise<RawRequest> {
  return presignRaw(request, { accessKeyId: palisade.root.accessKeyId, secretAccessKey: palisade.root.secretAccessKey, service, date, s3: service === 's3' }, expires)
}

function withHeaders(request: RawRequest, headers: Readonly<Record<string, string>>): RawRequest {
  return { ...request, headers: { ...request.headers, ...headers } }
}
