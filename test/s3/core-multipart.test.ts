// Multipart uploads through the SDK and lib-storage: parts, the md5-of-md5s ETag, the 5 MiB minimum, part order and
// ETag checks, UploadPartCopy, listing uploads and parts, abort; also CopyObject and object tags.
import { createHash, randomBytes } from 'node:crypto'
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand,
  DeleteObjectTaggingCommand, GetObjectAttributesCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListPartsCommand,
  PutObjectCommand, PutObjectTaggingCommand, S3Client, UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestPalisade } from '../support/palisade.js'
import { failure, startS3Palisade } from './s3-support.js'

let server: TestPalisade
let s3: S3Client
const BUCKET = 'core-multipart'
const MiB = 1024 * 1024

beforeAll(async () => { ({ server, s3 } = await startS3Palisade({ buckets: [BUCKET] })) })
afterAll(async () => server.stop())

const md5 = (data: Buffer) => createHash('md5').update(data).digest()

describe('multipart upload', () => {
  it('assembles the parts into one object with an md5-of-md5s-N ETag, readable whole, by range and by part', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(1234)]
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'big', ContentType: 'application/x-test', Metadata: { m: '1' } }))
    const etags: string[] = []
    for (const [index, body] of parts.entries()) {
      const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'big', UploadId, PartNumber: index + 1, Body: body }))
      expect(part.ETag).toBe(`"${md5(body).toString('hex')}"`)
      etags.push(part.ETag!)
    }
    const listed = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'big', UploadId }))
    expect(listed.Parts?.map((part) => [part.PartNumber, part.Size])).toEqual([[1, 5 * MiB], [2, 1234]])
    const done = await s3.send(new CompleteMultipartUploadCommand({
      Bucket: BUCKET, Key: 'big', UploadId, MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
    }))
    const expected = createHash('md5').update(Buffer.concat(parts.map(md5))).digest('hex')
    expect(done.ETag).toBe(`"${expected}-2"`)
    const whole = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big' }))
    expect(Buffer.from(await whole.Body!.transformToByteArray()).equals(Buffer.concat(parts))).toBe(true)
    expect(whole).toMatchObject({ ContentType: 'application/x-test', Metadata: { m: '1' }, ETag: done.ETag })
    const across = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big', Range: `bytes=${5 * MiB - 2}-${5 * MiB + 1}` }))
    expect(Buffer.from(await across.Body!.transformToByteArray()).equals(Buffer.concat(parts).subarray(5 * MiB - 2, 5 * MiB + 2))).toBe(true)
    const second = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'big', PartNumber: 2 }))
    expect(second).toMatchObject({ ContentLength: 1234, PartsCount: 2 })
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([])
  })

  it('refuses a part under 5 MiB that is not the last (EntityTooSmall), parts out of order, and a wrong ETag', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'small' }))
    const one = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'small', UploadId, PartNumber: 1, Body: 'tiny' }))
    const two = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'small', UploadId, PartNumber: 2, Body: 'tail' }))
    const tooSmall = await failure(s3.send(new CompleteMultipartUploadCommand({
      Bucket: BUCKET, Key: 'small', UploadId, MultipartUpload: { Parts: [{ ETag: one.ETag, PartNumber: 1 }, { ETag: two.ETag, PartNumber: 2 }] },
    })))
    expect(tooSmall.name).toBe('EntityTooSmall')
    const order = await failure(s3.send(new CompleteMultipartUploadCommand({
      Bucket: BUCKET, Key: 'small', UploadId, MultipartUpload: { Parts: [{ ETag: two.ETag, PartNumber: 2 }, { ETag: one.ETag, PartNumber: 1 }] },
    })))
    expect(order.name).toBe('InvalidPartOrder')
    const wrong = await failure(s3.send(new CompleteMultipartUploadCommand({
      Bucket: BUCKET, Key: 'small', UploadId, MultipartUpload: { Parts: [{ ETag: '"00000000000000000000000000000000"', PartNumber: 1 }] },
    })))
    expect(wrong.name).toBe('InvalidPart')
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'small' }))
    expect(uploads.Uploads?.map((upload) => upload.UploadId)).toEqual([UploadId])
    await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'small', UploadId }))
    const gone = await failure(s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'small', UploadId })))
    expect(gone.name).toBe('NoSuchUpload')
  })

  it('names max-parts and max-uploads in the InvalidArgument for a negative page size', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'page-size' }))
    const parts = await failure(s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'page-size', UploadId, MaxParts: -1 })))
    expect(parts).toMatchObject({ name: 'InvalidArgument', message: 'Argument max-parts must be an integer between 0 and 2147483647', ArgumentName: 'max-parts' })
    const uploads = await failure(s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, MaxUploads: -1 })))
    expect(uploads).toMatchObject({ name: 'InvalidArgument', message: 'Argument max-uploads must be an integer between 0 and 2147483647', ArgumentName: 'max-uploads' })
    await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'page-size', UploadId }))
  })

  it('refuses a part number outside 1–10000', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'numbers' }))
    const error = await failure(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'numbers', UploadId, PartNumber: 10001, Body: 'x' })))
    expect(error.name).toBe('InvalidArgument')
  })

  it('copies a byte range of an object into a part (UploadPartCopy)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy-source', Body: 'abcdefghij' }))
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'copied-part' }))
    const part = await s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'copied-part', UploadId, PartNumber: 1, CopySource: `${BUCKET}/copy-source`, CopySourceRange: 'bytes=2-5' }))
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'copied-part', UploadId, MultipartUpload: { Parts: [{ ETag: part.CopyPartResult!.ETag, PartNumber: 1 }] } }))
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'copied-part' }))
    expect(await got.Body!.transformToString()).toBe('cdef')
  })

  it('reports the attributes of a multipart object (GetObjectAttributes): ETag, size and parts page by page', async () => {
    const attributes = await s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: 'big', ObjectAttributes: ['ETag', 'ObjectSize', 'ObjectParts', 'StorageClass'], MaxParts: 1 }))
    expect(attributes.ETag).toMatch(/^[0-9a-f]{32}-2$/)
    expect(attributes.ObjectSize).toBe(5 * MiB + 1234)
    expect(attributes.StorageClass).toBe('STANDARD')
    expect(attributes.ObjectParts).toMatchObject({ TotalPartsCount: 2, IsTruncated: true, NextPartNumberMarker: '1', Parts: [{ PartNumber: 1, Size: 5 * MiB }] })
    const next = await s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: 'big', ObjectAttributes: ['ObjectParts'], PartNumberMarker: '1' }))
    expect(next.ObjectParts).toMatchObject({ IsTruncated: false, Parts: [{ PartNumber: 2, Size: 1234 }] })
  })

  it('uploads a 12 MiB stream with lib-storage', async () => {
    const body = randomBytes(12 * MiB)
    await new Upload({ client: s3, params: { Bucket: BUCKET, Key: 'lib-storage', Body: body }, partSize: 5 * MiB }).done()
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'lib-storage' }))
    expect(head.ContentLength).toBe(12 * MiB)
    expect(head.ETag).toMatch(/-3"$/)
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'lib-storage' }))
    expect(md5(Buffer.from(await got.Body!.transformToByteArray())).equals(md5(body))).toBe(true)
  })
})

