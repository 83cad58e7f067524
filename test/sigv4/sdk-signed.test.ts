// Requests signed by the AWS SDK's signer (@smithy/signature-v4) verify, and any change to them does not.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HttpRequest } from '../../src/core/http.js'
import { readSignature, verifySignature, type AuthErrorFamily, type VerifyOptions } from '../../src/sigv4/index.js'
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY, sdkRequest, sdkSigner, toWire } from './support/sdk-signer.js'

const SIGNED_AT = new Date('2026-11-22T12:00:00Z')
const seconds = (n: number) => new Date(SIGNED_AT.getTime() + n * 1000)

async function signedIamCall(): Promise<HttpRequest> {
  const request = sdkRequest({
    method: 'POST',
    hostname: 'iam.amazonaws.com',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: 'Action=ListUsers&Version=2010-05-08',
  })
  return toWire(await sdkSigner({ service: 'iam' }).sign(request, { signingDate: SIGNED_AT }))
}

function verify(request: HttpRequest, now: Date, options: VerifyOptions, secret = SECRET_ACCESS_KEY) {
  const signed = readSignature(request, options.family)
  if (!signed) throw new Error('no signature')
  return verifySignature(request, signed, secret, now, options)
}

const IAM: VerifyOptions = { family: 'query', region: 'us-east-1', service: 'iam' }

describe('verifySignature with the SDK signer: header form', () => {
  it('accepts an IAM call signed by the SDK', async () => {
    const request = await signedIamCall()
    expect(verify(request, SIGNED_AT, IAM).payload.toString()).toBe('Action=ListUsers&Version=2010-05-08')
    expect(readSignature(request, 'query')).toMatchObject({ form: 'header', accessKeyId: ACCESS_KEY_ID, scope: { date: '20261122', region: 'us-east-1', service: 'iam' } })
  })

  it('accepts an unsigned header added on the way', async () => {
    const request = await signedIamCall()
    expect(() => verify({ ...request, headers: { ...request.headers, 'x-forwarded-for': '10.0.0.1' } }, SIGNED_AT, IAM)).not.toThrow()
  })

  const tamperings: { name: string; change: (r: HttpRequest) => HttpRequest }[] = [
    { name: 'another method', change: (r) => ({ ...r, method: 'PUT' }) },
    { name: 'another path', change: (r) => ({ ...r, path: '/admin' }) },
    { name: 'an added query parameter', change: (r) => ({ ...r, query: 'Action=DeleteUser' }) },
    { name: 'a changed signed header', change: (r) => ({ ...r, headers: { ...r.headers, 'content-type': 'application/json' } }) },
    { name: 'a changed host', change: (r) => ({ ...r, headers: { ...r.headers, host: 'evil.example.com' } }) },
    { name: 'a changed body', change: (r) => ({ ...r, body: Buffer.from('Action=ListUsers&Version=2010-05-08&x=1') }) },
  ]

  it.each(tamperings)('rejects $name with SignatureDoesNotMatch', async ({ change }) => {
    const request = change(await signedIamCall())
    expect(() => verify(request, SIGNED_AT, IAM)).toThrow(
      expect.objectContaining({
        code: 'SignatureDoesNotMatch',
        status: 403,
        jsonCode: 'InvalidSignatureException',
        message:
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      }),
    )
  })

  it('rejects the right signature checked against another secret, and says nothing about the secret', async () => {
    const request = sdkRequest({ hostname: 'bucket.s3.us-east-1.amazonaws.com', path: '/key' })
    const wire = toWire(await sdkSigner({ service: 's3', uriEscapePath: false, applyChecksum: true }).sign(request, { signingDate: SIGNED_AT }))
    let thrown: unknown
    try {
      verify(wire, SIGNED_AT, { family: 's3' }, 'another-secret')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ code: 'SignatureDoesNotMatch', fields: { SignatureProvided: readSignature(wire, 's3')!.signature } })
    const reported = JSON.stringify({ fields: (thrown as { fields: unknown }).fields, message: (thrown as Error).message })
    expect(reported).not.toContain('another-secret')
    expect(reported).not.toContain(SECRET_ACCESS_KEY)
  })

  it('rejects a signature of another length without comparing it', async () => {
    const request = await signedIamCall()
    const short = { ...request, headers: { ...request.headers, authorization: request.headers['authorization']!.replace(/Signature=[0-9a-f]+/, 'Signature=abc') } }
    expect(() => verify(short, SIGNED_AT, IAM)).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }))
  })

  it('reads the session token the SDK signs into X-Amz-Security-Token', async () => {
    const request = sdkRequest({ hostname: 'sts.amazonaws.com', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' } })
    const wire = toWire(await sdkSigner({ service: 'sts', sessionToken: 'FwoGZXIvYXdzEXAMPLE+token/=' }).sign(request, { signingDate: SIGNED_AT }))
    expect(readSignature(wire, 'query')?.sessionToken).toBe('FwoGZXIvYXdzEXAMPLE+token/=')
    expect(() => verify(wire, SIGNED_AT, { family: 'query', service: 'sts' })).not.toThrow()
  })
})

