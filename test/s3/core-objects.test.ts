// S3 objects through the SDK: put/get/head/delete, content headers and metadata, ranges, conditional reads,
// checksums and Content-MD5, DeleteObjects, and the error forms of missing keys.
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import {
  DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestPalisade } from '../support/palisade.js'
import { failure, s3Client, startS3Palisade } from './s3-support.js'

let server: TestPalisade
let s3: S3Client
const BUCKET = 'core-objects'

beforeAll(async () => { ({ server, s3 } = await startS3Palisade({ buckets: [BUCKET] })) })
afterAll(async () => server.stop())

const md5Hex = (text: string) => createHash('md5').update(text).digest('hex')

describe('PutObject and GetObject', () => {
  it('stores the bytes, content headers and metadata, and returns them with the MD5 ETag and SSE-S3', async () => {
    const put = await s3.send(new PutObjectCommand({
      Bucket: BUCKET, Key: 'dir/hello.txt', Body: 'hello world', ContentType: 'text/plain', CacheControl: 'max-age=60',
      ContentDisposition: 'attachment', ContentLanguage: 'en', Metadata: { colour: 'blue' },
    }))
    expect(put.ETag).toBe(`"${md5Hex('hello world')}"`)
    expect(put.ServerSideEncryption).toBe('AES256')
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'dir/hello.txt' }))
    expect(await got.Body!.transformToString()).toBe('hello world')
    expect(got).toMatchObject({
      ContentType: 'text/plain', CacheControl: 'max-age=60', ContentDisposition: 'attachment', ContentLanguage: 'en',
      Metadata: { colour: 'blue' }, ContentLength: 11, ETag: put.ETag, ServerSideEncryption: 'AES256', AcceptRanges: 'bytes',
    })
  })

  it('stores an empty object', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'empty', Body: '' }))
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'empty' }))
    expect(await got.Body!.transformToString()).toBe('')
    expect(got.ETag).toBe(`"${md5Hex('')}"`)
  })

  it('serves a byte range with 206 and Content-Range, and a suffix range', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'digits', Body: '0123456789' }))
    const middle = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digits', Range: 'bytes=2-5' }))
    expect(middle.$metadata.httpStatusCode).toBe(206)
    expect(middle.ContentRange).toBe('bytes 2-5/10')
    expect(await middle.Body!.transformToString()).toBe('2345')
    const suffix = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digits', Range: 'bytes=-3' }))
    expect(await suffix.Body!.transformToString()).toBe('789')
  })

  it('refuses a range beyond the object (InvalidRange, 416)', async () => {
    const error = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digits', Range: 'bytes=20-30' })))
    expect(error.name).toBe('InvalidRange')
    expect(error.$metadata.httpStatusCode).toBe(416)
  })

  it('answers NoSuchKey for a missing key and NoSuchBucket for a missing bucket', async () => {
    const key = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'nope' })))
    expect(key.name).toBe('NoSuchKey')
    expect(key.$metadata.httpStatusCode).toBe(404)
    const bucket = await failure(s3.send(new GetObjectCommand({ Bucket: 'core-no-such-bucket', Key: 'nope' })))
    expect(bucket.name).toBe('NoSuchBucket')
  })
})

describe('conditional reads', () => {
  it('answers 304 for If-None-Match with the current ETag and 412 for If-Match with another', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'conditional', Body: 'v1' }))
    const notModified = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'conditional', IfNoneMatch: put.ETag })))
    expect(notModified.$metadata.httpStatusCode).toBe(304)
    const failed = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'conditional', IfMatch: '"0000"' })))
    expect(failed.name).toBe('PreconditionFailed')
    expect(failed.$metadata.httpStatusCode).toBe(412)
    const matched = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'conditional', IfMatch: put.ETag }))
    expect(await matched.Body!.transformToString()).toBe('v1')
  })

  it('answers 304 for If-Modified-Since in the future and 412 for If-Unmodified-Since in the past', async () => {
    const future = new Date(Date.now() + 3600_000)
    const past = new Date(Date.now() - 3600_000)
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'conditional', IfModifiedSince: future })))).$metadata.httpStatusCode).toBe(304)
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'conditional', IfUnmodifiedSince: past })))).name).toBe('PreconditionFailed')
  })
})

describe('HeadObject', () => {
  it('returns the headers without a body, and a bodiless 404 for a missing key', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'dir/hello.txt' }))
    expect(head).toMatchObject({ ContentLength: 11, ContentType: 'text/plain', Metadata: { colour: 'blue' } })
    const missing = await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'nope' })))
    expect(missing.$metadata.httpStatusCode).toBe(404)
    expect(missing.name).toBe('NotFound')
  })
})

