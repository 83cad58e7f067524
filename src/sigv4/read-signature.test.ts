// readSignature: both signature forms, and AWS's texts for malformed ones.
import { describe, expect, it } from 'vitest'
import type { HttpRequest } from '../core/http.js'
import type { AuthErrorFamily } from './auth-error.js'
import { readSignature } from './read-signature.js'

const SIGNED = 'Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc'

function request(headers: Record<string, string>, query = ''): HttpRequest {
  return { method: 'GET', path: '/', query, headers: { host: 'example.com', ...headers }, body: Buffer.alloc(0), remoteAddress: '127.0.0.1', secure: true }
}

describe('readSignature', () => {
  it('returns undefined for an unsigned request', () => {
    expect(readSignature(request({}, 'Action=ListUsers'), 'query')).toBeUndefined()
  })

  it('reads the header form', () => {
    expect(readSignature(request({ authorization: `AWS4-HMAC-SHA256 ${SIGNED}`, 'x-amz-date': '20150830T123600Z', 'x-amz-security-token': 'token' }), 'query')).toEqual({
      form: 'header',
      accessKeyId: 'AKIDEXAMPLE',
      scope: { date: '20150830', region: 'us-east-1', service: 'iam', terminator: 'aws4_request' },
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'abc',
      timestamp: '20150830T123600Z',
      requestTime: new Date('2015-08-30T12:36:00Z'),
      sessionToken: 'token',
    })
  })

  it('reads the header form without spaces after the commas, as the S3 documentation writes it', () => {
    const signed = readSignature(request({ authorization: `AWS4-HMAC-SHA256 ${SIGNED.replace(/, /g, ',')}`, 'x-amz-date': '20150830T123600Z' }), 's3')
    expect(signed?.signedHeaders).toEqual(['host', 'x-amz-date'])
  })

  it('takes the time from the Date header when there is no X-Amz-Date', () => {
    const signed = readSignature(request({ authorization: `AWS4-HMAC-SHA256 ${SIGNED}`, date: 'Sun, 30 Aug 2015 12:36:00 GMT' }), 'query')
    expect(signed).toMatchObject({ timestamp: '20150830T123600Z', requestTime: new Date('2015-08-30T12:36:00Z') })
  })

  it('reads the presigned form', () => {
    const query =
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=abc&X-Amz-Security-Token=a%2Bb%3D'
    expect(readSignature(request({}, query), 's3')).toMatchObject({
      form: 'query',
      accessKeyId: 'AKIDEXAMPLE',
      scope: { date: '20150830', region: 'us-east-1', service: 's3' },
      expiresSeconds: 86400,
      sessionToken: 'a+b=',
    })
  })

  // Texts as AWS returns them for query and JSON services; S3 has its own.
  const malformed: { name: string; family?: AuthErrorFamily; headers?: Record<string, string>; query?: string; expected: Record<string, unknown> }[] = [
    {
      name: 'an unsupported algorithm',
      headers: { authorization: 'AWS5-HMAC-SHA256 FooBar, BazBurp' },
      expected: { code: 'IncompleteSignature', status: 400, message: "Unsupported AWS 'algorithm': 'AWS5-HMAC-SHA256'." },
    },
    {
      name: 'a component without an equals sign',
      headers: { authorization: 'AWS4-HMAC-SHA256 FooBar, BazBurp' },
      expected: { code: 'IncompleteSignature', message: "'FooBar' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 FooBar, BazBurp'" },
    },
    {
      name: 'no Credential, Signature, SignedHeaders or date',
      headers: { authorization: 'AWS4-HMAC-SHA256 Foo=Bar, Baz=Burp' },
      expected: {
        code: 'IncompleteSignature',
        message:
          "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
      },
    },
    {
      name: 'a Credential only',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE' },
      expected: {
        message:
          "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
      },
    },
    {
      name: 'no date',
      headers: { authorization: `AWS4-HMAC-SHA256 ${SIGNED}` },
      expected: { code: 'IncompleteSignature', message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256" },
    },
    {
      name: 'a date not in basic format',
      headers: { authorization: `AWS4-HMAC-SHA256 ${SIGNED}`, 'x-amz-date': '2015/08/30T12/36/00Z' },
      expected: { code: 'IncompleteSignature', message: "Date must be in ISO-8601 'basic format'. Got '2015/08/30T12/36/00Z'. See http://en.wikipedia.org/wiki/ISO_8601" },
    },
    {
      name: 'a credential without its scope',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=host, Signature=abc', 'x-amz-date': '20150830T123600Z' },
      expected: { code: 'IncompleteSignature', message: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE'" },
    },
    {
      name: 'a malformed signature to a JSON service',
      family: 'json',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=host, Signature=abc', 'x-amz-date': '20150830T123600Z' },
      expected: { jsonCode: 'IncompleteSignatureException' },
    },
    {
      name: 'both an Authorization header and X-Amz-Algorithm',
      headers: { authorization: `AWS4-HMAC-SHA256 ${SIGNED}` },
      query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256',
      expected: { status: 400, jsonCode: 'InvalidSignatureException', message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header." },
    },
    {
      name: 'presigned parameters missing',
      query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256',
      expected: {
        code: 'IncompleteSignature',
        message:
          "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
      },
    },
    {
      name: 'a presigned X-Amz-Expires that is not a number',
      query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=soon&X-Amz-SignedHeaders=host&X-Amz-Signature=abc',
      family: 's3',
      expected: { code: 'AuthorizationQueryParametersError', message: 'X-Amz-Expires should be a number' },
    },
    {
      name: 'a negative presigned X-Amz-Expires',
      query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=-1&X-Amz-SignedHeaders=host&X-Amz-Signature=abc',
      family: 's3',
      expected: { code: 'AuthorizationQueryParametersError', message: 'X-Amz-Expires must be non-negative' },
    },
    {
      name: 'S3: presigned parameters missing',
      family: 's3',
      query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc',
      expected: {
        code: 'AuthorizationQueryParametersError',
        message:
          'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      },
    },
    {
      name: 'S3: a Signature Version 2 header',
      family: 's3',
      headers: { authorization: 'AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=' },
      expected: { code: 'InvalidRequest', message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.' },
    },
    {
      name: 'S3: a Signature Version 2 presigned URL',
      family: 's3',
      query: 'AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=Juv7u26REy6BkyqroRixWeY1eTk%3D&Expires=1795359215',
      expected: { code: 'InvalidRequest', message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.' },
    },
    {
      name: 'S3: a credential without its scope',
      family: 's3',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=host, Signature=abc', 'x-amz-date': '20150830T123600Z' },
      expected: {
        code: 'AuthorizationHeaderMalformed',
        message: 'The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
      },
    },
    {
      name: 'S3: no date',
      family: 's3',
      headers: { authorization: `AWS4-HMAC-SHA256 ${SIGNED}` },
      expected: { code: 'AccessDenied', status: 403, message: 'AWS authentication requires a valid Date or x-amz-date header' },
    },
    {
      name: 'S3: both an Authorization header and X-Amz-Algorithm',
      family: 's3',
      headers: { authorization: `AWS4-HMAC-SHA256 ${SIGNED}` },
      query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256',
      expected: { code: 'InvalidArgument', fields: { ArgumentName: 'Authorization', ArgumentValue: `AWS4-HMAC-SHA256 ${SIGNED}` } },
    },
  ]

  it.each(malformed)('rejects $name', ({ family = 'query', headers = {}, query = '', expected }) => {
    expect(() => readSignature(request(headers, query), family)).toThrow(expect.objectContaining(expected))
  })
})
