// Fuzzing a running server over raw sockets: random and mutated requests only ever get well-formed answers below 500.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { sendRaw, serializeRequest, signRaw, type RawRequest } from '../support/raw-http.js'

const RUNS = 300

const method = fc.oneof(
  fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS', 'PURGE'),
  fc.stringMatching(/^[A-Za-z!#$%&'*+.^_`|~-]{1,12}$/),
)
const pathSegment = fc.oneof(
  fc.constantFrom('bucket', 'key', '..', '.', '', '%2F', '%2e%2e', '%zz', '%00', '_palisade', 'health', 'reset'),
  fc.stringMatching(/^[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,16}$/),
)
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?Action=GetCallerIdentity&Version=2011-06-15', '?Action=ListUsers&MaxItems=abc&Version=2010-05-08', '?uploads', '?X-Amz-Credential=%2F%2F%2F', '?list-type=2&max-keys=-1'),
  fc.stringMatching(/^\?[A-Za-z0-9=&%._-]{0,40}$/),
)
const header = fc.oneof(
  fc.tuple(fc.constant('content-type'), fc.constantFrom('application/x-www-form-urlencoded', 'application/x-amz-json-1.1', 'application/json', 'application/xml', 'text/plain', '')),
  fc.tuple(fc.constant('x-amz-target'), fc.oneof(fc.constantFrom('TrentService.ListKeys', 'TrentService.Nope', 'AWSOrganizationsV20161128.ListRoots', '.', 'X'), fc.string({ maxLength: 30 }))),
  fc.tuple(fc.constant('authorization'), fc.oneof(
    fc.constantFrom('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00', 'AWS AKIA:sig', 'Bearer x'),
    fc.string({ maxLength: 80 }).map((text) => `AWS4-HMAC-SHA256 ${text}`),
  )),
  fc.tuple(fc.constantFrom('x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token', 'content-encoding', 'expect', 'host', 'range'), fc.string({ maxLength: 40 })),
  fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), fc.string({ maxLength: 40 })),
)
// Header values must not break the request's own framing: CR and LF would start a new line.
const headers = fc.array(header, { maxLength: 6 }).map((pairs) => Object.fromEntries(pairs.map(([name, value]) => [name, value.replace(/[\r\n]/g, ' ')])))
const body = fc.oneof(
  fc.constant(''),
  fc.constantFrom('Action=GetCallerIdentity&Version=2011-06-15', '{}', '{"KeyId":', '<CreateBucketConfiguration>', '[]', 'null', '{"Limit":"x"}'),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
)
const randomRequest = fc.record({ method, target: fc.tuple(fc.array(pathSegment, { maxLength: 4 }), query).map(([segments, q]) => `/${segments.join('/')}${q}`), headers, body })

/** An edit to a valid request's bytes: flip, delete, insert or duplicate a range. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 20 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 60 }) }),
)
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never

function mutate(bytes: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(bytes)
  for (const edit of mutations) {
    const at = edit.at % (out.length + 1)
    if (edit.kind === 'flip' && at < out.length) out[at] = out[at]! ^ edit.bits
    if (edit.kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + edit.length)])
    if (edit.kind === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from(edit.bytes), out.subarray(at)])
    if (edit.kind === 'duplicate') out = Buffer.concat([out.subarray(0, at + edit.length), out.subarray(at)])
  }
  return out
}

describe('fuzzing a running server', () => {
  let palisade: TestPalisade
  const seen = new Map<number, number>()
  beforeAll(async () => { palisade = await startTestPalisade(['--max-body-bytes', '4096']) })
  afterAll(async () => {
    console.info(`fuzz statuses: ${[...seen].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ')}`)
    await palisade.stop()
  })

  /**
   * Sends the bytes and half-closes, so an incomplete request ends instead of waiting for more. The answer must be
   * well-formed HTTP (sendRaw throws otherwise), below 500 unless it is 501 for an unimplemented operation, and the
   * server must close or answer: never leave the client waiting.
   */
  async function exchange(bytes: Buffer): Promise<void> {
    const { responses, closed } = await sendRaw(palisade.port, bytes, { end: true, idleMs: 5000, head: bytes.subarray(0, 5).toString('latin1') === 'HEAD ' })
    expect(closed || responses.length > 0).toBe(true)
    for (const response of responses) {
      seen.set(response.status, (seen.get(response.status) ?? 0) + 1)
      expect(response.status === 501 || response.status < 500, `status ${response.status}: ${response.body.slice(0, 300)}`).toBe(true)
    }
  }

  it('answers random requests', async () => {
    await fc.assert(
      fc.asyncProperty(randomRequest, async (request) => exchange(serializeRequest(request))),
      { numRuns: RUNS },
    )
  })

  it('answers mutations of validly signed requests', async () => {
    const credentials = palisade.root
    const valid: Buffer[] = await Promise.all([
      signRaw({ method: 'POST', target: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' }, { ...credentials, service: 'sts' }),
      signRaw({ method: 'POST', target: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListUsers&Version=2010-05-08&MaxItems=5' }, { ...credentials, service: 'iam' }),
      signRaw({ method: 'POST', target: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.DescribeKey' }, body: '{"KeyId":"alias/x"}' }, { ...credentials, service: 'kms' }),
      signRaw({ method: 'PUT', target: '/bucket', body: '<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>' }, { ...credentials, service: 's3', s3: true }),
      signRaw({ method: 'GET', target: '/bucket?list-type=2&prefix=a%2Fb' }, { ...credentials, service: 's3', s3: true }),
    ].map(async (signing) => serializeRequest(await signing as RawRequest)))
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: valid.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (which, mutations) =>
        exchange(mutate(valid[which]!, mutations))),
      { numRuns: RUNS },
    )
  })

  it('still answers health after the fuzzing', async () => {
    expect(await (await fetch(`${palisade.url}/_palisade/health`)).json()).toMatchObject({ status: 'ok' })
  })
})
