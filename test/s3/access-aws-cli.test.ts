// S3 access control and encryption through the real AWS CLI v2: Block Public Access and a public policy
// (s3api), anonymous curl-style reads, SSE-KMS and SSE-C copies (aws s3 cp). (The CLI sends s3control calls to
// <account>.<endpoint host>, a name loopback does not have; test/s3/access-account-block.test.ts covers it with the SDK.)
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

let server: TestPalisade
let work: string
const cli = (...args: string[]) => awsCli(server.url, server.root, args)
const json = (text: string) => JSON.parse(text) as Record<string, any>

describe.runIf(awsCliAvailable)('AWS CLI: S3 access control and encryption', () => {
  beforeAll(async () => {
    server = await startTestPalisade()
    work = mkdtempSync(join(tmpdir(), 'palisade-cli-sec-'))
  })
  afterAll(async () => {
    await server.stop()
    rmSync(work, { recursive: true, force: true })
  })

  it('keeps a new bucket private, refuses a public policy under Block Public Access, and serves it anonymously once the block is gone', async () => {
    expect((await cli('s3', 'mb', 's3://cli-public')).code).toBe(0)
    const file = join(work, 'page.html')
    writeFileSync(file, '<p>public page</p>')
    expect((await cli('s3', 'cp', file, 's3://cli-public/page.html')).code).toBe(0)
    const block = json((await cli('s3api', 'get-public-access-block', '--bucket', 'cli-public')).stdout)
    expect(block['PublicAccessBlockConfiguration']).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true })
    expect((await fetch(`${server.url}/cli-public/page.html`)).status).toBe(403)

    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::cli-public/*' }] })
    const refused = await cli('s3api', 'put-bucket-policy', '--bucket', 'cli-public', '--policy', policy)
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain('AccessDenied')
    expect((await cli('s3api', 'delete-public-access-block', '--bucket', 'cli-public')).code).toBe(0)
    expect((await cli('s3api', 'put-bucket-policy', '--bucket', 'cli-public', '--policy', policy)).code).toBe(0)
    expect(json((await cli('s3api', 'get-bucket-policy-status', '--bucket', 'cli-public')).stdout)['PolicyStatus']).toEqual({ IsPublic: true })
    const page = await fetch(`${server.url}/cli-public/page.html`)
    expect(page.status).toBe(200)
    expect(await page.text()).toBe('<p>public page</p>')
  })

  it('copies a file up under SSE-KMS with a KMS key and reports it on the object', async () => {
    const keyArn = json((await cli('kms', 'create-key', '--description', 'cli sse-kms')).stdout)['KeyMetadata']['Arn'] as string
    expect((await cli('s3', 'mb', 's3://cli-kms')).code).toBe(0)
    const file = join(work, 'kms.txt')
    writeFileSync(file, 'kms protected')
    const up = await cli('s3', 'cp', file, 's3://cli-kms/kms.txt', '--sse', 'aws:kms', '--sse-kms-key-id', keyArn)
    expect(up.code).toBe(0)
    const head = json((await cli('s3api', 'head-object', '--bucket', 'cli-kms', '--key', 'kms.txt')).stdout)
    expect(head['ServerSideEncryption']).toBe('aws:kms')
    expect(head['SSEKMSKeyId']).toBe(keyArn)
    const back = join(work, 'kms-back.txt')
    expect((await cli('s3', 'cp', 's3://cli-kms/kms.txt', back)).code).toBe(0)
    expect(readFileSync(back, 'utf8')).toBe('kms protected')
  })

  it('round-trips a file with a customer key (SSE-C, over HTTPS) and refuses it with another', async () => {
    const tls = await startTestPalisade(['--tls'])
    const cli = (...args: string[]) => awsCli(tls.url, tls.root, ['--ca-bundle', join(tls.dataDir, 'tls-cert.pem'), ...args])
    try {
      expect((await cli('s3', 'mb', 's3://cli-ssec')).code).toBe(0)
      const key = join(work, 'customer.key')
      const other = join(work, 'other.key')
      writeFileSync(key, randomBytes(32))
      writeFileSync(other, randomBytes(32))
      const file = join(work, 'ssec.txt')
      writeFileSync(file, 'customer keyed')
      expect((await cli('s3', 'cp', file, 's3://cli-ssec/ssec.txt', '--sse-c', 'AES256', '--sse-c-key', `fileb://${key}`)).code).toBe(0)
      const back = join(work, 'ssec-back.txt')
      expect((await cli('s3', 'cp', 's3://cli-ssec/ssec.txt', back, '--sse-c', 'AES256', '--sse-c-key', `fileb://${key}`)).code).toBe(0)
      expect(readFileSync(back, 'utf8')).toBe('customer keyed')
      const wrong = await cli('s3', 'cp', 's3://cli-ssec/ssec.txt', join(work, 'wrong.txt'), '--sse-c', 'AES256', '--sse-c-key', `fileb://${other}`)
      expect(wrong.code).not.toBe(0)
      expect(wrong.stderr).toMatch(/403|Forbidden|AccessDenied/)
    } finally {
      await tls.stop()
    }
  })
})
