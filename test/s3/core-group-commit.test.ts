// Concurrent PutObjects share commits (group commit): every acknowledged write is stored, and each write's own
// condition still holds on its own — of racing If-None-Match: * creates of one key exactly one wins. Small objects
// read again come from the server's cache of recently read small files (SSE-S3 kept decrypted): whole and ranged reads, and overwrites, stay right.
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestPalisade } from '../support/palisade.js'
import { startS3Palisade } from './s3-support.js'

let server: TestPalisade
let s3: S3Client
const BUCKET = 'group-commit'

beforeAll(async () => { ({ server, s3 } = await startS3Palisade({ buckets: [BUCKET] })) })
afterAll(async () => server.stop())

describe('concurrent PutObject', () => {
  it('stores every acknowledged object of a burst of writes to different keys', async () => {
    const keys = Array.from({ length: 40 }, (_, index) => `burst/${index}`)
    await Promise.all(keys.map((Key) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: `body of ${Key}` }))))
    for (const Key of keys) {
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }))
      expect(await got.Body!.transformToString()).toBe(`body of ${Key}`)
    }
  })

  it('lets exactly one of racing If-None-Match: * creates of a key succeed and keeps its bytes', async () => {
    const bodies = Array.from({ length: 12 }, (_, index) => `writer ${index}`)
    const outcomes = await Promise.allSettled(bodies.map((Body) =>
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'race', Body, IfNoneMatch: '*' }))))
    const won = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [bodies[index]!] : []))
    expect(won).toHaveLength(1)
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } })
    }
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'race' }))
    expect(await got.Body!.transformToString()).toBe(won[0])
  })
})

describe('repeated small GetObject', () => {
  it('returns the same bytes whole and by range on every read, and the new bytes once the key is overwritten', async () => {
    const text = 'abcdefghijklmnopqrstuvwxyz'.repeat(100)
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'hot', Body: text }))
    for (let read = 0; read < 3; read++) {
      const whole = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'hot' }))
      expect(await whole.Body!.transformToString()).toBe(text)
      const part = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'hot', Range: 'bytes=1000-1029' }))
      expect(await part.Body!.transformToString()).toBe(text.slice(1000, 1030))
    }
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'hot', Body: 'replaced' }))
    const after = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'hot' }))
    expect(await after.Body!.transformToString()).toBe('replaced')
  })

  it('returns every byte value of a small binary object unchanged, from disk and from the cache', async () => {
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, value) => value)), randomBytes(3000)])
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'binary', Body: bytes }))
    for (let read = 0; read < 2; read++) {
      const whole = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'binary' }))
      expect(Buffer.from(await whole.Body!.transformToByteArray()).equals(bytes)).toBe(true)
      const part = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'binary', Range: 'bytes=100-299' }))
      expect(Buffer.from(await part.Body!.transformToByteArray()).equals(bytes.subarray(100, 300))).toBe(true)
    }
  })
})
