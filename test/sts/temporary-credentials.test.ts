// End to end: temporary credentials from GetSessionToken and GetFederationToken — who they sign as, that their
// token cannot be altered or left out, that they expire, and that they survive a restart.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetUserCommand, IAMClient } from '@aws-sdk/client-iam'
import {
  AssumeRoleCommand,
  GetAccessKeyInfoCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
} from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPalisade } from '../../src/app/start-palisade.js'
import { readConfig } from '../../src/config/config.js'
import { fixedClock } from '../../src/core/clock.js'
import { silentLogger } from '../../src/core/logger.js'
import { startTestPalisade, TEST_ROOT_ACCESS_KEY_ID, TEST_ROOT_SECRET_ACCESS_KEY, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allowUserToAssumeRoles, createRole, createTestUser, expectDenied, signingCredentials, stsClient, type SigningCredentials } from './sts-support.js'

describe('GetSessionToken', () => {
  let palisade: TestPalisade
  beforeAll(async () => { palisade = await startTestPalisade() })
  afterAll(() => palisade.stop())

  it('gives an IAM user ASIA credentials for 12 hours by default that sign as the user', async () => {
    const user = await createTestUser(palisade, 'sam')
    const before = Date.now()
    const { Credentials } = await stsClient(palisade, user.credentials).send(new GetSessionTokenCommand({}))
    expect(Credentials!.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/)
    expect(Credentials!.SecretAccessKey).toHaveLength(40)
    expect(Credentials!.Expiration!.getTime() - before).toBeGreaterThan(43_200_000 - 60_000)
    expect(Credentials!.Expiration!.getTime() - before).toBeLessThanOrEqual(43_200_000 + 1000)
    const identity = await stsClient(palisade, signingCredentials(Credentials)).send(new GetCallerIdentityCommand({}))
    expect(identity).toMatchObject({ Arn: user.arn, Account: ACCOUNT, UserId: expect.stringMatching(/^AIDA/) })
  })

  it('caps the root user at one hour and signs as root', async () => {
    const before = Date.now()
    const { Credentials } = await stsClient(palisade).send(new GetSessionTokenCommand({ DurationSeconds: 7200 }))
    expect(Credentials!.Expiration!.getTime() - before).toBeLessThanOrEqual(3_600_000 + 1000)
    const identity = await stsClient(palisade, signingCredentials(Credentials)).send(new GetCallerIdentityCommand({}))
    expect(identity).toMatchObject({ Arn: `arn:aws:iam::${ACCOUNT}:root`, UserId: ACCOUNT })
  })

  it('refuses session credentials asking for another session', async () => {
    const { Credentials } = await stsClient(palisade).send(new GetSessionTokenCommand({}))
    await expectDenied(stsClient(palisade, signingCredentials(Credentials)).send(new GetSessionTokenCommand({})), 'Cannot call GetSessionToken with session credentials')
  })

  it('acts as the user, and without MFA may not call IAM at all (InvalidClientTokenId, as AWS answers)', async () => {
    const user = await createTestUser(palisade, 'ursula')
    const { Credentials } = await stsClient(palisade, user.credentials).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))
    const session = signingCredentials(Credentials)
    expect(await stsClient(palisade, session).send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: user.arn })
    const iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: session, maxAttempts: 1 })
    await expect(iam.send(new GetUserCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } })
  })
})

describe('session tokens', () => {
  let palisade: TestPalisade
  let session: SigningCredentials
  beforeAll(async () => {
    palisade = await startTestPalisade()
    session = signingCredentials((await stsClient(palisade).send(new GetSessionTokenCommand({}))).Credentials)
  })
  afterAll(() => palisade.stop())

  const invalid = { name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.', $metadata: { httpStatusCode: 403 } }

  it.each([
    { name: 'an altered token', change: (token: string) => token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA') },
    { name: 'a truncated token', change: (token: string) => token.slice(0, 20) },
    { name: 'another session\'s token', change: () => 'x'.repeat(88) },
  ])('rejects $name with InvalidClientTokenId', async ({ change }) => {
    const client = stsClient(palisade, { ...session, sessionToken: change(session.sessionToken!) })
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject(invalid)
  })

  it('rejects temporary credentials signed without their token', async () => {
    const client = stsClient(palisade, { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey })
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject(invalid)
  })

  it('rejects a long-term key sent with a session token', async () => {
    const client = stsClient(palisade, { ...palisade.root, sessionToken: session.sessionToken! })
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject(invalid)
  })

  it('rejects one session\'s token with another session\'s key', async () => {
    const other = signingCredentials((await stsClient(palisade).send(new GetSessionTokenCommand({}))).Credentials)
    const client = stsClient(palisade, { ...other, sessionToken: session.sessionToken! })
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject(invalid)
  })
})

describe('expiry', () => {
  const clock = fixedClock(Date.now())
  let palisade: TestPalisade
  beforeAll(async () => { palisade = await startTestPalisade([], { clock }) })
  afterAll(() => palisade.stop())

  it('accepts the credentials until their expiry and answers ExpiredToken from then on', async () => {
    const { Credentials } = await stsClient(palisade).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))
    const offset = () => clock.now().getTime() - Date.now() // sign with the server's time, as the SDK learns to
    clock.advance(899_000)
    await expect(stsClient(palisade, signingCredentials(Credentials), { systemClockOffset: offset() }).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Account: ACCOUNT })
    clock.advance(1_000)
    await expect(stsClient(palisade, signingCredentials(Credentials), { systemClockOffset: offset() }).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'ExpiredToken',
      message: 'The security token included in the request is expired',
      $metadata: { httpStatusCode: 400 },
    })
  })
})

