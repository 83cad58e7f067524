// End to end as a new user does it: `palisade serve` in its own process, first-start credentials, the real AWS CLI.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startServeProcess, type ServeProcess } from '../support/serve-process.js'

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

describe.skipIf(!awsCliAvailable)('palisade serve with the AWS CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'palisade-serve-'))
  let first: ServeProcess
  let secrets: { accountId: string; accessKeyId: string; secretAccessKey: string; consolePassword: string }

  beforeAll(async () => {
    first = await startServeProcess(['--port', '0', '--data-dir', dataDir])
    secrets = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8'))
  })
  afterAll(() => {
    first.child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('prints the account and root credentials once, and keeps them in a 0600 file', () => {
    expect(secrets.accountId).toBe('000000000000')
    expect(secrets.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/)
    expect(secrets.secretAccessKey).toHaveLength(40)
    expect(first.stdout()).toContain(secrets.accessKeyId)
    expect(first.stdout()).toContain(secrets.secretAccessKey)
    expect(first.stdout()).toContain(secrets.consolePassword)
    expect(statSync(join(dataDir, 'root-credentials.json')).mode & 0o777).toBe(0o600)
  })

  it('answers `aws sts get-caller-identity` with the root ARN', async () => {
    const result = await awsCli(first.url, secrets, ['sts', 'get-caller-identity'])
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({ UserId: '000000000000', Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root' })
  })

  it('shows the CLI the AWS error for a wrong secret', async () => {
    const result = await awsCli(first.url, { ...secrets, secretAccessKey: 'x'.repeat(40) }, ['sts', 'get-caller-identity'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('(SignatureDoesNotMatch)')
  })

  it('shuts down cleanly on SIGTERM, and a restart keeps the account without printing secrets again', async () => {
    first.child.kill('SIGTERM')
    expect(await exitCode(first.child)).toBe(0)
    const second = await startServeProcess(['--port', '0', '--data-dir', dataDir])
    try {
      expect(second.stdout()).not.toContain(secrets.secretAccessKey)
      const result = await awsCli(second.url, secrets, ['sts', 'get-caller-identity'])
      expect(JSON.parse(result.stdout)).toMatchObject({ Arn: 'arn:aws:iam::000000000000:root' })
    } finally {
      second.child.kill('SIGTERM')
      await exitCode(second.child)
    }
  })
})
