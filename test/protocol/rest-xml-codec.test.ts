// The rest-xml codec on S3's model, request by request: routing, decoding, S3's request errors and the XML it writes.
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AwsError } from '../../src/core/aws-error.js'
import { InternalFailureError } from '../../src/core/common-errors.js'
import type { HttpRequest } from '../../src/core/http.js'
import { NoSuchBucket } from '../../src/generated/s3/errors.js'
import { s3Model } from '../../src/generated/s3/model.js'
import { restXmlCodec } from '../../src/protocol/rest-xml/rest-xml-codec.js'
import { bucketFromHost, toPathStyleRequest } from '../../src/protocol/rest-xml/virtual-host.js'
import { parseXml } from '../../src/protocol/xml/xml-reader.js'

function request(method: string, url: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}): HttpRequest {
  const queryAt = url.indexOf('?')
  return {
    method,
    path: queryAt === -1 ? url : url.slice(0, queryAt),
    query: queryAt === -1 ? '' : url.slice(queryAt + 1),
    // Content-MD5 as the SDKs send it: S3 requires it (or an x-amz-checksum-*) on httpChecksumRequired operations.
    headers: { host: '127.0.0.1:4566', 'content-md5': createHash('md5').update(options.body ?? '').digest('base64'), ...options.headers },
    body: Buffer.from(options.body ?? ''),
    remoteAddress: '127.0.0.1',
    secure: false,
  }
}

function parse(http: HttpRequest): { operation: string; input: Record<string, unknown> } {
  const operation = restXmlCodec.matchOperation(http, s3Model)
  if (!operation) throw new Error(`no operation for ${http.method} ${http.path}?${http.query}`)
  return { operation: operation.name, input: restXmlCodec.parseRequest(http, operation, s3Model) }
}

function parseError(http: HttpRequest): AwsError {
  try {
    parse(http)
  } catch (error) {
    if (error instanceof AwsError) return error
    throw error
  }
  throw new Error('expected an AwsError')
}

const call = { requestId: '11111111-2222-4333-8444-555555555555' }

function serialize(operation: string, output: unknown, callInfo: { requestId: string; method?: string } = call) {
  return restXmlCodec.serializeOutput(output, s3Model.operations[operation]!, s3Model, callInfo)
}

describe('rest-xml matchOperation on the S3 model', () => {
  it.each([
    { method: 'GET', url: '/', operation: 'ListBuckets' },
    { method: 'PUT', url: '/b', operation: 'CreateBucket' },
    { method: 'GET', url: '/b', operation: 'ListObjects' },
    { method: 'GET', url: '/b/', operation: 'ListObjects' },
    { method: 'GET', url: '/b?list-type=2', operation: 'ListObjectsV2' },
    { method: 'GET', url: '/b?location', operation: 'GetBucketLocation' },
    { method: 'GET', url: '/b?lifecycle', operation: 'GetBucketLifecycleConfiguration' },
    { method: 'PUT', url: '/b?policy', operation: 'PutBucketPolicy' },
    { method: 'POST', url: '/b?delete', operation: 'DeleteObjects' },
    { method: 'HEAD', url: '/b', operation: 'HeadBucket' },
    { method: 'HEAD', url: '/b/k', operation: 'HeadObject' },
    { method: 'GET', url: '/b/k?tagging', operation: 'GetObjectTagging' },
    { method: 'GET', url: '/b/k?uploadId=u', operation: 'ListParts' },
    { method: 'GET', url: '/b/k?x-id=GetObject', operation: 'GetObject' },
    { method: 'PUT', url: '/b/k?partNumber=1&uploadId=u', operation: 'UploadPart' },
    { method: 'POST', url: '/b/k?uploads', operation: 'CreateMultipartUpload' },
    { method: 'POST', url: '/b/k?uploadId=u', operation: 'CompleteMultipartUpload' },
    { method: 'DELETE', url: '/b/k?uploadId=u', operation: 'AbortMultipartUpload' },
    { method: 'DELETE', url: '/b/k', operation: 'DeleteObject' },
  ])('routes $method $url to $operation', ({ method, url, operation }) => {
    expect(restXmlCodec.matchOperation(request(method, url), s3Model)?.name).toBe(operation)
  })

  it('routes by headers too: x-amz-copy-source makes a PUT a CopyObject or an UploadPartCopy', () => {
    const headers = { 'x-amz-copy-source': '/src/key' }
    expect(restXmlCodec.matchOperation(request('PUT', '/b/k', { headers }), s3Model)?.name).toBe('CopyObject')
    expect(restXmlCodec.matchOperation(request('PUT', '/b/k?partNumber=2&uploadId=u', { headers }), s3Model)?.name).toBe('UploadPartCopy')
  })

  it('routes a virtual-hosted request as if it were path-style', () => {
    const hosted = request('GET', '/photos/cat.jpg', { headers: { host: 'my.bucket.s3.us-east-1.amazonaws.com' } })
    expect(parse(hosted)).toEqual({ operation: 'GetObject', input: { Bucket: 'my.bucket', Key: 'photos/cat.jpg' } })
    const root = request('GET', '/', { headers: { host: 'my-bucket.localhost:4566' } })
    expect(parse(root)).toEqual({ operation: 'ListObjects', input: { Bucket: 'my-bucket' } })
  })
})

