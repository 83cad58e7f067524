// Unit tests of restJsonCodec against a hand-written model: routing, HTTP bindings, payloads, status codes, errors.
import { describe, expect, it } from 'vitest'
import { AwsError } from '../../src/core/aws-error.js'
import type { HttpRequest } from '../../src/core/http.js'
import { restJsonCodec } from '../../src/protocol/rest-json/rest-json-codec.js'
import { restJsonFixtureModel as model } from './rest-json-fixture-model.js'

const call = { requestId: 'req-1' }
const ops = model.operations

function request(method: string, target: string, headers: Record<string, string> = {}, body: string | Buffer = ''): HttpRequest {
  const queryAt = target.indexOf('?')
  return {
    method,
    path: queryAt === -1 ? target : target.slice(0, queryAt),
    query: queryAt === -1 ? '' : target.slice(queryAt + 1),
    headers,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    remoteAddress: '127.0.0.1',
    secure: false,
  }
}

function decode(http: HttpRequest): { operation: string | undefined; input: Record<string, unknown> } {
  const operation = restJsonCodec.matchOperation(http, model)
  return { operation: operation?.name, input: operation ? restJsonCodec.parseRequest(http, operation, model) : {} }
}

function rejection(http: HttpRequest): AwsError {
  try {
    decode(http)
  } catch (error) {
    if (error instanceof AwsError) return error
    throw error
  }
  throw new Error('expected the request to be rejected')
}

describe('restJsonCodec.parseRequest', () => {
  it('binds a greedy label, query members, headers and prefix headers', () => {
    const http = request('GET', '/buckets/my-bucket/objects/a/b%20c/d%2Fe.txt?versions&versionId=v%201&tag=x&tag=y&max-items=5&since=2024-01-02T03%3A04%3A05Z', {
      range: 'bytes=0-9',
      'if-modified-since': 'Tue, 02 Jan 2024 03:04:05 GMT',
      'x-verbose': 'true',
      'x-amz-meta-owner': 'alice',
      'x-amz-meta-project': 'p1',
    })
    expect(decode(http)).toEqual({
      operation: 'GetObject',
      input: {
        Bucket: 'my-bucket',
        Key: 'a/b c/d/e.txt',
        VersionId: 'v 1',
        Tags: ['x', 'y'],
        MaxItems: 5,
        Since: new Date('2024-01-02T03:04:05Z'),
        Range: 'bytes=0-9',
        IfModifiedSince: new Date('2024-01-02T03:04:05Z'),
        Verbose: true,
        Meta: { owner: 'alice', project: 'p1' },
      },
    })
  })

  it('needs the literal query part of the requestUri', () => {
    expect(restJsonCodec.matchOperation(request('GET', '/buckets/b/objects/k'), model)).toBeUndefined()
  })

  it('decodes an integer label and a structure payload', () => {
    const http = request('PUT', '/things/42/config', { 'content-type': 'application/json' }, '{"Name":"n","UpdatedAt":1700000000,"Limits":{"a":1}}')
    expect(decode(http)).toEqual({
      operation: 'PutConfig',
      input: { Id: 42, Config: { Name: 'n', UpdatedAt: new Date(1700000000000), Limits: { a: 1 } } },
    })
  })

  it('leaves a structure payload out when the body is empty', () => {
    expect(decode(request('PUT', '/things/1/config')).input).toEqual({ Id: 1 })
  })

  it('reads a string payload as the raw text', () => {
    expect(decode(request('POST', '/text', {}, 'plain {not json}')).input).toEqual({ Text: 'plain {not json}' })
  })

  it('reads body members by their locationName, a header and a catch-all query map', () => {
    const http = request('POST', '/widgets?a=1&b=2', { 'x-client-token': 'tok' }, '{"widgetName":"w","sizes":[1,2],"createdAt":"2024-01-02T03:04:05.5Z","WidgetName":"ignored"}')
    expect(decode(http).input).toEqual({
      ClientToken: 'tok',
      Params: { a: '1', b: '2' },
      WidgetName: 'w',
      Sizes: [1, 2],
      CreatedAt: new Date('2024-01-02T03:04:05.500Z'),
    })
  })

  it.each([
    { name: 'a non-numeric integer label', http: () => request('PUT', '/things/abc/config') },
    { name: 'a non-numeric integer query member', http: () => request('GET', '/buckets/b/objects/k?versions&max-items=ten') },
    { name: 'a malformed boolean header', http: () => request('GET', '/buckets/b/objects/k?versions', { 'x-verbose': 'yes' }) },
    { name: 'a malformed JSON body', http: () => request('POST', '/widgets', {}, '{"widgetName":') },
    { name: 'a wrongly typed body member', http: () => request('POST', '/widgets', {}, '{"sizes":"1"}') },
    { name: 'a malformed structure payload', http: () => request('PUT', '/things/1/config', {}, '[1]') },
  ])('rejects $name with a SerializationException', ({ http }) => {
    expect(rejection(http())).toMatchObject({ code: 'SerializationException', status: 400 })
  })
})

