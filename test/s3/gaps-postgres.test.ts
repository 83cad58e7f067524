// The S3 gaps on PostgreSQL, with two servers sharing the database: both making their first aws:kms write without a
// key id at once end up with one AWS managed key aws/s3; DeleteObjects deletes a versioned bucket's keys together.
import { CreateBucketCommand, DeleteObjectsCommand, HeadBucketCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms'
import { expect, it, vi } from 'vitest'
import { forPostgres } from '../../src/storage/testing.js'
import { startTestPalisade } from '../support/palisade.js'
import { s3Client } from './s3-support.js'

const ROOT_KEY = Buffer.alloc(32, 9).toString('base64')

forPostgres('S3 gaps on PostgreSQL', (dialect) => {
  it('makes one aws/s3 key for two servers\' simultaneous first uses, and deletes many keys in one request', async () => {
    const { url } = await dialect.config()
    const first = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    const second = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    try {
      const [one, two] = [s3Client(first), s3Client(second)]
      await one.send(new CreateBucketCommand({ Bucket: 'gaps-postgres' }))
      await one.send(new PutBucketVersioningCommand({ Bucket: 'gaps-postgres', VersioningConfiguration: { Status: 'Enabled' } }))
      await vi.waitFor(() => two.send(new HeadBucketCommand({ Bucket: 'gaps-postgres' })), { timeout: 5000, interval: 50 })
      const writes = await Promise.all([one, two, one, two].map((client, index) =>
        client.send(new PutObjectCommand({ Bucket: 'gaps-postgres', Key: `k${index}`, Body: 'x', ServerSideEncryption: 'aws:kms' }))))
      expect(new Set(writes.map((write) => write.SSEKMSKeyId)).size).toBe(1)
      const kms = new KMSClient({ endpoint: second.url, region: 'us-east-1', credentials: second.root, maxAttempts: 1 })
      const aliases = (await kms.send(new ListAliasesCommand({}))).Aliases ?? []
      expect(aliases.filter((alias) => alias.AliasName === 'alias/aws/s3')).toHaveLength(1)

      const deleted = await two.send(new DeleteObjectsCommand({ Bucket: 'gaps-postgres', Delete: { Objects: writes.map((_, index) => ({ Key: `k${index}` })) } }))
      expect(deleted.Deleted?.map((entry) => [entry.Key, entry.DeleteMarker])).toEqual([['k0', true], ['k1', true], ['k2', true], ['k3', true]])
      const versions = await one.send(new ListObjectVersionsCommand({ Bucket: 'gaps-postgres' }))
      expect(versions.DeleteMarkers?.filter((marker) => marker.IsLatest)).toHaveLength(4)
    } finally {
      await first.stop()
      await second.stop()
    }
  })
})