describe('verifySignature: clock skew', () => {
  const skews = [
    { name: 'accepts a request signed 15 minutes ago', now: seconds(900), error: undefined },
    {
      name: 'rejects a request signed 15 minutes and 1 second ago',
      now: seconds(901),
      error: 'Signature expired: 20261122T120000Z is now earlier than 20261122T120001Z (20261122T121501Z - 15 min.)',
    },
    { name: 'accepts a request signed 15 minutes ahead', now: seconds(-900), error: undefined },
    {
      name: 'rejects a request signed 15 minutes and 1 second ahead',
      now: seconds(-901),
      error: 'Signature not yet current: 20261122T120000Z is still later than 20261122T115959Z (20261122T114459Z + 15 min.)',
    },
  ]

  it.each(skews)('$name', async ({ now, error }) => {
    const request = await signedIamCall()
    if (error === undefined) expect(() => verify(request, now, IAM)).not.toThrow()
    else expect(() => verify(request, now, IAM)).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch', message: error }))
  })

  it('answers S3 with RequestTimeTooSkewed', async () => {
    const request = sdkRequest({ hostname: 'bucket.s3.us-east-1.amazonaws.com', path: '/key' })
    const wire = toWire(await sdkSigner({ service: 's3', uriEscapePath: false, applyChecksum: true }).sign(request, { signingDate: SIGNED_AT }))
    expect(() => verify(wire, seconds(901), { family: 's3', service: 's3' })).toThrow(
      expect.objectContaining({
        code: 'RequestTimeTooSkewed',
        status: 403,
        fields: { RequestTime: '20261122T120000Z', ServerTime: '2026-11-22T12:15:01Z', MaxAllowedSkewMilliseconds: '900000' },
      }),
    )
  })

  it('answers EC2 with RequestExpired', async () => {
    const request = await signedIamCall()
    expect(() => verify(request, seconds(901), { family: 'ec2' })).toThrow(expect.objectContaining({ code: 'RequestExpired', message: 'Request has expired.' }))
  })
})

