// The rest-xml codec against the real @aws-sdk/client-s3: path-style and virtual-hosted requests, bodies, errors.
import { Agent } from 'node:http'
import { createHash } from 'node:crypto'
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NoSuchBucket, NoSuchKey } from '../../src/generated/s3/errors.js'
import { s3Model } from '../../src/generated/s3/model.js'
import { restXmlCodec } from '../../src/protocol/rest-xml/rest-xml-codec.js'
import { startCodecServer, testCredentials, type CodecServer } from '../support/codec-server.js'

const LAST_MODIFIED = new Date('2024-05-06T07:08:09.000Z')
const objects = new Map<string, { body: Buffer; metadata: Record<string, string>; contentType?: string }>()
const tagging = new Map<string, unknown>()

const handlers = {
  CreateBucket: (input: Record<string, unknown>) => ({ Location: `/${String(input.Bucket)}` }),
  PutObject: (input: Record<string, unknown>) => {
    objects.set(`${String(input.Bucket)}/${String(input.Key)}`, {
      body: Buffer.from(input.Body as Uint8Array),
      metadata: (input.Metadata ?? {}) as Record<string, string>,
      contentType: input.ContentType as string | undefined,
    })
    return { ETag: '"0123456789abcdef"', VersionId: 'v1' }
  },
  GetObject: (input: Record<string, unknown>) => {
    const object = requireObject(input)
    const range = typeof input.Range === 'string' ? /^bytes=(\d+)-(\d+)$/.exec(input.Range) : null
    const body = range ? object.body.subarray(Number(range[1]), Number(range[2]) + 1) : object.body
    return {
      Body: body,
      ContentLength: body.length,
      ContentType: object.contentType,
      ContentRange: range ? `bytes ${range[1]}-${range[2]}/${object.body.length}` : undefined,
      Metadata: object.metadata,
      LastModified: LAST_MODIFIED,
      ETag: '"0123456789abcdef"',
    }
  },
  HeadObject: (input: Record<string, unknown>) => {
    const object = requireObject(input)
    return { ContentLength: object.body.length, Metadata: object.metadata, LastModified: LAST_MODIFIED }
  },
  ListObjectsV2: (input: Record<string, unknown>) => {
    if (input.Bucket === 'missing') throw new NoSuchBucket('The specified bucket does not exist', { BucketName: 'missing' })
    return {
      Name: input.Bucket,
      Prefix: input.Prefix,
      Delimiter: input.Delimiter,
      MaxKeys: input.MaxKeys,
      KeyCount: 2,
      IsTruncated: true,
      NextContinuationToken: 'next+token/=',
      Contents: [
        { Key: 'photos/a b.jpg', LastModified: LAST_MODIFIED, Size: 10, ETag: '"e1"', StorageClass: 'STANDARD' },
        { Key: 'photos/ü.png', LastModified: LAST_MODIFIED, Size: 0, ETag: '"e2"', StorageClass: 'STANDARD' },
      ],
      CommonPrefixes: [{ Prefix: 'photos/2023/' }, { Prefix: 'photos/2024/' }],
    }
  },
  PutBucketTagging: (input: Record<string, unknown>) => {
    tagging.set(String(input.Bucket), input.Tagging)
    return {}
  },
  GetBucketTagging: (input: Record<string, unknown>) => tagging.get(String(input.Bucket)) ?? { TagSet: [] },
  DeleteObjects: (input: Record<string, unknown>) => {
    const { Objects } = input.Delete as { Objects: { Key: string }[] }
    return {
      Deleted: Objects.filter((o) => o.Key !== 'locked').map((o) => ({ Key: o.Key })),
      Errors: Objects.filter((o) => o.Key === 'locked').map((o) => ({ Key: o.Key, Code: 'AccessDenied', Message: 'Access Denied' })),
    }
  },
  DeleteObject: () => ({}),
  PutBucketPolicy: () => ({}),
  GetBucketPolicy: () => ({ Policy: '{"Version":"2012-10-17","Statement":[]}' }),
  GetBucketLocation: () => ({ LocationConstraint: 'eu-west-1' }),
}

function requireObject(input: Record<string, unknown>) {
  const object = objects.get(`${String(input.Bucket)}/${String(input.Key)}`)
  if (!object) throw new NoSuchKey('The specified key does not exist.', { Key: input.Key })
  return object
}

let server: CodecServer
let s3: S3Client

beforeAll(async () => {
  server = await startCodecServer(restXmlCodec, s3Model, handlers)
  s3 = new S3Client({ region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true, credentials: testCredentials })
})

afterAll(async () => {
  s3?.destroy()
  await server?.close()
})

function lastInput(operation: string): Record<string, unknown> {
  const found = server.received.filter((r) => r.operation === operation).at(-1)
  if (!found) throw new Error(`${operation} was not received`)
  return found.input
}

