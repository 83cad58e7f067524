// SSE-C end to end: an object written with a customer-provided key reads back only with that key (InvalidRequest
// without one, AccessDenied with another), the key's headers are checked, only HTTPS is accepted, and the key is
// stored nowhere.
import { CopyObjectCommand, CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { Agent } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { failure, s3Client } from './s3-support.js'

let server: TestPalisade
let s3: S3Client
const key = randomBytes(32)
const otherKey = randomBytes(32)
const withKey = (customer: Buffer) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: customer as unknown as string })

// SSE-C needs HTTPS, as in S3: the server serves TLS with its generated certificate, which the client trusts.
beforeAll(async () => {
  server = await startTestPalisade(['--tls'])
  const ca = readFileSync(join(server.dataDir, 'tls-cert.pem'), 'utf8')
  s3 = new S3Client({
    endpoint: server.url, region: 'us-east-1', credentials: server.root, forcePathStyle: true, maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }),
  })
  await s3.send(new CreateBucketCommand({ Bucket: 'sse-c' }))
})
afterAll(async () => server.stop())

describe('SSE-C', () => {
  it('round-trips an object with the customer key and reports the key MD5', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sse-c', Key: 'private.bin', Body: 'customer secret', ...withKey(key) }))
    const md5 = createHash('md5').update(key).digest('base64')
    expect(put.SSECustomerAlgorithm).toBe('AES256')
    expect(put.SSECustomerKeyMD5).toBe(md5)
    const got = await s3.send(new GetObjectCommand({ Bucket: 'sse-c', Key: 'private.bin', ...withKey(key) }))
    expect(got.SSECustomerKeyMD5).toBe(md5)
    expect(got.ServerSideEncryption).toBeUndefined()
    expect(await got.Body!.transformToString()).toBe('customer secret')
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'sse-c', Key: 'private.bin', ...withKey(key) }))).SSECustomerAlgorithm).toBe('AES256')
  })

  it('refuses a read without the key (InvalidRequest) and with another key (AccessDenied)', async () => {
    const missing = await failure(s3.send(new GetObjectCommand({ Bucket: 'sse-c', Key: 'private.bin' })))
    expect(missing.name).toBe('InvalidRequest')
    expect(missing.$metadata.httpStatusCode).toBe(400)
    const wrong = await failure(s3.send(new GetObjectCommand({ Bucket: 'sse-c', Key: 'private.bin', ...withKey(otherKey) })))
    expect(wrong.name).toBe('AccessDenied')
    expect(wrong.$metadata.httpStatusCode).toBe(403)
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: 'sse-c', Key: 'private.bin', ...withKey(otherKey) })))).$metadata.httpStatusCode).toBe(403)
  })

  it('copies only with the source key given as the copy-source key', async () => {
    expect((await failure(s3.send(new CopyObjectCommand({ Bucket: 'sse-c', Key: 'copy.bin', CopySource: 'sse-c/private.bin' })))).name).toBe('InvalidRequest')
    await s3.send(new CopyObjectCommand({
      Bucket: 'sse-c', Key: 'copy.bin', CopySource: 'sse-c/private.bin',
      CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: key as unknown as string,
    }))
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'sse-c', Key: 'copy.bin' }))).Body!.transformToString()).toBe('customer secret')
  })

  it('refuses a key that is not 256 bits and customer keys combined with another encryption', async () => {
    expect((await failure(s3.send(new PutObjectCommand({ Bucket: 'sse-c', Key: 'short.bin', Body: 'x', ...withKey(randomBytes(16)) })))).name).toBe('InvalidArgument')
    expect((await failure(s3.send(new PutObjectCommand({ Bucket: 'sse-c', Key: 'both.bin', Body: 'x', ServerSideEncryption: 'AES256', ...withKey(key) })))).name).toBe('InvalidArgument')
  })

  it('refuses customer keys sent over plain HTTP (InvalidRequest), before anything is written', async () => {
    const plain = await startTestPalisade()
    try {
      const http = s3Client(plain)
      await http.send(new CreateBucketCommand({ Bucket: 'sse-c-http' }))
      const error = await failure(http.send(new PutObjectCommand({ Bucket: 'sse-c-http', Key: 'k', Body: 'x', ...withKey(key) })))
      expect(error.name).toBe('InvalidRequest')
      expect(error.message).toMatch(/secure connection/)
      expect((await failure(http.send(new HeadObjectCommand({ Bucket: 'sse-c-http', Key: 'k' })))).$metadata.httpStatusCode).toBe(404)
    } finally {
      await plain.stop()
    }
  })

  it('stores neither the key nor the plaintext', () => {
    const forms = [key, Buffer.from(key.toString('base64')), Buffer.from(key.toString('hex')), Buffer.from('customer secret')]
    const files = ['palisade.db', 'palisade.db-wal'].map((name) => join(server.dataDir, name)).filter((file) => existsSync(file))
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)])
    files.push(...walk(join(server.dataDir, 's3')))
    expect(files.length).toBeGreaterThan(1)
    for (const file of files) {
      const bytes = readFileSync(file)
      for (const form of forms) expect(bytes.includes(form), `${file} holds a secret`).toBe(false)
    }
  })
})