describe('verifySignature: presigned URLs', () => {
  async function presignedS3Get(expiresIn: number) {
    const request = sdkRequest({
      hostname: 'bucket.s3.us-east-1.amazonaws.com',
      path: '/photos/my%20cat%2B1.jpg',
      query: { 'response-content-type': 'image/jpeg' },
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    })
    const signer = sdkSigner({ service: 's3', uriEscapePath: false, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE' })
    return toWire(await signer.presign(request, { expiresIn, signingDate: SIGNED_AT }))
  }

  it('accepts an S3 URL on the last second of its life and reads its session token', async () => {
    const wire = await presignedS3Get(60)
    expect(wire.headers['authorization']).toBeUndefined()
    expect(readSignature(wire, 's3')).toMatchObject({ form: 'query', expiresSeconds: 60, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE' })
    expect(() => verify(wire, seconds(60), { family: 's3', region: 'us-east-1', service: 's3' })).not.toThrow()
  })

  it('rejects an S3 URL one second after it expired with AccessDenied', async () => {
    const wire = await presignedS3Get(60)
    expect(() => verify(wire, seconds(61), { family: 's3' })).toThrow(
      expect.objectContaining({
        code: 'AccessDenied',
        status: 403,
        message: 'Request has expired',
        fields: { 'X-Amz-Expires': '60', Expires: '2026-11-22T12:01:00Z', ServerTime: '2026-11-22T12:01:01Z' },
      }),
    )
  })

  it('rejects an S3 URL used with an x-amz-* header it did not sign', async () => {
    const wire = await presignedS3Get(60)
    const withMetadata = { ...wire, headers: { ...wire.headers, 'x-amz-meta-owner': 'mallory', 'x-amz-acl': 'public-read' } }
    expect(() => verify(withMetadata, SIGNED_AT, { family: 's3' })).toThrow(
      expect.objectContaining({
        code: 'AccessDenied',
        message: 'There were headers present in the request which were not signed',
        fields: { HeadersNotSigned: 'x-amz-acl, x-amz-meta-owner' },
      }),
    )
  })

  it('rejects an S3 URL whose query was changed', async () => {
    const wire = await presignedS3Get(60)
    const changed = { ...wire, query: wire.query.replace('image%2Fjpeg', 'text%2Fhtml') }
    expect(() => verify(changed, SIGNED_AT, { family: 's3' })).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }))
  })

  it('accepts a presigned STS call until X-Amz-Expires and rejects it one second later', async () => {
    const request = sdkRequest({ hostname: 'sts.amazonaws.com', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' } })
    const wire = toWire(await sdkSigner({ service: 'sts' }).presign(request, { expiresIn: 300, signingDate: SIGNED_AT }))
    const sts: VerifyOptions = { family: 'query', region: 'us-east-1', service: 'sts' }
    expect(() => verify(wire, seconds(300), sts)).not.toThrow()
    expect(() => verify(wire, seconds(301), sts)).toThrow(expect.objectContaining({ code: 'RequestExpired', message: 'Request has expired.' }))
  })

  it('rejects a presigned URL used more than 15 minutes before its X-Amz-Date', async () => {
    const wire = await presignedS3Get(3600)
    expect(() => verify(wire, seconds(-901), { family: 's3' })).toThrow(expect.objectContaining({ code: 'AccessDenied', message: 'Request is not valid yet' }))
  })

  it.each([
    { family: 's3' as const, code: 'AuthorizationQueryParametersError' },
    { family: 'query' as const, code: 'IncompleteSignature' },
  ])('rejects X-Amz-Expires over a week ($family: $code)', async ({ family, code }) => {
    const wire = await presignedS3Get(60)
    const longLived = { ...wire, query: wire.query.replace('X-Amz-Expires=60', 'X-Amz-Expires=604801') }
    expect(() => readSignature(longLived, family)).toThrow(
      expect.objectContaining({
        code,
        message: 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
      }),
    )
  })
})

describe('verifySignature: S3 paths and payloads', () => {
  const s3 = sdkSigner({ service: 's3', uriEscapePath: false, applyChecksum: true })

  async function signedPut(path: string, body: string) {
    const request = sdkRequest({ method: 'PUT', hostname: 's3.us-east-1.amazonaws.com', path, body })
    return toWire(await s3.sign(request, { signingDate: SIGNED_AT }))
  }

  it.each([
    { name: 'an encoded key', path: '/bucket/dir/a%20b%2Bc%21.txt' },
    { name: 'a key with dot segments and empty segments, signed as sent', path: '/bucket/a/../b//c/./d' },
    { name: 'a UTF-8 key', path: '/bucket/%E1%88%B4%C3%A9.txt' },
  ])('accepts a PUT of $name', async ({ path }) => {
    const wire = await signedPut(path, 'hello')
    expect(verify(wire, SIGNED_AT, { family: 's3', region: 'us-east-1', service: 's3' }).payload.toString()).toBe('hello')
  })

  it('rejects a body that does not match x-amz-content-sha256 with XAmzContentSHA256Mismatch', async () => {
    const wire = await signedPut('/bucket/key', 'hello')
    expect(() => verify({ ...wire, body: Buffer.from('hellO') }, SIGNED_AT, { family: 's3' })).toThrow(
      expect.objectContaining({
        code: 'XAmzContentSHA256Mismatch',
        status: 400,
        fields: {
          ClientComputedContentSHA256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
          S3ComputedContentSHA256: createHash('sha256').update('hellO').digest('hex'),
        },
      }),
    )
  })

  it('reports the canonical request S3 expected when the path was changed', async () => {
    const wire = await signedPut('/bucket/key', 'hello')
    expect(() => verify({ ...wire, path: '/bucket/other' }, SIGNED_AT, { family: 's3' })).toThrow(
      expect.objectContaining({
        code: 'SignatureDoesNotMatch',
        fields: expect.objectContaining({
          AWSAccessKeyId: ACCESS_KEY_ID,
          CanonicalRequest: expect.stringContaining('PUT\n/bucket/other\n'),
          StringToSign: expect.stringMatching(/^AWS4-HMAC-SHA256\n20261122T120000Z\n20261122\/us-east-1\/s3\/aws4_request\n[0-9a-f]{64}$/),
        }),
      }),
    )
  })

  it('requires x-amz-content-sha256 on an S3 header-signed request', async () => {
    const request = sdkRequest({ hostname: 's3.us-east-1.amazonaws.com', path: '/bucket/key' })
    const wire = toWire(await sdkSigner({ service: 's3', uriEscapePath: false }).sign(request, { signingDate: SIGNED_AT }))
    expect(() => verify(wire, SIGNED_AT, { family: 's3' })).toThrow(
      expect.objectContaining({ code: 'InvalidRequest', message: 'Missing required header for this request: x-amz-content-sha256' }),
    )
  })

  it('accepts UNSIGNED-PAYLOAD for S3 whatever the body', async () => {
    const request = sdkRequest({ method: 'PUT', hostname: 's3.us-east-1.amazonaws.com', path: '/bucket/key', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: 'data' })
    const wire = toWire(await s3.sign(request, { signingDate: SIGNED_AT }))
    expect(verify({ ...wire, body: Buffer.from('other data') }, SIGNED_AT, { family: 's3' }).payload.toString()).toBe('other data')
  })

  it('rejects UNSIGNED-PAYLOAD for a service that signs its body', async () => {
    const request = sdkRequest({ method: 'POST', hostname: 'iam.amazonaws.com', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: 'Action=ListUsers' })
    const wire = toWire(await sdkSigner({ service: 'iam' }).sign(request, { signingDate: SIGNED_AT }))
    expect(() => verify(wire, SIGNED_AT, IAM)).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }))
  })

  it('double-encodes the path for services other than S3', async () => {
    const request = sdkRequest({ method: 'POST', hostname: 'lambda.us-east-1.amazonaws.com', path: '/2015-03-31/functions/my%20function/invocations', body: '{}' })
    const wire = toWire(await sdkSigner({ service: 'lambda' }).sign(request, { signingDate: SIGNED_AT }))
    expect(() => verify(wire, SIGNED_AT, { family: 'rest-json', service: 'lambda' })).not.toThrow()
    expect(() => verify(wire, SIGNED_AT, { family: 'rest-json', pathRules: 's3' })).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }))
  })
})