describe('rest-xml codec with @aws-sdk/client-s3', () => {
  it('decodes CreateBucket with a LocationConstraint XML body', async () => {
    const result = await s3.send(
      new CreateBucketCommand({ Bucket: 'my-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' }, ACL: 'private' }),
    )
    expect(result.Location).toBe('/my-bucket')
    expect(lastInput('CreateBucket')).toEqual({
      Bucket: 'my-bucket',
      ACL: 'private',
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    })
  })

  it('round-trips object bytes, metadata headers and a range', async () => {
    const body = Buffer.from([0, 1, 2, 250, 251, 252, 13, 10, 65, 66])
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'my-bucket',
        Key: 'dir/../a b/ü+%.bin',
        Body: body,
        ContentType: 'application/x-test',
        Metadata: { color: 'blue', 'multi-word': 'a value' },
      }),
    )
    expect(put.ETag).toBe('"0123456789abcdef"')
    expect(put.VersionId).toBe('v1')
    expect(lastInput('PutObject')).toMatchObject({ Key: 'dir/../a b/ü+%.bin', ContentType: 'application/x-test' })

    const got = await s3.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'dir/../a b/ü+%.bin' }))
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(body)
    expect(got.ContentLength).toBe(body.length)
    expect(got.ContentType).toBe('application/x-test')
    expect(got.Metadata).toEqual({ color: 'blue', 'multi-word': 'a value' })
    expect(got.LastModified).toEqual(LAST_MODIFIED)
    expect(got.$metadata.httpStatusCode).toBe(200)
    expect(got.$metadata.requestId).toMatch(/^00000000-0000-4000-8000-/)
    expect(got.$metadata.extendedRequestId).toBeTruthy()

    const ranged = await s3.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'dir/../a b/ü+%.bin', Range: 'bytes=2-4' }))
    expect(Buffer.from(await ranged.Body!.transformToByteArray())).toEqual(body.subarray(2, 5))
    expect(ranged.ContentRange).toBe('bytes 2-4/10')
    expect(lastInput('GetObject').Range).toBe('bytes=2-4')
  })

  it('answers HeadObject with headers and no body', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'my-bucket', Key: 'head-me', Body: 'twelve bytes' }))
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'my-bucket', Key: 'head-me' }))
    expect(head.ContentLength).toBe(12)
    expect(head.LastModified).toEqual(LAST_MODIFIED)
  })

  it('decodes ListObjectsV2 query members and encodes flattened Contents and CommonPrefixes', async () => {
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: 'my-bucket', Prefix: 'photos/', Delimiter: '/', MaxKeys: 2, FetchOwner: true, StartAfter: 'photos/0' }),
    )
    expect(lastInput('ListObjectsV2')).toEqual({
      Bucket: 'my-bucket',
      Prefix: 'photos/',
      Delimiter: '/',
      MaxKeys: 2,
      FetchOwner: true,
      StartAfter: 'photos/0',
    })
    expect(listed).toMatchObject({
      Name: 'my-bucket',
      Prefix: 'photos/',
      Delimiter: '/',
      MaxKeys: 2,
      KeyCount: 2,
      IsTruncated: true,
      NextContinuationToken: 'next+token/=',
      Contents: [
        { Key: 'photos/a b.jpg', LastModified: LAST_MODIFIED, Size: 10, ETag: '"e1"', StorageClass: 'STANDARD' },
        { Key: 'photos/ü.png', LastModified: LAST_MODIFIED, Size: 0, ETag: '"e2"', StorageClass: 'STANDARD' },
      ],
      CommonPrefixes: [{ Prefix: 'photos/2023/' }, { Prefix: 'photos/2024/' }],
    })
  })

  it('round-trips bucket tagging through XML bodies', async () => {
    const TagSet = [
      { Key: 'team', Value: 'security & <audit>' },
      { Key: 'empty', Value: '' },
    ]
    await s3.send(new PutBucketTaggingCommand({ Bucket: 'my-bucket', Tagging: { TagSet } }))
    expect(lastInput('PutBucketTagging')).toMatchObject({ Bucket: 'my-bucket', Tagging: { TagSet } })
    const got = await s3.send(new GetBucketTaggingCommand({ Bucket: 'my-bucket' }))
    expect(got.TagSet).toEqual(TagSet)
  })

  it('decodes DeleteObjects and encodes its Deleted and Error lists', async () => {
    const result = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'my-bucket',
        Delete: { Objects: [{ Key: 'a' }, { Key: 'locked' }, { Key: 'b', VersionId: 'v2' }], Quiet: false },
      }),
    )
    expect(lastInput('DeleteObjects')).toMatchObject({
      Delete: { Objects: [{ Key: 'a' }, { Key: 'locked' }, { Key: 'b', VersionId: 'v2' }], Quiet: false },
    })
    expect(result.Deleted).toEqual([{ Key: 'a' }, { Key: 'b' }])
    expect(result.Errors).toEqual([{ Key: 'locked', Code: 'AccessDenied', Message: 'Access Denied' }])
  })

  it('carries a bucket policy as a raw string payload', async () => {
    const Policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::my-bucket/*' }] })
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'my-bucket', Policy }))
    expect(lastInput('PutBucketPolicy').Policy).toBe(Policy)
    const got = await s3.send(new GetBucketPolicyCommand({ Bucket: 'my-bucket' }))
    expect(got.Policy).toBe('{"Version":"2012-10-17","Statement":[]}')
  })

  it('writes GetBucketLocation as the text of its root element', async () => {
    const got = await s3.send(new GetBucketLocationCommand({ Bucket: 'my-bucket' }))
    expect(got.LocationConstraint).toBe('eu-west-1')
  })

  it('returns NoSuchKey with the SDK name and metadata', async () => {
    const error = await s3.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'absent' })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(S3ServiceException)
    expect(error).toMatchObject({
      name: 'NoSuchKey',
      message: 'The specified key does not exist.',
      Key: 'absent',
      $metadata: { httpStatusCode: 404, requestId: expect.stringMatching(/^00000000-/) },
    })
  })

  it('returns NoSuchBucket with its BucketName field', async () => {
    const error = await s3.send(new ListObjectsV2Command({ Bucket: 'missing' })).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'NoSuchBucket', BucketName: 'missing', $metadata: { httpStatusCode: 404 } })
  })

  it('answers a HEAD error with no body, which the SDK reports as NotFound', async () => {
    const error = await s3.send(new HeadObjectCommand({ Bucket: 'my-bucket', Key: 'absent' })).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } })
  })
})

describe('rest-xml codec over raw HTTP', () => {
  it('answers malformed XML with MalformedXML in S3 error form', async () => {
    const body = '<Tagging><TagSet><Tag>'
    const response = await fetch(`${server.endpoint}/my-bucket?tagging`, { method: 'PUT', body, headers: { 'content-md5': createHash('md5').update(body).digest('base64') } })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/xml')
    expect(response.headers.get('x-amz-request-id')).toMatch(/^00000000-/)
    const text = await response.text()
    expect(text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Error><Code>MalformedXML<\/Code>/)
    expect(text).toContain('<Message>The XML you provided was not well-formed or did not validate against our published schema</Message>')
    expect(text).toContain(`<HostId>${response.headers.get('x-amz-id-2')}</HostId>`)
  })

  it('answers a 204 with an empty body and the request id headers', async () => {
    const response = await fetch(`${server.endpoint}/my-bucket/some/key`, { method: 'DELETE' })
    expect(response.status).toBe(204)
    expect(response.headers.get('x-amz-request-id')).toMatch(/^00000000-/)
    expect(response.headers.get('x-amz-id-2')).toBeTruthy()
    expect(await response.text()).toBe('')
  })

  it('reports an operation with no handler in S3 form as MethodNotAllowed', async () => {
    const response = await fetch(`${server.endpoint}/my-bucket?tagging`, { method: 'DELETE' })
    expect(response.status).toBe(405)
    expect(await response.text()).toContain('<Code>MethodNotAllowed</Code>')
  })
})

describe('rest-xml codec with virtual-hosted-style addressing', () => {
  it('reads the bucket from a bucket.localhost Host header', async () => {
    const port = new URL(server.endpoint).port
    // Resolve every name to loopback, so `my-bucket.localhost` reaches the test server.
    const lookup = (_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void): void => {
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }])
      else callback(null, '127.0.0.1', 4)
    }
    const agent = new Agent({ lookup } as ConstructorParameters<typeof Agent>[0])
    const { NodeHttpHandler } = await import('@smithy/node-http-handler')
    const virtual = new S3Client({
      region: 'us-east-1',
      endpoint: `http://localhost:${port}`,
      forcePathStyle: false,
      credentials: testCredentials,
      requestHandler: new NodeHttpHandler({ httpAgent: agent }),
    })
    const sent: { hostname: string; path: string }[] = []
    virtual.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { hostname: string; path: string }
        sent.push({ hostname: request.hostname, path: request.path })
        return next(args)
      },
      { step: 'finalizeRequest' },
    )
    try {
      await virtual.send(new PutObjectCommand({ Bucket: 'my-bucket', Key: 'virtual/key.txt', Body: 'hosted' }))
      expect(sent[0]).toEqual({ hostname: 'my-bucket.localhost', path: '/virtual/key.txt' })
      expect(lastInput('PutObject')).toMatchObject({ Bucket: 'my-bucket', Key: 'virtual/key.txt' })
      const got = await virtual.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'virtual/key.txt' }))
      expect(await got.Body!.transformToString()).toBe('hosted')
    } finally {
      virtual.destroy()
    }
  })
})
