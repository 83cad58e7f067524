// Delivery by a running server: log files written on the delivery interval (shortened here), and on shutdown — a
// server stopped while a trail holds events writes them, and a restart finds them in the bucket.
import { CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail'
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { cloudTrailClient, listKeys, readGzipJson, s3Client, trailBucket } from './trails-e2e-support.js'

const ACCOUNT = '000000000000'
type Records = { Records: { eventName: string; requestParameters: { userName?: string } | null }[] }

async function startTrail(palisade: TestPalisade, bucket: string): Promise<void> {
  await trailBucket(s3Client(palisade), bucket, ACCOUNT, 'main')
  await cloudTrailClient(palisade).send(new CreateTrailCommand({ Name: 'main', S3BucketName: bucket }))
  await cloudTrailClient(palisade).send(new StartLoggingCommand({ Name: 'main' }))
}

async function createdUsers(palisade: TestPalisade, bucket: string): Promise<string[]> {
  const s3 = s3Client(palisade)
  const files = await listKeys(s3, bucket, `AWSLogs/${ACCOUNT}/CloudTrail/`)
  return (await Promise.all(files.map((key) => readGzipJson<Records>(s3, bucket, key)))).flatMap((file) => file.json.Records)
    .filter((record) => record.eventName === 'CreateUser').map((record) => record.requestParameters!.userName!)
}

describe('delivery by a running server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'palisade-trail-restart-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('writes log files on its delivery interval while the trail keeps logging', async () => {
    const palisade = await startTestPalisade([], { trailDelivery: { logIntervalMs: 100 } })
    try {
      await startTrail(palisade, 'interval-bucket')
      await new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 }).send(new CreateUserCommand({ UserName: 'on-interval' }))
      await vi.waitFor(async () => expect(await createdUsers(palisade, 'interval-bucket')).toEqual(['on-interval']), { timeout: 10_000, interval: 100 })
    } finally {
      await palisade.stop()
    }
  })

  it('writes what a trail holds when the server stops', async () => {
    const first = await startTestPalisade(['--data-dir', dataDir])
    await startTrail(first, 'shutdown-bucket')
    await new IAMClient({ endpoint: first.url, region: 'us-east-1', credentials: first.root, maxAttempts: 1 }).send(new CreateUserCommand({ UserName: 'before-shutdown' }))
    expect(await createdUsers(first, 'shutdown-bucket')).toEqual([]) // the default interval (5 minutes) has not passed
    await first.close()
    rmSync(first.dataDir, { recursive: true, force: true }) // the unused default directory
    const second = await startTestPalisade(['--data-dir', dataDir])
    try {
      expect(await createdUsers(second, 'shutdown-bucket')).toEqual(['before-shutdown'])
    } finally {
      await second.close()
      rmSync(second.dataDir, { recursive: true, force: true })
    }
  })
})
