// The real AWS SDK v3 clients (S3, IAM, STS) against a loopback server that only verifies their signatures.
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isAwsError } from '../../src/core/aws-error.js'
import { readBody, toHttpRequest } from '../../src/server/node-adapter.js'
import { readSignature, verifySignature, type AuthErrorFamily } from '../../src/sigv4/index.js'
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY } from './support/sdk-signer.js'

interface Verdict {
  readonly form?: 'header' | 'query'
  readonly contentSha256?: string
  readonly payload?: string
  readonly error?: string
}

const verdicts: Verdict[] = []
let server: Server
let endpoint: string

// The clients sign with the real clock, so verification uses it too; every other test injects its time.
const now = () => new Date(Date.now())

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const request = toHttpRequest(req, await readBody(req, 1024 * 1024))
    const family: AuthErrorFamily = request.headers['host']?.startsWith('s3.') || request.path.startsWith('/bucket') ? 's3' : 'query'
    try {
      const signed = readSignature(request, family)
      if (!signed) throw new Error('unsigned request')
      const verified = verifySignature(request, signed, SECRET_ACCESS_KEY, now(), { family, region: 'us-east-1', service: family === 's3' ? 's3' : signed.scope.service })
      verdicts.push({ form: signed.form, contentSha256: request.headers['x-amz-content-sha256'], payload: verified.payload.toString() })
    } catch (error) {
      verdicts.push({ error: isAwsError(error) ? error.code : String(error) })
    }
    if (request.path.startsWith('/bucket')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', etag: '"e"' })
      res.end(request.method === 'GET' ? 'object body' : '')
    } else {
      res.writeHead(200, { 'content-type': 'text/xml' })
      res.end('<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><Users/><IsTruncated>false</IsTruncated></ListUsersResult></ListUsersResponse>')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const credentials = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY }

function s3(): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials })
}

describe('SDK v3 clients sign requests that verify', () => {
  it('IAM ListUsers (query protocol, body hash signed)', async () => {
    verdicts.length = 0
    await new IAMClient({ endpoint, region: 'us-east-1', credentials }).send(new ListUsersCommand({}))
    const body = 'Action=ListUsers&Version=2010-05-08'
    expect(verdicts).toEqual([{ form: 'header', contentSha256: createHash('sha256').update(body).digest('hex'), payload: body }])
  })

  it('S3 PutObject with a string body and a key that needs encoding', async () => {
    verdicts.length = 0
    await s3().send(new PutObjectCommand({ Bucket: 'bucket', Key: 'dir/a b+c (1)~!.txt', Body: 'hello world' }))
    const sha = createHash('sha256').update('hello world').digest('hex')
    expect(verdicts).toEqual([{ form: 'header', contentSha256: sha, payload: 'hello world' }])
  })

  it('S3 PutObject with a stream body (aws-chunked with a trailing checksum)', async () => {
    verdicts.length = 0
    const body = Readable.from([Buffer.from('first part, '), Buffer.from('second part')])
    await s3().send(new PutObjectCommand({ Bucket: 'bucket', Key: 'streamed.txt', Body: body, ContentLength: 23 }))
    expect(verdicts).toEqual([{ form: 'header', contentSha256: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', payload: 'first part, second part' }])
  })
})