describe('bucketFromHost', () => {
  it.each([
    { host: 'bucket.s3.amazonaws.com', bucket: 'bucket' },
    { host: 'bucket.s3.us-west-2.amazonaws.com', bucket: 'bucket' },
    { host: 'my.dotted.bucket.s3.eu-west-1.amazonaws.com', bucket: 'my.dotted.bucket' },
    { host: 'bucket.s3-us-west-2.amazonaws.com', bucket: 'bucket' },
    { host: 'bucket.s3-accelerate.amazonaws.com', bucket: 'bucket' },
    { host: 'a.s3.b.s3.amazonaws.com', bucket: 'a.s3.b' },
    { host: 'bucket.s3.palisade.internal:8443', bucket: 'bucket' },
    { host: 'Bucket.LOCALHOST:4566', bucket: 'bucket' },
    { host: 'bucket.s3.localhost.localstack.cloud', bucket: 'bucket' },
    { host: 's3.amazonaws.com', bucket: undefined },
    { host: 's3.us-east-1.amazonaws.com', bucket: undefined },
    { host: 's3.localhost', bucket: undefined },
    { host: 'localhost:4566', bucket: undefined },
    { host: '127.0.0.1:4566', bucket: undefined },
    { host: '[::1]:4566', bucket: undefined },
    { host: 'example.com', bucket: undefined },
    { host: undefined, bucket: undefined },
  ])('reads $host as $bucket', ({ host, bucket }) => {
    expect(bucketFromHost(host)).toBe(bucket)
  })

  it('lets a router rewrite the request itself without the codec prefixing the bucket twice', () => {
    const hosted = request('GET', '/photos/cat.jpg', { headers: { host: 'my-bucket.localhost' } })
    expect(parse(toPathStyleRequest(hosted, 'my-bucket')).input).toEqual({ Bucket: 'my-bucket', Key: 'photos/cat.jpg' })
  })

  it('prefixes the bucket to the path, keeping the query and encoded key', () => {
    const hosted = toPathStyleRequest(request('GET', '/a%2Fb?acl'), 'bucket')
    expect(hosted).toMatchObject({ path: '/bucket/a%2Fb', query: 'acl' })
    expect(toPathStyleRequest(request('GET', '/'), 'bucket').path).toBe('/bucket')
  })
})

