// Tests for reading the region and service of a request's credential scope.
import { describe, expect, it } from 'vitest'
import type { HttpRequest } from '../core/http.js'
import { credentialScope } from './credential-scope.js'

const request = (overrides: Partial<HttpRequest>): HttpRequest =>
  ({ method: 'GET', path: '/', query: '', headers: {}, body: Buffer.alloc(0), remoteAddress: '127.0.0.1', secure: false, ...overrides })

describe('credentialScope', () => {
  it.each([
    {
      name: 'the Authorization header',
      req: request({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261122/eu-west-2/kms/aws4_request, SignedHeaders=host, Signature=00' } }),
      expected: { region: 'eu-west-2', service: 'kms' },
    },
    {
      name: 'a presigned query with an encoded credential',
      req: request({ query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261122%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00' }),
      expected: { region: 'us-east-1', service: 's3' },
    },
    { name: 'nothing for an unsigned request', req: request({}), expected: undefined },
    { name: 'nothing for a scope that does not parse', req: request({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/x' } }), expected: undefined },
  ])('reads $name', ({ req, expected }) => {
    expect(credentialScope(req)).toEqual(expected)
  })
})
