// End to end: the AWS CLI v1 (botocore) with a shared-config profile of role_arn + source_profile + mfa_serial assumes
// an MFA-guarded role on Palisade, reading the MFA code it prompts for from standard input; a wrong code is refused.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import type { CliResult } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { createMfaUser, MFA_TRUST, type MfaUser } from './mfa-support.js'
import { ACCOUNT, createRole } from './sts-support.js'

// Debian's CLI v2 (2.9) cannot take an endpoint from config or environment (that came in 2.13); the v1 CLI from pip
// reads AWS_ENDPOINT_URL (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
const AWS_CLI_V1 = process.env['PALISADE_TEST_AWS_CLI_V1'] ?? '/root/.pyenv/shims/aws'
const IN_CI = process.env['CI'] === 'true'
/** CI must have the CLI: there a missing one fails the suite instead of skipping it. */
const runs = existsSync(AWS_CLI_V1) || IN_CI
const SUITE = 'a CLI profile with role_arn, source_profile and mfa_serial'

// Each run starts Python and botocore (about a second here); the suite allows for a slow, shared machine.
describe.runIf(runs)(runs ? SUITE : `${SUITE} (skipped: no AWS CLI v1 at ${AWS_CLI_V1}; set PALISADE_TEST_AWS_CLI_V1 or pip install awscli)`, { timeout: 60_000 }, () => {
  const clock = fixedClock(Date.now())
  let palisade: TestPalisade
  let mfa: MfaUser
  let roleArn: string
  let configDir: string
  const nextCode = () => mfa.nextCode()

  beforeAll(async () => {
    palisade = await startTestPalisade([], { clock })
    mfa = await createMfaUser(palisade, 'cli-profile-user', clock)
    roleArn = await createRole(palisade, 'CliNeedsMfa', { trust: MFA_TRUST })
    configDir = mkdtempSync(join(tmpdir(), 'palisade-cli-profile-'))
    writeFileSync(join(configDir, 'credentials'), [
      '[source]',
      `aws_access_key_id = ${mfa.user.credentials.accessKeyId}`,
      `aws_secret_access_key = ${mfa.user.credentials.secretAccessKey}`,
      '',
    ].join('\n'))
    writeFileSync(join(configDir, 'config'), [
      '[profile source]',
      'region = us-east-1',
      '[profile role]',
      `role_arn = ${roleArn}`,
      'source_profile = source',
      `mfa_serial = ${mfa.serial}`,
      'role_session_name = cli-mfa',
      'region = us-east-1',
      '',
    ].join('\n'))
  })
  afterAll(async () => {
    await palisade?.stop()
    if (configDir) rmSync(configDir, { recursive: true, force: true })
  })

  it('assumes the role with the MFA code typed at the prompt and calls as the session', async () => {
    const result = await awsCliV1(['sts', 'get-caller-identity', '--profile', 'role', '--output', 'json'], `${await nextCode()}\n`)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toContain(`Enter MFA code for ${mfa.serial}`)
    expect(JSON.parse(result.stdout)).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/CliNeedsMfa/cli-mfa` })
  })

  it('fails with AccessDenied when the code typed is wrong', async () => {
    const right = await nextCode()
    const result = await awsCliV1(['sts', 'get-caller-identity', '--profile', 'role'], `${right === '000000' ? '111111' : '000000'}\n`)
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('(AccessDenied) when calling the AssumeRole operation')
    expect(result.stderr).toContain('MultiFactorAuthentication failed with invalid MFA one time pass code.')
  })

  /**
   * Runs the v1 CLI with only the temporary config and credentials files, a fresh HOME (so no credential cache is
   * shared between runs), every endpoint at Palisade and a dead proxy for anything else, so no real AWS is reachable.
   * The child gets its own session (no controlling terminal), so Python's getpass reads the code from stdin.
   */
  function awsCliV1(args: readonly string[], stdin: string): Promise<CliResult> {
    const home = mkdtempSync(join(tmpdir(), 'palisade-cli-home-'))
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      AWS_CONFIG_FILE: join(configDir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(configDir, 'credentials'),
      AWS_ENDPOINT_URL: palisade.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_MAX_ATTEMPTS: '1',
      AWS_PAGER: '',
      HTTP_PROXY: 'http://127.0.0.1:9',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1,localhost',
    }
    if (process.env['PYENV_ROOT']) env['PYENV_ROOT'] = process.env['PYENV_ROOT']
    return new Promise((resolve, reject) => {
      const child = spawn(AWS_CLI_V1, args, { env, cwd: home, detached: true, stdio: ['pipe', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 60_000)
      child.on('error', (error) => {
        clearTimeout(timer)
        rmSync(home, { recursive: true, force: true })
        reject(error)
      })
      child.on('close', (code) => {
        clearTimeout(timer)
        rmSync(home, { recursive: true, force: true })
        resolve({ code: code ?? 1, stdout, stderr })
      })
      child.stdin.end(stdin)
    })
  }
})
