// The real AWS SDK v3 clients (IAM, S3) against a loopback server that only verifies their signatures.
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY } from './support/sdk-signer.js'
import { startVerifyingServer, type VerifyingServer } from './support/verifying-server.js'

let server: VerifyingServer
beforeAll(async () => {
  server = await startVerifyingServer(() => new Date(Date.now()))
})
afterAll(() => server.close())

const credentials = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY }
const s3 = () => new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials })
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

describe('SDK v3 clients sign requests that verify', () => {
  it('IAM ListUsers (query protocol, body hash signed)', async () => {
    server.verdicts.length = 0
    await new IAMClient({ endpoint: server.endpoint, region: 'us-east-1', credentials }).send(new ListUsersCommand({}))
    const body = 'Action=ListUsers&Version=2010-05-08'
    expect(server.verdicts).toEqual([{ method: 'POST', form: 'header', contentSha256: sha256(body), payload: body }])
  })

  it('S3 PutObject with a string body and a key that needs encoding', async () => {
    server.verdicts.length = 0
    await s3().send(new PutObjectCommand({ Bucket: 'bucket', Key: 'dir/a b+c (1)~!.txt', Body: 'hello world' }))
    expect(server.verdicts).toEqual([{ method: 'PUT', form: 'header', contentSha256: sha256('hello world'), payload: 'hello world' }])
  })

  it('S3 PutObject with a stream body (aws-chunked with a trailing checksum)', async () => {
    server.verdicts.length = 0
    const body = Readable.from([Buffer.from('first part, '), Buffer.from('second part')])
    await s3().send(new PutObjectCommand({ Bucket: 'bucket', Key: 'streamed.txt', Body: body, ContentLength: 23 }))
    expect(server.verdicts).toEqual([{ method: 'PUT', form: 'header', contentSha256: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', payload: 'first part, second part' }])
  })
})
