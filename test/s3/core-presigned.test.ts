// Presigned URLs made by the SDK: GET and PUT with plain fetch, expiry up to the 7-day maximum, and an expired URL.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestPalisade } from '../support/palisade.js'
import { startS3Palisade } from './s3-support.js'

let server: TestPalisade
let s3: S3Client
const BUCKET = 'core-presigned'
const SEVEN_DAYS = 7 * 24 * 3600

beforeAll(async () => { ({ server, s3 } = await startS3Palisade({ buckets: [BUCKET] })) })
afterAll(async () => server.stop())

describe('presigned URLs', () => {
  it('uploads with a presigned PUT and downloads with a presigned GET valid for 7 days', async () => {
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'shared.txt', ContentType: 'text/plain' }), { expiresIn: SEVEN_DAYS })
    const put = await fetch(putUrl, { method: 'PUT', body: 'shared through a link', headers: { 'content-type': 'text/plain' } })
    expect(put.status).toBe(200)
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'shared.txt' }), { expiresIn: SEVEN_DAYS })
    expect(new URL(getUrl).searchParams.get('X-Amz-Expires')).toBe(String(SEVEN_DAYS))
    const got = await fetch(getUrl)
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('text/plain')
    expect(await got.text()).toBe('shared through a link')
  })

  it('refuses a presigned GET whose expiry has passed (AccessDenied, Request has expired)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'old-link', Body: 'x' }))
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'old-link' }), { expiresIn: 60, signingDate: new Date(Date.now() - 3600_000) })
    const response = await fetch(url)
    expect(response.status).toBe(403)
    const body = await response.text()
    expect(body).toContain('<Code>AccessDenied</Code>')
    expect(body).toContain('Request has expired')
  })

  it('refuses a presigned GET for another key than it was signed for', async () => {
    const url = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'shared.txt' }), { expiresIn: 60 }))
    url.pathname = `/${BUCKET}/old-link`
    const response = await fetch(url)
    expect(response.status).toBe(403)
    expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
  })
})