describe('rest-xml parseRequest on the S3 model', () => {
  it('decodes an XML payload with xmlAttribute members and prefixed names', () => {
    const body =
      '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>owner-id</ID></Owner>' +
      '<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group">' +
      '<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList>' +
      '</AccessControlPolicy>'
    expect(parse(request('PUT', '/b?acl', { body })).input).toEqual({
      Bucket: 'b',
      ContentMD5: createHash('md5').update(body).digest('base64'),
      AccessControlPolicy: {
        Owner: { ID: 'owner-id' },
        Grants: [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }],
      },
    })
  })

  it('decodes an ISO 8601 timestamp in an XML body and rejects a malformed one', () => {
    const xml = (date: string): string =>
      `<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>GOVERNANCE</Mode><RetainUntilDate>${date}</RetainUntilDate></Retention>`
    expect(parse(request('PUT', '/b/k?retention', { body: xml('2030-01-02T03:04:05.000Z') })).input.Retention).toEqual({
      Mode: 'GOVERNANCE',
      RetainUntilDate: new Date('2030-01-02T03:04:05Z'),
    })
    expect(parseError(request('PUT', '/b/k?retention', { body: xml('next tuesday') })).code).toBe('MalformedXML')
  })

  it('accepts an absent optional XML payload', () => {
    expect(parse(request('PUT', '/b')).input).toEqual({ Bucket: 'b' })
  })

  it('passes a PutObject body through as bytes, empty included', () => {
    const bytes = Buffer.from([0, 255, 60, 63])
    expect(parse(request('PUT', '/b/k', { body: bytes })).input.Body).toEqual(bytes)
    expect(parse(request('PUT', '/b/k')).input.Body).toEqual(Buffer.alloc(0))
  })

  it.each([
    { name: 'malformed XML', body: '<Tagging><TagSet>', code: 'MalformedXML' },
    { name: 'a DOCTYPE', body: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Tagging>&e;</Tagging>', code: 'MalformedXML' },
    { name: 'the wrong root element', body: '<Tags><TagSet/></Tags>', code: 'MalformedXML' },
    { name: 'a missing required element', body: '<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>', code: 'MalformedXML' },
    { name: 'an empty body', body: '', code: 'MissingRequestBodyError' },
  ])('answers PutBucketTagging with $name with $code', ({ body, code }) => {
    const error = parseError(request('PUT', '/b?tagging', { body }))
    expect(error.code).toBe(code)
    expect(error.status).toBe(400)
  })

  it('answers a non-boolean XML value with MalformedXML', () => {
    const body = '<Delete><Object><Key>k</Key></Object><Quiet>maybe</Quiet></Delete>'
    expect(parseError(request('POST', '/b?delete', { body })).code).toBe('MalformedXML')
  })

  it('answers an empty PutBucketPolicy with MissingRequestBodyError', () => {
    expect(parseError(request('PUT', '/b?policy')).message).toBe('Request Body is empty')
  })

  it('checks the x-amz-checksum-* header of a body read whole: its form (InvalidRequest), then its value (BadDigest)', () => {
    const body = '<Tagging><TagSet></TagSet></Tagging>'
    const put = (checksum: string) => request('PUT', '/b?tagging', { body, headers: { 'x-amz-checksum-sha256': checksum } })
    expect(parseError(put('abc'))).toMatchObject({ code: 'InvalidRequest', status: 400, message: 'Value for x-amz-checksum-sha256 header is invalid.' })
    expect(parseError(put(Buffer.alloc(32).toString('base64')))).toMatchObject({ code: 'BadDigest', status: 400, message: 'The SHA256 you specified did not match the calculated checksum.' })
    expect(parse(put(createHash('sha256').update(body).digest('base64'))).operation).toBe('PutBucketTagging')
    const both = request('PUT', '/b?tagging', { body, headers: { 'x-amz-checksum-sha256': createHash('sha256').update(body).digest('base64'), 'x-amz-checksum-crc32': 'AAAAAA==' } })
    expect(parseError(both)).toMatchObject({ code: 'InvalidRequest', status: 400, message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' })
    // The forms come before any digest is compared, Content-MD5's included.
    const wrongMd5 = createHash('md5').update('other').digest('base64')
    const bothWrongMd5 = request('PUT', '/b?tagging', { body, headers: { 'content-md5': wrongMd5, 'x-amz-checksum-sha256': createHash('sha256').update(body).digest('base64'), 'x-amz-checksum-crc32': 'AAAAAA==' } })
    expect(parseError(bothWrongMd5)).toMatchObject({ code: 'InvalidRequest', message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' })
    const malformedWrongMd5 = request('PUT', '/b?tagging', { body, headers: { 'content-md5': wrongMd5, 'x-amz-checksum-sha256': 'abc' } })
    expect(parseError(malformedWrongMd5)).toMatchObject({ code: 'InvalidRequest', message: 'Value for x-amz-checksum-sha256 header is invalid.' })
    expect(parseError(request('PUT', '/b?tagging', { body, headers: { 'content-md5': wrongMd5 } }))).toMatchObject({ code: 'BadDigest' })
  })

  it('answers a bad query value with InvalidArgument naming it', () => {
    const error = parseError(request('GET', '/b/k?partNumber=first'))
    expect(error).toMatchObject({ code: 'InvalidArgument', status: 400, fields: { ArgumentName: 'partNumber', ArgumentValue: 'first' } })
  })

  it('answers a non-numeric max-keys in S3 own words', () => {
    expect(parseError(request('GET', '/b?list-type=2&max-keys=ten'))).toMatchObject({
      code: 'InvalidArgument',
      message: 'Argument maxKeys must be an integer between 0 and 2147483647',
      fields: { ArgumentName: 'maxKeys', ArgumentValue: 'ten' },
    })
  })

  it('answers a bad enum header with InvalidArgument', () => {
    const error = parseError(request('PUT', '/b/k', { headers: { 'x-amz-acl': 'world-writable' } }))
    expect(error).toMatchObject({ code: 'InvalidArgument', fields: { ArgumentName: 'x-amz-acl', ArgumentValue: 'world-writable' } })
  })

  it('answers an unknown storage class with InvalidStorageClass', () => {
    expect(parseError(request('PUT', '/b/k', { headers: { 'x-amz-storage-class': 'COLD' } })).code).toBe('InvalidStorageClass')
  })

  it('answers an unknown LocationConstraint with InvalidLocationConstraint', () => {
    const body = '<CreateBucketConfiguration><LocationConstraint>mars-north-1</LocationConstraint></CreateBucketConfiguration>'
    expect(parseError(request('PUT', '/b', { body })).code).toBe('InvalidLocationConstraint')
  })

  it('answers a key over 1024 bytes with KeyTooLongError', () => {
    const error = parseError(request('GET', `/b/${'é'.repeat(513)}`))
    expect(error).toMatchObject({ code: 'KeyTooLongError', status: 400, fields: { Size: 1026, MaxSizeAllowed: 1024 } })
    expect(parse(request('GET', `/b/${'é'.repeat(512)}`)).operation).toBe('GetObject')
  })

  it('answers a bucket name no bucket can have with InvalidBucketName', () => {
    expect(parseError(request('GET', '/bad%20bucket?list-type=2'))).toMatchObject({
      code: 'InvalidBucketName',
      fields: { BucketName: 'bad bucket' },
    })
  })

  it('answers a malformed percent-escape with InvalidArgument', () => {
    expect(parseError(request('GET', '/b/k%E2%28')).code).toBe('InvalidArgument')
  })

  it('never throws anything but AwsError for random requests', () => {
    const methods = fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD')
    const segment = fc.oneof(
      fc.constantFrom('b', 'bucket', 'k', '..', '.', '', '%2F', '%', '%zz', '%C3', '%C3%A9', '+', 'a b'),
      fc.string({ maxLength: 8 }),
    )
    const query = fc.array(
      fc.tuple(
        fc.constantFrom('list-type', 'max-keys', 'tagging', 'uploadId', 'partNumber', 'delete', 'acl', 'versionId', 'fetch-owner', 'x'),
        fc.oneof(fc.constantFrom('', '2', '-1', 'true', 'abc', '1e3', '%FF'), fc.string({ maxLength: 6 })),
      ),
      { maxLength: 4 },
    )
    const xml = fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>',
        '<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet></Delete>',
        '<CreateBucketConfiguration><LocationConstraint>EU</LocationConstraint></CreateBucketConfiguration>',
        '<AccessControlPolicy><AccessControlList><Grant><Grantee xsi:type="x"/></Grant></AccessControlList></AccessControlPolicy>',
      ),
    )
    const mutate = (text: string, cut: number): string => (text === '' ? text : text.slice(0, cut % text.length))
    const headers = fc.dictionary(
      fc.constantFrom('x-amz-copy-source', 'x-amz-acl', 'content-length', 'if-modified-since', 'x-amz-meta-a', 'host', 'range', 'x-amz-object-lock-retain-until-date'),
      fc.oneof(fc.constantFrom('bucket.localhost', 'b.s3.x', '1', 'true', 'Tue, 02 Jan 2024 03:04:05 GMT', 'private'), fc.string({ maxLength: 10 })),
    )
    fc.assert(
      fc.property(methods, fc.array(segment, { maxLength: 4 }), query, headers, xml, fc.nat(), (method, segments, pairs, extra, body, cut) => {
        const http: HttpRequest = {
          ...request(method, `/${segments.join('/')}`, { headers: extra, body: mutate(body, cut) }),
          query: pairs.map(([name, value]) => (value === '' ? name : `${name}=${value}`)).join('&'),
        }
        try {
          parse(http)
        } catch (error) {
          if (error instanceof AwsError) return
          if (error instanceof Error && error.message.startsWith('no operation for')) return
          throw error
        }
      }),
      { numRuns: 3000 },
    )
  })
})

describe('rest-xml serializeOutput on the S3 model', () => {
  it('writes the documented root element with S3 namespace and ISO 8601 timestamps', () => {
    const response = serialize('ListObjectsV2', {
      Name: 'b',
      KeyCount: 1,
      IsTruncated: false,
      Contents: [{ Key: 'a&b<c>', LastModified: new Date('2024-01-02T03:04:05.678Z'), Size: 3 }],
      CommonPrefixes: [{ Prefix: 'p/' }],
    })
    expect(response.status).toBe(200)
    expect(response.headers).toMatchObject({ 'content-type': 'application/xml', 'x-amz-request-id': call.requestId })
    const root = parseXml(response.body as Buffer)
    expect(root.name).toBe('ListBucketResult')
    expect(root.attributes.xmlns).toBe('http://s3.amazonaws.com/doc/2006-03-01/')
    expect(root.children.map((child) => child.name)).toEqual(['IsTruncated', 'Contents', 'Name', 'CommonPrefixes', 'KeyCount'])
    const contents = root.children.find((child) => child.name === 'Contents')!
    expect(contents.children.map((child) => [child.name, child.text])).toEqual([
      ['Key', 'a&b<c>'],
      ['LastModified', '2024-01-02T03:04:05.678Z'],
      ['Size', '3'],
    ])
  })

  it('writes whole-second timestamps with milliseconds, as S3 does', () => {
    const response = serialize('ListObjectsV2', { Contents: [{ Key: 'k', LastModified: new Date('2024-01-02T03:04:05Z') }] })
    expect((response.body as Buffer).toString()).toContain('<LastModified>2024-01-02T03:04:05.000Z</LastModified>')
  })

  it('writes a structure payload under its locationName', () => {
    const response = serialize('GetObjectAcl', {
      Owner: { ID: 'o' },
      Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'o' }, Permission: 'FULL_CONTROL' }],
    })
    const text = (response.body as Buffer).toString()
    expect(text).toContain('<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')
    expect(text).toContain(
      '<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>o</ID></Grantee>',
    )
  })

  it('writes a blob payload with its own content length and headers from members', () => {
    const response = serialize('GetObject', { Body: Buffer.from('hello'), ContentLength: 999, Metadata: { a: '1' }, ETag: '"x"' })
    expect(response.body).toEqual(Buffer.from('hello'))
    expect(response.headers).toMatchObject({ 'content-length': '5', 'x-amz-meta-a': '1', etag: '"x"', 'content-type': 'binary/octet-stream' })
  })

  it('keeps a HeadObject Content-Length and sends no body', () => {
    const response = serialize('HeadObject', { ContentLength: 42, LastModified: new Date('2024-01-02T03:04:05Z') })
    expect(response.headers).toMatchObject({ 'content-length': '42', 'last-modified': 'Tue, 02 Jan 2024 03:04:05 GMT' })
    expect((response.body as Buffer).length).toBe(0)
  })

  it('sends no body for a 204', () => {
    const response = serialize('DeleteObject', { DeleteMarker: true })
    expect(response.status).toBe(204)
    expect(response.headers['x-amz-delete-marker']).toBe('true')
    expect((response.body as Buffer).length).toBe(0)
  })
})

