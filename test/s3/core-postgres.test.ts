// S3 on PostgreSQL: buckets, versions and listings in UTF-8 byte order, and a bucket made through one server seen by
// a second one sharing the database (bucket index kept fresh by LISTEN/NOTIFY).
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { expect, it, vi } from 'vitest'
import { forPostgres } from '../../src/storage/testing.js'
import { startTestPalisade } from '../support/palisade.js'
import { s3Client } from './s3-support.js'

const ROOT_KEY = Buffer.alloc(32, 7).toString('base64')

forPostgres('S3 on PostgreSQL', (dialect) => {
  it('keeps versions and lists keys in UTF-8 byte order; a second server sees the bucket', async () => {
    const { url } = await dialect.config()
    const first = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    const second = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    try {
      const s3 = s3Client(first)
      await s3.send(new CreateBucketCommand({ Bucket: 'core-postgres' }))
      await s3.send(new PutBucketVersioningCommand({ Bucket: 'core-postgres', VersioningConfiguration: { Status: 'Enabled' } }))
      const keys = ['B', 'a', 'a/b', 'a-b', 'Z', '_x', 'é']
      for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: 'core-postgres', Key: key, Body: key }))
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'core-postgres' }))
      expect(listed.Contents?.map((object) => object.Key)).toEqual([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))))
      await s3.send(new DeleteObjectCommand({ Bucket: 'core-postgres', Key: 'a' }))
      const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'core-postgres', Prefix: 'a', Delimiter: '/' }))
      expect(versions.DeleteMarkers?.map((marker) => marker.Key)).toEqual(['a'])
      expect(versions.Versions?.map((version) => version.Key)).toEqual(['a', 'a-b'])
      expect(versions.CommonPrefixes?.map((prefix) => prefix.Prefix)).toEqual(['a/'])
      const got = await s3.send(new GetObjectCommand({ Bucket: 'core-postgres', Key: 'é' }))
      expect(await got.Body!.transformToString()).toBe('é')
      await vi.waitFor(() => s3Client(second).send(new HeadBucketCommand({ Bucket: 'core-postgres' })), { timeout: 5000, interval: 50 })
    } finally {
      await first.stop()
      await second.stop()
    }
  })
})