describe('verifySignature: credential scope', () => {
  async function signedBy(region: string, service: string) {
    const request = sdkRequest({ hostname: 'example.amazonaws.com', path: '/bucket/key', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })
    return toWire(await sdkSigner({ service, region, uriEscapePath: false }).sign(request, { signingDate: SIGNED_AT }))
  }

  const cases: { name: string; region: string; service: string; family: AuthErrorFamily; expected: Record<string, unknown> }[] = [
    {
      name: 'IAM rejects another region',
      region: 'eu-west-1',
      service: 'iam',
      family: 'query',
      expected: { code: 'SignatureDoesNotMatch', message: 'Credential should be scoped to a valid region.' },
    },
    {
      name: 'IAM rejects another service',
      region: 'us-east-1',
      service: 'sts',
      family: 'query',
      expected: { code: 'SignatureDoesNotMatch', message: "Credential should be scoped to correct service: 'iam'." },
    },
    {
      name: 'KMS (JSON) rejects another service with InvalidSignatureException',
      region: 'us-east-1',
      service: 'sts',
      family: 'json',
      expected: { jsonCode: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'iam'." },
    },
    {
      name: 'S3 rejects another region with AuthorizationHeaderMalformed',
      region: 'eu-west-1',
      service: 's3',
      family: 's3',
      expected: {
        code: 'AuthorizationHeaderMalformed',
        status: 400,
        message: "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
        fields: { Region: 'us-east-1' },
      },
    },
  ]

  it.each(cases)('$name', async ({ region, service, family, expected }) => {
    const wire = await signedBy(region, service)
    const expectedService = family === 's3' ? 's3' : 'iam'
    expect(() => verify(wire, SIGNED_AT, { family, region: 'us-east-1', service: expectedService })).toThrow(expect.objectContaining(expected))
  })

  it('rejects a credential scope dated another day than X-Amz-Date', async () => {
    const request = sdkRequest({ method: 'POST', hostname: 'iam.amazonaws.com', body: 'Action=ListUsers&Version=2010-05-08' })
    const signedAt = new Date('2026-11-22T23:59:50Z')
    const wire = toWire(await sdkSigner({ service: 'iam' }).sign(request, { signingDate: signedAt }))
    const nextDay = { ...wire, headers: { ...wire.headers, 'x-amz-date': '20261123T000010Z' } }
    expect(() => verify(nextDay, signedAt, IAM)).toThrow(
      expect.objectContaining({
        code: 'SignatureDoesNotMatch',
        message: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261122' != '20261123', from '20261123T000010Z'.",
      }),
    )
  })

  it('requires Host among the signed headers', async () => {
    const request = sdkRequest({ method: 'POST', hostname: 'iam.amazonaws.com', body: 'Action=ListUsers' })
    const wire = toWire(await sdkSigner({ service: 'iam' }).sign(request, { signingDate: SIGNED_AT, unsignableHeaders: new Set(['host']) }))
    expect(() => verify(wire, SIGNED_AT, IAM)).toThrow(
      expect.objectContaining({ code: 'SignatureDoesNotMatch', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." }),
    )
  })
})
