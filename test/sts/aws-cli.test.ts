// The real AWS CLI against STS: get-session-token, assume-role, and calls signed with the temporary credentials
// they return (AWS_SESSION_TOKEN). A shared-config profile with role_arn + source_profile is not tested: this CLI
// (2.9) sends the source profile's AssumeRole to AWS itself, since it reads no endpoint from configuration.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AWS_CLI, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import type { TestUser } from '../iam/enforcement-support.js'
import { ACCOUNT, allowUserToAssumeRoles, createRole, createTestUser, type SigningCredentials } from './sts-support.js'

async function cli(palisade: TestPalisade, credentials: SigningCredentials, args: readonly string[]): Promise<Record<string, any>> {
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken !== undefined && { AWS_SESSION_TOKEN: credentials.sessionToken }),
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
  }
  const { stdout } = await promisify(execFile)(AWS_CLI, ['--endpoint-url', palisade.url, '--output', 'json', ...args], { env })
  return JSON.parse(stdout) as Record<string, any>
}

const fromCli = (credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }): SigningCredentials =>
  ({ accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken })

describe.runIf(awsCliAvailable)('STS through the AWS CLI', () => {
  let palisade: TestPalisade
  let user: TestUser
  beforeAll(async () => {
    palisade = await startTestPalisade()
    user = await createTestUser(palisade, 'cli-user')
    await allowUserToAssumeRoles(palisade, user.name)
  })
  afterAll(() => palisade.stop())

  it('gets a session token whose credentials sign as the user', async () => {
    const { Credentials } = await cli(palisade, user.credentials, ['sts', 'get-session-token', '--duration-seconds', '900'])
    expect(Credentials.AccessKeyId).toMatch(/^ASIA/)
    const identity = await cli(palisade, fromCli(Credentials), ['sts', 'get-caller-identity'])
    expect(identity.Arn).toBe(user.arn)
  })

  it('assumes a role, and the session signs as it', async () => {
    const roleArn = await createRole(palisade, 'CliRole')
    const answer = await cli(palisade, user.credentials, ['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'cli', '--tags', 'Key=team,Value=blue'])
    expect(answer.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/CliRole/cli`)
    expect(answer.PackedPolicySize).toBeGreaterThan(0)
    const identity = await cli(palisade, fromCli(answer.Credentials), ['sts', 'get-caller-identity'])
    expect(identity).toMatchObject({ Arn: answer.AssumedRoleUser.Arn, UserId: answer.AssumedRoleUser.AssumedRoleId, Account: ACCOUNT })
  })
})