describe('restJsonCodec.serializeOutput', () => {
  it('writes a blob payload raw, with header, prefix-header and statusCode members', () => {
    const response = restJsonCodec.serializeOutput(
      {
        Body: new Uint8Array([0, 255, 10]),
        ContentType: 'image/png',
        LastModified: new Date('2024-01-02T03:04:05Z'),
        Meta: { owner: 'alice' },
        Status: 206,
      },
      ops.GetObject!,
      model,
      call,
    )
    expect(response.status).toBe(206)
    expect(response.headers).toEqual({
      'content-type': 'image/png',
      'last-modified': 'Tue, 02 Jan 2024 03:04:05 GMT',
      'x-amz-meta-owner': 'alice',
      'x-amzn-RequestId': 'req-1',
    })
    expect(Buffer.from(response.body as Buffer)).toEqual(Buffer.from([0, 255, 10]))
  })

  it('uses the operation responseCode and a structure payload as the whole JSON body', () => {
    const response = restJsonCodec.serializeOutput({ Config: { Name: 'n', UpdatedAt: new Date(1500), Limits: { a: 1 } } }, ops.PutConfig!, model, call)
    expect(response.status).toBe(201)
    expect(response.headers['content-type']).toBe('application/json')
    expect(JSON.parse(String(response.body))).toEqual({ Name: 'n', UpdatedAt: 1.5, Limits: { a: 1 } })
  })

  it('writes body members by their locationName, ISO timestamps where the shape says so, and header members', () => {
    const response = restJsonCodec.serializeOutput({ WidgetId: 'w-1', CreatedAt: new Date('2024-01-02T03:04:05Z'), RequestToken: 't' }, ops.CreateWidget!, model, call)
    expect(response.headers).toMatchObject({ 'x-request-token': 't', 'content-type': 'application/json' })
    expect(JSON.parse(String(response.body))).toEqual({ widgetId: 'w-1', createdAt: '2024-01-02T03:04:05Z' })
  })

  it('sends no body in answer to HEAD, for a result or an error', () => {
    const head = { requestId: 'req-1', method: 'HEAD' }
    const response = restJsonCodec.serializeOutput({ Body: new Uint8Array([1]), Meta: { a: 'b' } }, ops.GetObject!, model, head)
    expect(response).toMatchObject({ status: 200, body: '' })
    expect(response.headers['x-amz-meta-a']).toBe('b')
    const error = restJsonCodec.serializeError(new AwsError('ResourceNotFoundException', 404, 'gone'), model, head)
    expect(error).toMatchObject({ status: 404, body: '' })
    expect(error.headers['x-amzn-ErrorType']).toBe('ResourceNotFoundException')
  })

  it('sends no body with a 204', () => {
    const response = restJsonCodec.serializeOutput(undefined, ops.DeleteThing!, model, call)
    expect(response.status).toBe(204)
    expect(response.body).toBe('')
  })
})

describe('restJsonCodec.serializeError', () => {
  it('puts the code in X-Amzn-ErrorType, the message and fields in the body, and header-bound fields in headers', () => {
    const error = new AwsError('ThrottlingException', 429, 'Slow down', { fields: { retryAfterSeconds: 7 } })
    const response = restJsonCodec.serializeError(error, model, call)
    expect(response.status).toBe(429)
    expect(response.headers).toEqual({
      'content-type': 'application/json',
      'retry-after': '7',
      'x-amzn-RequestId': 'req-1',
      'x-amzn-ErrorType': 'ThrottlingException',
    })
    expect(JSON.parse(String(response.body))).toEqual({ message: 'Slow down' })
  })

  it('writes modelled body fields beside the message', () => {
    const error = new AwsError('ResourceNotFoundException', 404, 'Analyzer not found', { fields: { resourceId: 'a1' } })
    expect(JSON.parse(String(restJsonCodec.serializeError(error, model, call).body))).toEqual({ message: 'Analyzer not found', resourceId: 'a1' })
  })

  it('uses the JSON code of a common error when no service is known', () => {
    const error = new AwsError('AccessDenied', 403, 'denied', { jsonCode: 'AccessDeniedException' })
    const response = restJsonCodec.serializeError(error, undefined, call)
    expect(response.headers['x-amzn-ErrorType']).toBe('AccessDeniedException')
    expect(JSON.parse(String(response.body))).toEqual({ message: 'denied' })
  })
})