describe('CopyObject', () => {
  it('copies bytes and metadata, or replaces the metadata with REPLACE', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'original', Body: 'copy me', ContentType: 'text/plain', Metadata: { a: '1' } }))
    const copied = await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy', CopySource: `${BUCKET}/original` }))
    expect(copied.CopyObjectResult?.ETag).toBe(`"${createHash('md5').update('copy me').digest('hex')}"`)
    const copy = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'copy' }))
    expect(await copy.Body!.transformToString()).toBe('copy me')
    expect(copy).toMatchObject({ ContentType: 'text/plain', Metadata: { a: '1' } })
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy', CopySource: `${BUCKET}/original`, MetadataDirective: 'REPLACE', Metadata: { b: '2' }, ContentType: 'text/csv' }))
    const replaced = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'copy' }))
    expect(replaced).toMatchObject({ ContentType: 'text/csv', Metadata: { b: '2' } })
  })

  it('refuses a copy onto itself that changes nothing, and a missing source', async () => {
    const self = await failure(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'original', CopySource: `${BUCKET}/original` })))
    expect(self.name).toBe('InvalidRequest')
    const missing = await failure(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'x', CopySource: `${BUCKET}/no-such-key` })))
    expect(missing.name).toBe('NoSuchKey')
  })

  it('fails a copy-source If-Match that does not hold (412)', async () => {
    const error = await failure(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'x', CopySource: `${BUCKET}/original`, CopySourceIfMatch: '"nope"' })))
    expect(error.name).toBe('PreconditionFailed')
  })
})

describe('object tags', () => {
  it('sets tags with the x-amz-tagging header, replaces, reads and deletes them', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tagged', Body: 't', Tagging: 'team=red&env=dev' }))
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'tagged' }))).TagSet).toEqual([{ Key: 'team', Value: 'red' }, { Key: 'env', Value: 'dev' }])
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'tagged' }))).TagCount).toBeUndefined() // HEAD has no tag count
    await s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: 'tagged', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }))
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'tagged' }))).TagSet).toEqual([{ Key: 'k', Value: 'v' }])
    expect((await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tagged' }))).TagCount).toBe(1)
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: BUCKET, Key: 'tagged' }))
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'tagged' }))).TagSet).toEqual([])
  })

  it('refuses more than 10 tags (InvalidTag)', async () => {
    const TagSet = Array.from({ length: 11 }, (_, index) => ({ Key: `k${index}`, Value: 'v' }))
    const error = await failure(s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: 'tagged', Tagging: { TagSet } })))
    expect(error.name).toBe('InvalidTag')
  })
})
