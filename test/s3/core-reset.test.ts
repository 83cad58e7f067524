// POST /_palisade/reset with S3 data: buckets and objects are gone, and so are the object files on disk.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { s3Client } from './s3-support.js'

let server: TestPalisade

beforeAll(async () => {
  server = await startTestPalisade(['--allow-reset'])
})
afterAll(async () => server.stop())

function dataFiles(dataDir: string): string[] {
  const root = join(dataDir, 's3', 'data')
  if (!existsSync(root)) return []
  return readdirSync(root).flatMap((directory) => readdirSync(join(root, directory)))
}

describe('reset with S3 data', () => {
  it('removes every bucket, object and object file', async () => {
    const s3 = s3Client(server)
    await s3.send(new CreateBucketCommand({ Bucket: 'core-reset' }))
    await s3.send(new PutObjectCommand({ Bucket: 'core-reset', Key: 'a', Body: 'a' }))
    await s3.send(new PutObjectCommand({ Bucket: 'core-reset', Key: 'b', Body: 'b' }))
    expect(dataFiles(server.dataDir)).toHaveLength(2)
    const response = await fetch(`${server.url}/_palisade/reset`, { method: 'POST' })
    expect(response.status).toBe(200)
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([])
    expect(dataFiles(server.dataDir)).toEqual([])
    await s3.send(new CreateBucketCommand({ Bucket: 'core-reset' })) // the name is free again
  })
})