describe('integrity checks', () => {
  it('refuses a body that does not match Content-MD5 (BadDigest) and stores nothing', async () => {
    const wrong = createHash('md5').update('other').digest('base64')
    const error = await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'md5', Body: 'payload', ContentMD5: wrong })))
    expect(error.name).toBe('BadDigest')
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'md5' })))).$metadata.httpStatusCode).toBe(404)
  })

  it('refuses a Content-MD5 that is not an MD5 (InvalidDigest)', async () => {
    const error = await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'md5', Body: 'payload', ContentMD5: 'bm90LW1kNQ==' })))
    expect(error.name).toBe('InvalidDigest')
  })

  it('refuses a body whose x-amz-checksum-sha256 header does not match (BadDigest)', async () => {
    const wrong = createHash('sha256').update('other').digest('base64')
    const error = await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sha', Body: 'payload', ChecksumSHA256: wrong })))
    expect(error.name).toBe('BadDigest')
  })

  it('keeps a matching SHA-256 checksum and returns it with ChecksumMode', async () => {
    const sha = createHash('sha256').update('payload').digest('base64')
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sha', Body: 'payload', ChecksumSHA256: sha }))
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'sha', ChecksumMode: 'ENABLED' }))
    expect(head.ChecksumSHA256).toBe(sha)
  })

  it('stores a CRC32 checksum the SDK sends in an aws-chunked trailer', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'crc', Body: 'checksummed body', ChecksumAlgorithm: 'CRC32' }))
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'crc', ChecksumMode: 'ENABLED' }))
    expect(head.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==$/)
  })
})

describe('conditional writes', () => {
  it('creates a key with If-None-Match: * once, then refuses (412) and keeps the first object', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'create-once', Body: 'first', IfNoneMatch: '*' }))
    const error = await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'create-once', Body: 'second', IfNoneMatch: '*' })))
    expect(error.name).toBe('PreconditionFailed')
    expect(error.$metadata.httpStatusCode).toBe(412)
    expect(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'create-once' }))).Body!.transformToString()).toBe('first')
  })
})

describe('aws-chunked uploads', () => {
  it('stores a streamed body the SDK sends aws-chunked with a CRC32 trailer', async () => {
    const client = s3Client(server)
    const declared: string[] = []
    client.middlewareStack.add((next) => async (args) => {
      declared.push(String((args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256']))
      return next(args)
    }, { step: 'finalizeRequest', priority: 'low' })
    const chunks = ['first chunk, ', 'second chunk, ', 'last']
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'chunked', Body: Readable.from(chunks.map((chunk) => Buffer.from(chunk))), ContentLength: chunks.join('').length, ChecksumAlgorithm: 'CRC32' }))
    expect(declared[0]).toMatch(/^STREAMING-/)
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'chunked', ChecksumMode: 'ENABLED' }))
    expect(await got.Body!.transformToString()).toBe(chunks.join(''))
    expect(got.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==$/)
  })
})

describe('digests of bodies read whole', () => {
  it('refuses a DeleteObjects body whose Content-MD5 does not match (BadDigest) and deletes nothing', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kept-by-digest', Body: 'k' }))
    const client = s3Client(server)
    client.middlewareStack.add((next) => async (args) => {
      const request = args.request as { headers: Record<string, string> }
      for (const name of Object.keys(request.headers)) if (name.toLowerCase().startsWith('x-amz-checksum-')) delete request.headers[name]
      request.headers['content-md5'] = createHash('md5').update('another body').digest('base64')
      return next(args)
    }, { step: 'build', priority: 'low' })
    const error = await failure(client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'kept-by-digest' }] } })))
    expect(error.name).toBe('BadDigest')
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'kept-by-digest' }))).ContentLength).toBe(1)
  })
})

describe('DeleteObject and DeleteObjects', () => {
  it('deletes one key, and several at once reporting each', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'gone-1', Body: '1' }))
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'gone-2', Body: '2' }))
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone-1' }))
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'gone-1' })))).name).toBe('NoSuchKey')
    const result = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'gone-2' }, { Key: 'never-was' }] } }))
    expect(result.Deleted?.map((deleted) => deleted.Key).sort()).toEqual(['gone-2', 'never-was'])
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'gone-2' })))).name).toBe('NoSuchKey')
  })
})

describe('virtual-hosted-style requests', () => {
  it('reads and writes through bucket.s3.localhost as through the path', async () => {
    const { Agent } = await import('node:http')
    const { NodeHttpHandler } = await import('@smithy/node-http-handler')
    // Every *.s3.localhost name is this server; the lookup stands in for DNS.
    const agent = new Agent({
      lookup: (_host, options, callback) => {
        const answer = callback as (error: null, address: string | { address: string; family: number }[], family?: number) => void
        if ((options as { all?: boolean }).all) answer(null, [{ address: '127.0.0.1', family: 4 }])
        else answer(null, '127.0.0.1', 4)
      },
    })
    const port = new URL(server.url).port
    const hosted = new S3Client({
      endpoint: `http://s3.localhost:${port}`, region: 'us-east-1', credentials: server.root, maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpAgent: agent }),
    })
    const sent: string[] = []
    hosted.middlewareStack.add((next) => async (args) => {
      sent.push((args.request as { hostname: string }).hostname)
      return next(args)
    }, { step: 'finalizeRequest', priority: 'low' })
    await hosted.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'hosted/key.txt', Body: 'virtual' }))
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'hosted/key.txt' }))
    expect(await got.Body!.transformToString()).toBe('virtual')
    const back = await hosted.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'hosted/key.txt' }))
    expect(await back.Body!.transformToString()).toBe('virtual')
    expect(sent).toEqual([`${BUCKET}.s3.localhost`, `${BUCKET}.s3.localhost`])
  })
})
