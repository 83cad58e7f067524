// The real AWS CLI (botocore's signer) against a loopback server that only verifies its signatures.
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY } from './support/sdk-signer.js'
import { startVerifyingServer, type VerifyingServer } from './support/verifying-server.js'

const run = promisify(execFile)
const cliInstalled = spawnSync('aws', ['--version']).status === 0
if (!cliInstalled) console.warn('test/sigv4/aws-cli.test.ts: skipped, no `aws` command on PATH')

describe.skipIf(!cliInstalled)('the AWS CLI signs requests that verify', () => {
  let server: VerifyingServer
  const dir = mkdtempSync(join(tmpdir(), 'palisade-sigv4-cli-'))
  const upload = join(dir, 'upload.bin')
  const s3v4Config = join(dir, 'config')

  beforeAll(async () => {
    server = await startVerifyingServer(() => new Date(Date.now()))
    writeFileSync(upload, Buffer.alloc(70_000, 'x'))
    writeFileSync(s3v4Config, '[default]\ns3 =\n  signature_version = s3v4\n')
  })
  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function aws(args: string[], configFile = '/dev/null'): Promise<string> {
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: dir,
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
    }
    const { stdout } = await run('aws', ['--endpoint-url', server.endpoint, ...args], { env })
    return stdout.trim()
  }

  it('aws iam list-users', async () => {
    server.verdicts.length = 0
    await aws(['iam', 'list-users'])
    expect(server.verdicts).toEqual([expect.objectContaining({ method: 'POST', form: 'header', payload: 'Action=ListUsers&Version=2010-05-08' })])
  })

  it('aws s3 cp of a 70 KB file to a key with a space', async () => {
    server.verdicts.length = 0
    await aws(['s3', 'cp', upload, 's3://bucket/dir/cli upload.bin'])
    expect(server.verdicts).toHaveLength(1)
    expect(server.verdicts[0]).toMatchObject({ method: 'PUT', form: 'header' })
    expect(server.verdicts[0]?.payload).toBe('x'.repeat(70_000))
  })

  it('aws s3 presign with signature_version s3v4, then a GET of the URL', async () => {
    server.verdicts.length = 0
    const url = await aws(['s3', 'presign', 's3://bucket/a b.txt', '--expires-in', '60'], s3v4Config)
    expect(url).toContain('X-Amz-Algorithm=AWS4-HMAC-SHA256')
    await (await fetch(url)).arrayBuffer()
    expect(server.verdicts).toEqual([expect.objectContaining({ method: 'GET', form: 'query' })])
  })

  it('refuses the Signature Version 2 URL of a default aws s3 presign', async () => {
    server.verdicts.length = 0
    const url = await aws(['s3', 'presign', 's3://bucket/a b.txt', '--expires-in', '60'])
    await (await fetch(url)).arrayBuffer()
    expect(server.verdicts).toEqual([
      { method: 'GET', error: 'InvalidRequest: The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.' },
    ])
  })
})
