// Listing through the SDK: ListObjectsV2 (prefix, delimiter, pages, start-after, encoding-type), ListObjects (v1).
import { ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestPalisade } from '../support/palisade.js'
import { startS3Palisade } from './s3-support.js'

let server: TestPalisade
let s3: S3Client
const BUCKET = 'core-listing'
const KEYS = ['a.txt', 'photos/2024/cat.jpg', 'photos/2024/dog.jpg', 'photos/2025/owl.jpg', 'photos/index.html', 'z z.txt']

beforeAll(async () => {
  ({ server, s3 } = await startS3Palisade({ buckets: [BUCKET] }))
  for (const key of KEYS) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }))
})
afterAll(async () => server.stop())

describe('ListObjectsV2', () => {
  it('lists every key in order with sizes and ETags', async () => {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))
    expect(page.Contents?.map((object) => object.Key)).toEqual(KEYS)
    expect(page.KeyCount).toBe(KEYS.length)
    expect(page.IsTruncated).toBe(false)
    expect(page.Contents?.[0]).toMatchObject({ Size: 5, StorageClass: 'STANDARD' })
    expect(page.Contents?.[0]?.Owner).toBeUndefined()
  })

  it('rolls keys up into common prefixes with a delimiter', async () => {
    const top = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: '/' }))
    expect(top.Contents?.map((object) => object.Key)).toEqual(['a.txt', 'z z.txt'])
    expect(top.CommonPrefixes?.map((prefix) => prefix.Prefix)).toEqual(['photos/'])
    const photos = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'photos/', Delimiter: '/' }))
    expect(photos.Contents?.map((object) => object.Key)).toEqual(['photos/index.html'])
    expect(photos.CommonPrefixes?.map((prefix) => prefix.Prefix)).toEqual(['photos/2024/', 'photos/2025/'])
  })

  it('pages with MaxKeys and continuation tokens, counting common prefixes as entries', async () => {
    const seen: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 2, Delimiter: '/', ContinuationToken: token }))
      seen.push(...(page.Contents ?? []).map((object) => object.Key!), ...(page.CommonPrefixes ?? []).map((prefix) => prefix.Prefix!))
      token = page.NextContinuationToken
      pages++
    } while (token)
    expect(seen.sort()).toEqual(['a.txt', 'photos/', 'z z.txt'])
    expect(pages).toBe(2)
  })

  it('starts after a key', async () => {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, StartAfter: 'photos/2025/owl.jpg' }))
    expect(page.Contents?.map((object) => object.Key)).toEqual(['photos/index.html', 'z z.txt'])
  })

  it('percent-encodes keys with encoding-type url and includes owners with fetch-owner', async () => {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'z', EncodingType: 'url', FetchOwner: true }))
    expect(page.Contents?.map((object) => object.Key)).toEqual(['z%20z.txt'])
    expect(page.Contents?.[0]?.Owner?.ID).toMatch(/^[0-9a-f]{64}$/)
  })

  it('refuses a continuation token it did not issue', async () => {
    const error = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: 'not-a-token' })).catch((thrown: S3ServiceException) => thrown)
    expect(error).toBeInstanceOf(S3ServiceException)
    expect((error as S3ServiceException).name).toBe('InvalidArgument')
  })
})

describe('ListObjects', () => {
  it('pages with Marker and returns NextMarker when a delimiter is given', async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, MaxKeys: 1, Delimiter: '/' }))
    expect(first.Contents?.map((object) => object.Key)).toEqual(['a.txt'])
    expect(first.IsTruncated).toBe(true)
    expect(first.NextMarker).toBe('a.txt')
    const second = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, MaxKeys: 1, Delimiter: '/', Marker: first.NextMarker }))
    expect(second.CommonPrefixes?.map((prefix) => prefix.Prefix)).toEqual(['photos/'])
    const all = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, Marker: 'photos/index.html' }))
    expect(all.Contents?.map((object) => object.Key)).toEqual(['z z.txt'])
  })
})
