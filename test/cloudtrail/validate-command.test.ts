// `palisade trail validate` against a started Palisade: a validated trail's files pass, then a modified log file, a
// deleted log file and a removed digest are each reported, with exit code 1.
import { CreateTrailCommand, StartLoggingCommand, StopLoggingCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail'
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam'
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trailValidateCommand } from '../../src/cli/trail-validate-command.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { cloudTrailClient, listKeys, s3Client, trailBucket } from './trails-e2e-support.js'

const ACCOUNT = '000000000000'
const BUCKET = 'validated-bucket'
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/validated`

describe('palisade trail validate', () => {
  let palisade: TestPalisade
  let cloudtrail: CloudTrailClient
  let s3: S3Client
  let started: Date
  let logFiles: string[]
  let digests: string[]

  beforeAll(async () => {
    palisade = await startTestPalisade()
    cloudtrail = cloudTrailClient(palisade)
    s3 = s3Client(palisade)
    const iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
    started = new Date(Date.now() - 60_000)
    await trailBucket(s3, BUCKET, ACCOUNT, 'validated')
    await cloudtrail.send(new CreateTrailCommand({ Name: 'validated', S3BucketName: BUCKET, EnableLogFileValidation: true }))
    // Two logging periods: each StopLogging writes the log file and a digest, the second chained to the first.
    for (const user of ['first-user', 'second-user']) {
      await cloudtrail.send(new StartLoggingCommand({ Name: 'validated' }))
      await iam.send(new CreateUserCommand({ UserName: user }))
      await cloudtrail.send(new StopLoggingCommand({ Name: 'validated' }))
    }
    logFiles = await listKeys(s3, BUCKET, `AWSLogs/${ACCOUNT}/CloudTrail/`)
    digests = await listKeys(s3, BUCKET, `AWSLogs/${ACCOUNT}/CloudTrail-Digest/`)
  })
  afterAll(() => palisade.stop())

  const validate = async (...extra: string[]) => {
    let stdout = ''
    let stderr = ''
    const env = { AWS_ACCESS_KEY_ID: palisade.root.accessKeyId, AWS_SECRET_ACCESS_KEY: palisade.root.secretAccessKey }
    const code = await trailValidateCommand(['--trail-arn', TRAIL_ARN, '--start-time', started.toISOString(), '--endpoint-url', palisade.url, ...extra], env, {
      stdout: (text) => { stdout += text }, stderr: (text) => { stderr += text }, now: () => new Date(Date.now() + 60_000),
    })
    return { code, stdout, stderr }
  }

  it('finds every digest and log file valid', async () => {
    expect(digests).toHaveLength(2)
    expect(logFiles.length).toBeGreaterThanOrEqual(2)
    const result = await validate('--verbose')
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain(`Validating log files for trail ${TRAIL_ARN}`)
    expect(result.stdout).toContain('2/2 digest files valid\n')
    expect(result.stdout).toContain(`${logFiles.length}/${logFiles.length} log files valid\n`)
    expect(result.stdout).toContain(`Digest file\ts3://${BUCKET}/${digests[0]}\tvalid`)
    expect(result.code).toBe(0)
  })

  it('reports a modified log file, a deleted log file and a removed digest, and exits 1', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: logFiles[0], Body: gzipSync('{"Records":[]}') }))
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: logFiles.at(-1) }))
    const tampered = await validate()
    expect(tampered.stdout).toContain(`Log file\ts3://${BUCKET}/${logFiles[0]}\tINVALID: hash value doesn't match`)
    expect(tampered.stdout).toContain(`Log file\ts3://${BUCKET}/${logFiles.at(-1)}\tINVALID: not found`)
    expect(tampered.code).toBe(1)

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: digests[0] }))
    const broken = await validate()
    expect(broken.stdout).toContain(`Digest file\ts3://${BUCKET}/${digests[0]}\tINVALID: not found`)
    expect(broken.stdout).toContain('Digest chain broken')
    expect(broken.code).toBe(1)
  })

  it('refuses a missing --start-time with exit code 2', async () => {
    let stderr = ''
    const code = await trailValidateCommand(['--trail-arn', TRAIL_ARN], {}, { stdout: () => {}, stderr: (text) => { stderr += text }, now: () => new Date() })
    expect(code).toBe(2)
    expect(stderr).toContain('`--start-time` is required')
  })
})