describe('rest-xml XML round trip', () => {
  it('reads back any tag set it writes, whatever the characters', () => {
    // XML 1.0 cannot carry C0 controls other than tab, newline and carriage return; the writer replaces them.
    const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((value) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(value))
    fc.assert(
      // Tag keys use ObjectKey, which the model gives a minimum length of 1.
      fc.property(fc.array(fc.record({ Key: text.filter((key) => key !== ''), Value: text }), { maxLength: 5 }), (TagSet) => {
        const response = serialize('GetBucketTagging', { TagSet })
        const http = request('PUT', '/b?tagging', { body: (response.body as Buffer).toString() })
        expect(parse(http).input.Tagging).toEqual({ TagSet })
      }),
      { numRuns: 500 },
    )
  })
})

describe('rest-xml serializeError', () => {
  it('writes S3 <Error> with the extra fields, request id and host id', () => {
    const response = restXmlCodec.serializeError(new NoSuchBucket('The specified bucket does not exist', { BucketName: 'b' }), s3Model, call)
    expect(response.status).toBe(404)
    expect(response.headers['x-amz-request-id']).toBe(call.requestId)
    const hostId = response.headers['x-amz-id-2']!
    expect((response.body as Buffer).toString()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>' +
        `<BucketName>b</BucketName><RequestId>${call.requestId}</RequestId><HostId>${hostId}</HostId></Error>`,
    )
  })

  it('uses S3 codes for common errors', () => {
    const response = restXmlCodec.serializeError(new InternalFailureError(), s3Model, call)
    expect(response.status).toBe(500)
    expect((response.body as Buffer).toString()).toContain('<Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message>')
  })

  it('answers 304 Not Modified without a body', () => {
    const response = restXmlCodec.serializeError(new AwsError('NotModified', 304, 'Not Modified'), s3Model, call)
    expect(response).toMatchObject({ status: 304, headers: { 'content-length': '0' } })
    expect((response.body as Buffer).length).toBe(0)
  })

  it('answers HEAD without a body when the call says so', () => {
    const response = restXmlCodec.serializeError(new NoSuchBucket('missing'), s3Model, { ...call, method: 'HEAD' })
    expect(response.status).toBe(404)
    expect((response.body as Buffer).length).toBe(0)
  })
})
