// Shared REST bindings: URI templates, operation matching, and label/query/header members both ways.
import { describe, expect, it } from 'vitest'
import { AwsError } from '../../src/core/aws-error.js'
import type { HttpRequest } from '../../src/core/http.js'
import type { StructureShape } from '../../src/model/types.js'
import { readHttpBindings, splitHeaderList, writeHttpBindings } from '../../src/protocol/rest/http-bindings.js'
import { matchRestOperation } from '../../src/protocol/rest/match-rest-operation.js'
import { percentDecode } from '../../src/protocol/rest/percent-decode.js'
import { matchUriPath, parseUriTemplate } from '../../src/protocol/rest/uri-template.js'
import { restFixtureModel } from './rest-fixture-model.js'

function request(method: string, url: string, headers: Record<string, string> = {}): HttpRequest {
  const queryAt = url.indexOf('?')
  return {
    method,
    path: queryAt === -1 ? url : url.slice(0, queryAt),
    query: queryAt === -1 ? '' : url.slice(queryAt + 1),
    headers,
    body: Buffer.alloc(0),
    remoteAddress: '127.0.0.1',
    secure: false,
  }
}

const options = { invalidValue: (message: string) => new AwsError('InvalidArgument', 400, message) }

function read(method: string, url: string, headers: Record<string, string> = {}): Record<string, unknown> {
  const http = request(method, url, headers)
  const match = matchRestOperation(http, restFixtureModel)
  if (!match) throw new Error(`no operation for ${method} ${url}`)
  const shape = restFixtureModel.shapes[match.operation.input!.shape] as StructureShape
  return readHttpBindings(http, shape, restFixtureModel, match.labels, options)
}

describe('parseUriTemplate', () => {
  it('separates labels, a greedy label and literal query parts', () => {
    const template = parseUriTemplate('/{Bucket}/{Key+}?select&select-type=2')
    expect(template.labels).toEqual([{ name: 'Bucket', greedy: false }, { name: 'Key', greedy: true }])
    expect(template.query).toEqual([{ name: 'select', value: undefined }, { name: 'select-type', value: '2' }])
  })

  it.each([
    { name: 'keeps dot segments in a greedy label', path: '/b/a/../c', key: 'a/../c' },
    { name: 'keeps empty segments in a greedy label', path: '/b/a//c', key: 'a//c' },
    { name: 'keeps a leading slash of the key', path: '/b//key', key: '/key' },
    { name: 'keeps a trailing slash of the key', path: '/b/folder/', key: 'folder/' },
    { name: 'leaves escapes for decoding later', path: '/b/a%2Fb%20c', key: 'a%2Fb%20c' },
  ])('$name', ({ path, key }) => {
    expect(matchUriPath(parseUriTemplate('/{Bucket}/{Key+}'), path)).toEqual({ Bucket: 'b', Key: key })
  })

  it('does not let a plain label span a slash', () => {
    expect(matchUriPath(parseUriTemplate('/{Bucket}'), '/a/b')).toBeUndefined()
  })

  it('accepts a trailing slash after a plain label', () => {
    expect(matchUriPath(parseUriTemplate('/{Bucket}'), '/bucket/')).toEqual({ Bucket: 'bucket' })
  })
})

describe('percentDecode', () => {
  it.each([
    { name: 'decodes an encoded slash', raw: 'a%2Fb', decoded: 'a/b' },
    { name: 'decodes UTF-8 sequences', raw: '%C3%A9t%C3%A9', decoded: 'été' },
    { name: 'keeps a plus sign', raw: 'a+b', decoded: 'a+b' },
    { name: 'decodes only once', raw: '%2541', decoded: '%41' },
  ])('$name', ({ raw, decoded }) => {
    expect(percentDecode(raw)).toBe(decoded)
  })

  it.each(['%', '%G1', '%C3', '%FF'])('rejects the malformed escape %s', (raw) => {
    expect(percentDecode(raw)).toBeUndefined()
  })
})