describe('sessions across a restart', () => {
  it('keeps accepting credentials issued before the server restarted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'palisade-sts-restart-'))
    const config = readConfig(['--port', '0', '--data-dir', dataDir, '--root-access-key-id', TEST_ROOT_ACCESS_KEY_ID, '--root-secret-access-key', TEST_ROOT_SECRET_ACCESS_KEY], {})
    const root = { accessKeyId: TEST_ROOT_ACCESS_KEY_ID, secretAccessKey: TEST_ROOT_SECRET_ACCESS_KEY }
    try {
      const first = await startPalisade(config, { log: silentLogger })
      const { Credentials } = await stsClient({ ...first, root } as unknown as TestPalisade).send(new GetSessionTokenCommand({}))
      await first.close()
      const second = await startPalisade(config, { log: silentLogger })
      try {
        const identity = await stsClient({ ...second, root } as unknown as TestPalisade, signingCredentials(Credentials)).send(new GetCallerIdentityCommand({}))
        expect(identity.Arn).toBe(`arn:aws:iam::${ACCOUNT}:root`)
      } finally {
        await second.close()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('sessions and a data reset', () => {
  it('forgets every session when all data is reset', async () => {
    const palisade = await startTestPalisade(['--allow-reset'])
    try {
      const session = signingCredentials((await stsClient(palisade).send(new GetSessionTokenCommand({}))).Credentials)
      await stsClient(palisade, session).send(new GetCallerIdentityCommand({}))
      expect((await fetch(`${palisade.url}/_palisade/reset`, { method: 'POST' })).ok).toBe(true)
      await expect(stsClient(palisade, session).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' })
    } finally {
      await palisade.stop()
    }
  })
})

describe('GetFederationToken', () => {
  let palisade: TestPalisade
  beforeAll(async () => { palisade = await startTestPalisade() })
  afterAll(() => palisade.stop())

  it('signs as arn:aws:sts::ACCOUNT:federated-user/NAME with user id ACCOUNT:NAME', async () => {
    const user = await createTestUser(palisade, 'fed-issuer')
    await allowUserToAssumeRoles(palisade, user.name)
    const answer = await stsClient(palisade, user.credentials).send(new GetFederationTokenCommand({ Name: 'Bob', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }))
    expect(answer.FederatedUser).toEqual({ Arn: `arn:aws:sts::${ACCOUNT}:federated-user/Bob`, FederatedUserId: `${ACCOUNT}:Bob` })
    expect(answer.PackedPolicySize).toBeGreaterThan(0)
    expect(answer.PackedPolicySize).toBeLessThan(100)
    const identity = await stsClient(palisade, signingCredentials(answer.Credentials)).send(new GetCallerIdentityCommand({}))
    expect(identity).toMatchObject({ Arn: `arn:aws:sts::${ACCOUNT}:federated-user/Bob`, UserId: `${ACCOUNT}:Bob`, Account: ACCOUNT })
  })

  it('is denied to a user whose policies do not allow sts:GetFederationToken', async () => {
    const user = await createTestUser(palisade, 'no-fed')
    await expectDenied(stsClient(palisade, user.credentials).send(new GetFederationTokenCommand({ Name: 'Eve' })), 'sts:GetFederationToken on resource: arn:aws:sts::000000000000:federated-user/Eve')
  })

  it('refuses a malformed session policy with MalformedPolicyDocument', async () => {
    await expect(stsClient(palisade).send(new GetFederationTokenCommand({ Name: 'Bob', Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}' }))).rejects.toMatchObject({
      name: 'MalformedPolicyDocumentException',
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('does not let a federated user assume a role or get another token', async () => {
    const roleArn = await createRole(palisade, 'fed-target')
    const { Credentials } = await stsClient(palisade).send(new GetFederationTokenCommand({ Name: 'Carol' }))
    const federated = stsClient(palisade, signingCredentials(Credentials))
    await expectDenied(federated.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'session' })))
    await expectDenied(federated.send(new GetFederationTokenCommand({ Name: 'Dave' })))
  })
})

describe('GetAccessKeyInfo', () => {
  let palisade: TestPalisade
  beforeAll(async () => { palisade = await startTestPalisade() })
  afterAll(() => palisade.stop())

  it('names the account of a user key, the root key and a temporary key, to any caller', async () => {
    const user = await createTestUser(palisade, 'keys')
    const { Credentials } = await stsClient(palisade).send(new GetSessionTokenCommand({}))
    const asUser = stsClient(palisade, user.credentials)
    for (const accessKeyId of [user.credentials.accessKeyId, palisade.root.accessKeyId, Credentials!.AccessKeyId!]) {
      expect((await asUser.send(new GetAccessKeyInfoCommand({ AccessKeyId: accessKeyId }))).Account).toBe(ACCOUNT)
    }
  })

  it('refuses a key id this server never issued', async () => {
    await expect(stsClient(palisade).send(new GetAccessKeyInfoCommand({ AccessKeyId: 'AKIAUNKNOWNUNKNOWN00' }))).rejects.toMatchObject({ name: 'InvalidParameterValue' })
  })
})
