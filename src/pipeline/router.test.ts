// Tests for the router: which service and operation a request names.
import { describe, expect, it } from 'vitest'
import type { HttpRequest } from '../core/http.js'
import { serviceBindings } from '../app/service-bindings.js'
import { createRouter } from './router.js'

const router = createRouter(serviceBindings({ iam: { database: { subscribe: async () => async () => {} } } as never, sts: {} as never }))

function request(overrides: Partial<HttpRequest>): HttpRequest {
  return { method: 'POST', path: '/', query: '', headers: {}, body: Buffer.alloc(0), remoteAddress: '127.0.0.1', secure: false, ...overrides }
}

const signedFor = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261122/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`,
})
const form = 'application/x-www-form-urlencoded; charset=utf-8'

describe('createRouter', () => {
  it.each([
    {
      name: 'a query call by its credential scope',
      req: request({ headers: { ...signedFor('iam'), 'content-type': form }, body: Buffer.from('Action=ListUsers&Version=2010-05-08') }),
      service: 'iam',
      operation: 'ListUsers',
    },
    {
      name: 'an unsigned query call by its Version',
      req: request({ headers: { 'content-type': form }, body: Buffer.from('Action=AssumeRoleWithWebIdentity&Version=2011-06-15') }),
      service: 'sts',
      operation: 'AssumeRoleWithWebIdentity',
    },
    {
      name: 'a JSON call by X-Amz-Target',
      req: request({ headers: { 'x-amz-target': 'TrentService.CreateKey', 'content-type': 'application/x-amz-json-1.1' }, body: Buffer.from('{}') }),
      service: 'kms',
      operation: 'CreateKey',
    },
    {
      name: "CloudTrail's short target prefix, as SDK v3 sends it",
      req: request({ headers: { 'x-amz-target': 'CloudTrail_20131101.LookupEvents', 'content-type': 'application/x-amz-json-1.1' }, body: Buffer.from('{}') }),
      service: 'cloudtrail',
      operation: 'LookupEvents',
    },
    {
      name: 'an anonymous path-style S3 request',
      req: request({ method: 'GET', path: '/bucket/some/key', headers: { host: '127.0.0.1:4566' } }),
      service: 's3',
      operation: 'GetObject',
    },
    {
      name: 'a virtual-hosted S3 request',
      req: request({ method: 'GET', path: '/some/key', headers: { host: 'bucket.s3.localhost:4566' } }),
      service: 's3',
      operation: 'GetObject',
    },
  ])('routes $name', ({ req, service, operation }) => {
    const route = router.resolve(req)
    expect(route.binding.model.name).toBe(service)
    expect(route.operation.name).toBe(operation)
  })

  it('rewrites a virtual-hosted S3 request path-style for the codec', () => {
    const route = router.resolve(request({ method: 'GET', path: '/some/key', headers: { host: 'bucket.localhost' } }))
    expect(route.request.path).toBe('/bucket/some/key')
  })

  it.each([
    {
      name: 'an unknown query Action with InvalidAction',
      req: request({ headers: { ...signedFor('sts'), 'content-type': form }, body: Buffer.from('Action=Nope&Version=2011-06-15') }),
      code: 'InvalidAction',
      message: 'Could not find operation Nope for version 2011-06-15',
    },
    {
      name: 'an unknown JSON target with UnknownOperationException',
      req: request({ headers: { ...signedFor('kms'), 'x-amz-target': 'TrentService.Nope' }, body: Buffer.from('{}') }),
      code: 'UnknownOperationException',
    },
  ])('answers $name', ({ req, code, message }) => {
    expect(() => router.resolve(req)).toThrow(expect.objectContaining({ code, ...(message && { message }) }))
  })
})