describe('matchRestOperation', () => {
  it.each([
    { name: 'routes the service root', method: 'GET', url: '/', operation: 'ListBuckets' },
    { name: 'routes a bare bucket path', method: 'GET', url: '/bucket', operation: 'ListObjects' },
    { name: 'prefers a literal query key', method: 'GET', url: '/bucket?tagging', operation: 'GetBucketTagging' },
    { name: 'matches a literal query value', method: 'GET', url: '/bucket?list-type=2&prefix=a', operation: 'ListObjectsV2' },
    { name: 'ignores a literal query key with another value', method: 'GET', url: '/bucket?list-type=3', operation: 'ListObjects' },
    { name: 'picks the first declared of two equal routes', method: 'GET', url: '/bucket?lifecycle', operation: 'GetBucketLifecycle' },
    { name: 'routes a key', method: 'GET', url: '/bucket/a/b.txt', operation: 'GetObject' },
    { name: 'uses a required query member to tell operations apart', method: 'GET', url: '/bucket/k?uploadId=1', operation: 'ListParts' },
    { name: 'uses a required header to tell operations apart', method: 'PUT', url: '/bucket/k', headers: { 'x-amz-copy-source': 'b/k' }, operation: 'CopyObject' },
    { name: 'prefers the operation with more required members present', method: 'PUT', url: '/bucket/k?partNumber=1&uploadId=u', operation: 'UploadPart' },
    { name: 'falls back when required members are only partly present', method: 'PUT', url: '/bucket/k?partNumber=1', operation: 'PutObject' },
    { name: 'prefers a literal path over a label', method: 'GET', url: '/things/special', operation: 'SpecialThing' },
    { name: 'needs every literal query part', method: 'POST', url: '/b/k?select&select-type=2', operation: 'Select' },
  ])('$name', ({ method, url, headers, operation }) => {
    expect(matchRestOperation(request(method, url, headers), restFixtureModel)?.operation.name).toBe(operation)
  })

  it('never selects an operation the caller rules out', () => {
    const never = new Set(['GetBucketLifecycle'])
    expect(matchRestOperation(request('GET', '/bucket?lifecycle'), restFixtureModel, { never })?.operation.name).toBe(
      'GetBucketLifecycleConfiguration',
    )
  })

  it.each([
    { name: 'an unknown method', method: 'PATCH', url: '/bucket' },
    { name: 'a partial literal query', method: 'POST', url: '/b/k?select' },
  ])('matches nothing for $name', ({ method, url }) => {
    expect(matchRestOperation(request(method, url), restFixtureModel)).toBeUndefined()
  })
})

