// The proof, driven with the real AWS CLI: a scenario (a user, role assumption, a denial, a KMS call, an S3
// upload with data events on) recorded by a validated trail; its bucket then holds log files and digests under
// AWS's key layout with the scenario's records, `palisade trail validate` passes, and fails after tampering.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { trailBucketPolicy } from './trails-e2e-support.js'

const ACCOUNT = '000000000000'
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/proof`
const LOGS = 'proof-trail-logs'
const DATA = 'proof-data'
const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname

/** The CLI's JSON output, read loosely. */
type Json = { readonly [key: string]: any }

interface TrailRecord {
  readonly eventName: string
  readonly eventSource: string
  readonly eventCategory: string
  readonly errorCode?: string
  readonly userIdentity: { readonly type: string; readonly arn?: string }
  readonly resources?: readonly { readonly ARN: string; readonly type: string }[]
}

describe.skipIf(!awsCliAvailable)('a validated trail recording a scenario driven by the AWS CLI', () => {
  let palisade: TestPalisade
  const dir = mkdtempSync(join(tmpdir(), 'palisade-trail-cli-'))
  let keys: string[]
  let records: TrailRecord[]

  const run = async (credentials: { accessKeyId: string; secretAccessKey: string }, ...args: string[]) => awsCli(palisade.url, credentials, args)
  const aws = async (...args: string[]) => {
    const result = await run(palisade.root, ...args)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    return (result.stdout === '' ? {} : JSON.parse(result.stdout)) as Json
  }
  /** Writes `content` to a file in the test directory; its path. */
  const file = (name: string, content: string | Uint8Array) => {
    const path = join(dir, name)
    writeFileSync(path, content)
    return path
  }
  /** `palisade trail validate` as its own process, with the credentials in its environment as a user would run it. */
  const validate = async () => {
    const args = ['trail', 'validate', '--trail-arn', TRAIL_ARN, '--start-time', new Date(Date.now() - 600_000).toISOString(), '--endpoint-url', palisade.url]
    const script = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(process.argv.slice(1), process.env)`
    const env = {
      PATH: process.env['PATH'], HOME: process.env['HOME'], NODE_NO_WARNINGS: '1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_ACCESS_KEY_ID: palisade.root.accessKeyId, AWS_SECRET_ACCESS_KEY: palisade.root.secretAccessKey,
    }
    return new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script, ...args], { env }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: stdout + stderr })
      })
    })
  }

  beforeAll(async () => {
    palisade = await startTestPalisade()
    await aws('s3api', 'create-bucket', '--bucket', LOGS)
    await aws('s3api', 'put-bucket-policy', '--bucket', LOGS, '--policy', 'file://' + file('policy.json', trailBucketPolicy(LOGS, ACCOUNT, 'proof')))
    await aws('s3api', 'create-bucket', '--bucket', DATA)
    await aws('cloudtrail', 'create-trail', '--name', 'proof', '--s3-bucket-name', LOGS, '--enable-log-file-validation')
    await aws('cloudtrail', 'put-event-selectors', '--trail-name', 'proof', '--event-selectors', 'file://' + file('selectors.json', JSON.stringify([
      { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${DATA}/`] }] },
    ])))
    await aws('cloudtrail', 'start-logging', '--name', 'proof')

    // The scenario: a user who may only assume a role, the role assumed, a denied call, a KMS key used, an upload.
    await aws('iam', 'create-user', '--user-name', 'alice')
    await aws('iam', 'put-user-policy', '--user-name', 'alice', '--policy-name', 'assume', '--policy-document', 'file://' + file('alice.json', JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/uploader` }],
    })))
    const key = (await aws('iam', 'create-access-key', '--user-name', 'alice')).AccessKey
    const alice = { accessKeyId: key.AccessKeyId as string, secretAccessKey: key.SecretAccessKey as string }
    await aws('iam', 'create-role', '--role-name', 'uploader', '--assume-role-policy-document', 'file://' + file('trust.json', JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` }, Action: 'sts:AssumeRole' }],
    })))
    const assumed = await run(alice, 'sts', 'assume-role', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/uploader`, '--role-session-name', 'proof-session')
    expect(assumed.code).toBe(0)
    const denied = await run(alice, 'iam', 'list-users')
    expect(denied.stderr).toContain('AccessDenied')
    const created = await aws('kms', 'create-key', '--description', 'proof key')
    await aws('kms', 'encrypt', '--key-id', created.KeyMetadata.KeyId, '--plaintext', 'aGVsbG8=')
    await aws('s3api', 'put-object', '--bucket', DATA, '--key', 'reports/q4.txt', '--body', file('q4.txt', 'quarterly numbers'))
    await aws('cloudtrail', 'stop-logging', '--name', 'proof')

    keys = ((await aws('s3api', 'list-objects-v2', '--bucket', LOGS)).Contents as { Key: string }[]).map((object) => object.Key).sort()
    records = []
    for (const logFile of keys.filter((name) => name.includes('/CloudTrail/'))) {
      const local = join(dir, 'log.json.gz')
      await aws('s3api', 'get-object', '--bucket', LOGS, '--key', logFile, local)
      records.push(...(JSON.parse(gunzipSync(readFileSync(local)).toString()) as { Records: TrailRecord[] }).Records)
    }
  })
  afterAll(async () => {
    await palisade.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('delivers log files and a digest under AWS key layout', () => {
    const date = new Date().toISOString().slice(0, 10).replace(/-/g, '/')
    const logFile = new RegExp(`^AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/${date}/${ACCOUNT}_CloudTrail_us-east-1_\\d{8}T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz$`)
    const digest = new RegExp(`^AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/${date}/${ACCOUNT}_CloudTrail-Digest_us-east-1_proof_us-east-1_\\d{8}T\\d{6}Z\\.json\\.gz$`)
    expect(keys.filter((key) => logFile.test(key)).length).toBeGreaterThan(0)
    expect(keys.filter((key) => digest.test(key))).toHaveLength(1)
    expect(keys.every((key) => logFile.test(key) || digest.test(key))).toBe(true)
  })

  it('holds the scenario records: the user, the role assumption, the denial, the KMS calls and the S3 data event', () => {
    const find = (eventName: string) => records.find((record) => record.eventName === eventName)
    expect(find('CreateUser')).toMatchObject({ eventSource: 'iam.amazonaws.com', userIdentity: { type: 'Root' } })
    expect(find('AssumeRole')).toMatchObject({ eventSource: 'sts.amazonaws.com', userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice` } })
    expect(find('ListUsers')).toMatchObject({ errorCode: 'AccessDenied', userIdentity: { arn: `arn:aws:iam::${ACCOUNT}:user/alice` } })
    expect(find('CreateKey')).toMatchObject({ eventSource: 'kms.amazonaws.com' })
    expect(find('Encrypt')).toMatchObject({ eventSource: 'kms.amazonaws.com' })
    expect(find('PutObject')).toMatchObject({ eventSource: 's3.amazonaws.com', eventCategory: 'Data' })
    expect(find('PutObject')!.resources).toContainEqual(expect.objectContaining({ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${DATA}/reports/q4.txt` }))
    expect(JSON.stringify(records)).not.toContain('quarterly numbers')
    expect(JSON.stringify(records)).not.toContain(palisade.root.secretAccessKey)
  })

  it('validates, then reports the log file changed through S3', async () => {
    const valid = await validate()
    expect(valid.stdout).toContain('1/1 digest files valid')
    expect(valid.code).toBe(0)

    const logFile = keys.find((key) => key.includes('/CloudTrail/'))!
    await aws('s3api', 'put-object', '--bucket', LOGS, '--key', logFile, '--body', file('forged.json.gz', gzipSync('{"Records":[]}')))
    const tampered = await validate()
    expect(tampered.stdout).toContain(`Log file\ts3://${LOGS}/${logFile}\tINVALID: hash value doesn't match`)
    expect(tampered.code).toBe(1)
  })
})
