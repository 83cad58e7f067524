// palisade billing on PostgreSQL: the usage a server metered into PostgreSQL, with the KMS keys and S3 bytes it keeps,
// reported from the same database (runs when PALISADE_TEST_POSTGRES_URL is set).
import { ListUsersCommand } from '@aws-sdk/client-iam'
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { expect, it } from 'vitest'
import { billingCommand } from '../../src/cli/billing-command.js'
import { forPostgres } from '../../src/storage/testing.js'
import { startTestPalisade } from '../support/palisade.js'
import { iam } from './enforcement-support.js'

forPostgres('palisade billing', (dialect) => {
  it('reports requests per service, KMS keys and S3 bytes from PostgreSQL', async () => {
    const { url } = await dialect.config()
    const palisade = await startTestPalisade(['--database', url])
    try {
      const client = { endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 }
      await iam(palisade, palisade.root).send(new ListUsersCommand({}))
      await new KMSClient(client).send(new CreateKeyCommand({}))
      const s3 = new S3Client({ ...client, forcePathStyle: true })
      await s3.send(new CreateBucketCommand({ Bucket: 'metered' }))
      await s3.send(new PutObjectCommand({ Bucket: 'metered', Key: 'k', Body: '1234567' }))
    } finally {
      await palisade.stop() // writes the pending counts
    }
    let stdout = ''
    const code = await billingCommand(['--database', url, '--json'], {}, { stdout: (text) => (stdout += text), stderr: () => {}, now: () => new Date() })
    expect(code).toBe(0)
    expect(JSON.parse(stdout).standaloneAccounts).toEqual([expect.objectContaining({
      accountId: '000000000000', requests: { iam: 1, kms: 1, s3: 2 }, totalRequests: 4, kmsKeys: 1, s3StoredBytes: 7,
    })])
  })
})