describe('readHttpBindings', () => {
  it('decodes labels exactly once, keeping dot segments', () => {
    expect(read('GET', '/my-bucket/a/../%2541%2Fb%20c%E2%9C%93')).toEqual({ Bucket: 'my-bucket', Key: 'a/../%41/b c✓' })
  })

  it('rejects a label with a malformed escape', () => {
    expect(() => read('GET', '/bucket/a%ZZ')).toThrow(AwsError)
  })

  it('reads query members, repeated keys as lists and the rest as a map', () => {
    const input = read('GET', '/b?list-type=2&prefix=photos%2F2024&max-keys=10&fetch-owner=true&id=1&id=2&since=2024-01-02T03:04:05Z&extra=x')
    expect(input).toEqual({
      Bucket: 'b',
      Prefix: 'photos/2024',
      MaxKeys: 10,
      FetchOwner: true,
      Ids: [1, 2],
      Since: new Date('2024-01-02T03:04:05Z'),
      Rest: { 'list-type': ['2'], extra: ['x'] },
    })
  })

  it.each([
    { name: 'a non-numeric integer', url: '/b?list-type=2&max-keys=ten' },
    { name: 'a non-boolean boolean', url: '/b?list-type=2&fetch-owner=yes' },
    { name: 'a malformed timestamp', url: '/b?list-type=2&since=yesterday' },
  ])('rejects $name in the query', ({ url }) => {
    expect(() => read('GET', url)).toThrow(AwsError)
  })

  it('reads header members by type and prefix headers as a map', () => {
    const input = read('PUT', '/b/k', {
      'x-amz-meta-color': 'blue',
      'x-amz-meta-size': 'XL',
      'if-modified-since': 'Tue, 02 Jan 2024 03:04:05 GMT',
      'x-expires-iso': '2024-01-02T03:04:05.500Z',
      'content-length': '12',
      'x-amz-bypass': 'false',
      'x-ratio': '0.5',
      'x-tags': 'a, "b,c", d',
      'x-dates': 'Tue, 02 Jan 2024 03:04:05 GMT, Wed, 03 Jan 2024 03:04:05 GMT',
      'x-checksum': Buffer.from('hash').toString('base64'),
      'x-document': Buffer.from('{"a":[1,2]}').toString('base64'),
    })
    expect(input).toEqual({
      Bucket: 'b',
      Key: 'k',
      Metadata: { color: 'blue', size: 'XL' },
      IfModifiedSince: new Date('2024-01-02T03:04:05Z'),
      Expires: new Date('2024-01-02T03:04:05.500Z'),
      ContentLength: 12,
      Bypass: false,
      Ratio: 0.5,
      Tags: ['a', 'b,c', 'd'],
      Dates: [new Date('2024-01-02T03:04:05Z'), new Date('2024-01-03T03:04:05Z')],
      Checksum: Buffer.from('hash'),
      Document: { a: [1, 2] },
    })
  })

  it.each<{ name: string; headers: Record<string, string> }>([
    { name: 'a non-http-date timestamp', headers: { 'if-modified-since': '2024-01-02' } },
    { name: 'a non-base64 blob', headers: { 'x-checksum': '!!!' } },
    { name: 'a jsonvalue that is not JSON', headers: { 'x-document': Buffer.from('{').toString('base64') } },
    { name: 'a non-numeric double', headers: { 'x-ratio': 'half' } },
  ])('rejects $name in a header', ({ headers }) => {
    expect(() => read('PUT', '/b/k', headers)).toThrow(AwsError)
  })
})

describe('splitHeaderList', () => {
  it('splits plain items and unquotes quoted ones', () => {
    expect(splitHeaderList('a,b ,  "c, \\"d\\""', { type: 'string' })).toEqual(['a', 'b', 'c, "d"'])
  })
})

describe('writeHttpBindings', () => {
  const shape = restFixtureModel.shapes.ObjectInput as StructureShape

  it('writes headers by type, prefix headers and the status code', () => {
    const { status, headers } = writeHttpBindings(
      {
        Metadata: { Color: 'blue' },
        IfModifiedSince: new Date('2024-01-02T03:04:05Z'),
        Expires: new Date('2024-01-02T03:04:05Z'),
        ContentLength: 12,
        Bypass: true,
        Tags: ['a', 'b,c'],
        Dates: [new Date('2024-01-02T03:04:05Z'), new Date('2024-01-03T03:04:05Z')],
        Checksum: Buffer.from('hash'),
        Document: { a: 1 },
        Status: 206,
        Body: Buffer.from('not a header'),
      },
      shape,
      restFixtureModel,
    )
    expect(status).toBe(206)
    expect(headers).toEqual({
      'x-amz-meta-color': 'blue',
      'if-modified-since': 'Tue, 02 Jan 2024 03:04:05 GMT',
      'x-expires-iso': '2024-01-02T03:04:05Z',
      'content-length': '12',
      'x-amz-bypass': 'true',
      'x-tags': 'a, "b,c"',
      'x-dates': 'Tue, 02 Jan 2024 03:04:05 GMT, Wed, 03 Jan 2024 03:04:05 GMT',
      'x-checksum': Buffer.from('hash').toString('base64'),
      'x-document': Buffer.from('{"a":1}').toString('base64'),
    })
  })

  it('round-trips what it writes through readHttpBindings', () => {
    const original = { Bucket: 'b', Key: 'k', Tags: ['x, y', 'z'], Bypass: true, Ratio: 1.25, Metadata: { k: 'v' } }
    const { headers } = writeHttpBindings(original, shape, restFixtureModel)
    expect(read('PUT', '/b/k', headers)).toEqual(original)
  })
})
