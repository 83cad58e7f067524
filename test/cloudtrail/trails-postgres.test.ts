// Trails on PostgreSQL with two servers: a trail created through one is started and stopped through the other
// (trail index kept fresh by LISTEN/NOTIFY); the calls of both reach the bucket and the digest validates.
import { CreateTrailCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail'
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it, vi } from 'vitest'
import { trailValidateCommand } from '../../src/cli/trail-validate-command.js'
import { forPostgres } from '../../src/storage/testing.js'
import { startTestPalisade } from '../support/palisade.js'
import { cloudTrailClient, listKeys, readGzipJson, s3Client, trailBucket } from './trails-e2e-support.js'

const ROOT_KEY = Buffer.alloc(32, 7).toString('base64')
const PROPAGATION = { timeout: 5000, interval: 50 }

forPostgres('trails on PostgreSQL, two servers', (dialect) => {
  it('shares trails between servers and delivers both servers\' calls', async () => {
    const { url } = await dialect.config()
    // One data directory (S3 object bodies live there) and one database: two nodes of one deployment.
    const dataDir = mkdtempSync(join(tmpdir(), 'palisade-trails-pg-'))
    const args = ['--database', url, '--root-key', ROOT_KEY, '--data-dir', dataDir]
    const first = await startTestPalisade(args)
    const second = await startTestPalisade(args)
    let firstRunning = true
    try {
      await trailBucket(s3Client(first), 'pg-trail-logs', '000000000000', 'shared')
      await cloudTrailClient(first).send(new CreateTrailCommand({ Name: 'shared', S3BucketName: 'pg-trail-logs', EnableLogFileValidation: true }))
      await vi.waitFor(() => cloudTrailClient(second).send(new StartLoggingCommand({ Name: 'shared' })), PROPAGATION)
      for (const [server, user] of [[first, 'from-first'], [second, 'from-second']] as const) {
        await vi.waitFor(async () => {
          await new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: server.root, maxAttempts: 1 }).send(new CreateUserCommand({ UserName: `${user}-${Date.now()}` }))
        }, PROPAGATION)
      }
      await first.close() // writes what the first server holds
      firstRunning = false
      await cloudTrailClient(second).send(new StopLoggingCommand({ Name: 'shared' }))

      const s3 = s3Client(second)
      const logFiles = await listKeys(s3, 'pg-trail-logs', 'AWSLogs/000000000000/CloudTrail/')
      const names = (await Promise.all(logFiles.map((key) => readGzipJson<{ Records: { eventName: string; requestParameters: { userName?: string } | null }[] }>(s3, 'pg-trail-logs', key))))
        .flatMap((file) => file.json.Records).filter((record) => record.eventName === 'CreateUser').map((record) => record.requestParameters!.userName!.replace(/-\d+$/, ''))
      expect(names.sort()).toEqual(['from-first', 'from-second'])

      let stdout = ''
      const code = await trailValidateCommand(['--trail-arn', 'arn:aws:cloudtrail:us-east-1:000000000000:trail/shared', '--start-time', new Date(Date.now() - 600_000).toISOString(), '--endpoint-url', second.url],
        { AWS_ACCESS_KEY_ID: second.root.accessKeyId, AWS_SECRET_ACCESS_KEY: second.root.secretAccessKey },
        { stdout: (text) => { stdout += text }, stderr: (text) => { stdout += text }, now: () => new Date(Date.now() + 60_000) })
      expect(stdout).not.toContain('INVALID')
      expect(code).toBe(0)
    } finally {
      if (firstRunning) await first.close()
      await second.close()
      for (const dir of [dataDir, first.dataDir, second.dataDir]) rmSync(dir, { recursive: true, force: true })
    }
  })
})
