// globalContext: the request keys every authorization request carries.
import { describe, expect, it } from 'vitest'
import type { CallFacts } from '../core/authorization-target.js'
import type { HttpRequest } from '../core/http.js'
import { globalContext } from './global-context.js'

const call: CallFacts = {
  caller: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userId: 'AIDAALICE' },
  accountId: '111122223333',
  region: 'eu-west-1',
  partition: 'aws',
}

function request(overrides: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'POST', path: '/', query: '', headers: { 'user-agent': 'aws-cli/2.15' }, body: Buffer.alloc(0), remoteAddress: '10.1.2.3', secure: true, ...overrides }
}

describe('globalContext', () => {
  it('fills the request keys: source IP, time in seconds, epoch, TLS, user agent, region', () => {
    expect(globalContext(request(), call, new Date('2026-11-22T14:00:05.678Z'), undefined)).toEqual({
      'aws:SourceIp': '10.1.2.3',
      'aws:CurrentTime': '2026-11-22T14:00:05Z',
      'aws:EpochTime': '1795356005',
      'aws:SecureTransport': 'true',
      'aws:RequestedRegion': 'eu-west-1',
      'aws:ViaAWSService': 'false',
      'aws:UserAgent': 'aws-cli/2.15',
    })
  })

  it.each([
    { name: 'an IPv4 client seen through an IPv6 socket is its IPv4 address', remoteAddress: '::ffff:127.0.0.1', expected: '127.0.0.1' },
    { name: 'an IPv6 client keeps its address', remoteAddress: '2001:db8::1', expected: '2001:db8::1' },
  ])('$name', ({ remoteAddress, expected }) => {
    expect(globalContext(request({ remoteAddress }), call, new Date(0), undefined)['aws:SourceIp']).toBe(expected)
  })

  it('leaves out aws:MultiFactorAuthPresent for long-term keys and carries the operation keys', () => {
    const context = globalContext(request({ secure: false }), call, new Date(0), { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess', 'aws:TagKeys': ['a', 'b'] })
    expect(context).not.toHaveProperty('aws:MultiFactorAuthPresent')
    expect(context).toMatchObject({ 'aws:SecureTransport': 'false', 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess', 'aws:TagKeys': ['a', 'b'] })
  })
})
