// End to end: sts:AssumeRole — the session's identity, role chaining, durations, session policies and tags, source
// identity, MFA, and the SDK's fromTemporaryCredentials provider. (Trust-policy and session-policy decisions are
// in trust.test.ts and session-authorization.test.ts.)
import { randomBytes } from 'node:crypto'
import { CreateVirtualMFADeviceCommand, DeleteRoleCommand, DeleteRolePolicyCommand, EnableMFADeviceCommand, IAMClient, ListRolesCommand, ListUsersCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts'
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers'
import { generate } from 'otplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import {
  ACCOUNT,
  allow,
  allowUserToAssumeRoles,
  createRole,
  createTestUser,
  expectDenied,
  rootClient,
  signingCredentials,
  stsClient,
  type SigningCredentials,
} from './sts-support.js'
import type { TestUser } from '../iam/enforcement-support.js'

const ASSUME_ANY = allow(['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'])

describe('AssumeRole', () => {
  let palisade: TestPalisade
  let user: TestUser
  let roleArn: string
  beforeAll(async () => {
    palisade = await startTestPalisade()
    user = await createTestUser(palisade, 'alice')
    await allowUserToAssumeRoles(palisade, user.name)
    roleArn = await createRole(palisade, 'Reader', { path: '/team/', permissions: allow('iam:ListRoles'), maxSessionDuration: 7200 })
  })
  afterAll(() => palisade.stop())

  const assume = (credentials: SigningCredentials, input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {}) =>
    stsClient(palisade, credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'alice-session', ...input }))

  it('answers the session ARN without the role path and ROLEID:SESSION, and the session signs as it', async () => {
    expect(roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/team/Reader`)
    const answer = await assume(user.credentials)
    expect(answer.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Reader/alice-session`)
    expect(answer.AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA[A-Z0-9]{17}:alice-session$/)
    expect(answer.Credentials!.AccessKeyId).toMatch(/^ASIA/)
    expect(answer.PackedPolicySize).toBeUndefined()
    const identity = await stsClient(palisade, signingCredentials(answer.Credentials)).send(new GetCallerIdentityCommand({}))
    expect(identity).toEqual(expect.objectContaining({ Arn: answer.AssumedRoleUser!.Arn, UserId: answer.AssumedRoleUser!.AssumedRoleId, Account: ACCOUNT }))
  })

  it('gives the session the role\'s permissions and none of the caller\'s', async () => {
    await rootClient(palisade).send(new PutUserPolicyCommand({ UserName: user.name, PolicyName: 'users', PolicyDocument: allow('iam:ListUsers') }))
    await user.client.send(new ListUsersCommand({}))
    const session = signingCredentials((await assume(user.credentials)).Credentials)
    const iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: session, maxAttempts: 1 })
    await iam.send(new ListRolesCommand({}))
    await expectDenied(iam.send(new ListUsersCommand({})), `User: arn:aws:sts::${ACCOUNT}:assumed-role/Reader/alice-session is not authorized to perform: iam:ListUsers`)
  })

  it('lasts one hour by default and up to the role\'s MaxSessionDuration', async () => {
    const before = Date.now()
    const byDefault = await assume(user.credentials)
    expect(byDefault.Credentials!.Expiration!.getTime() - before).toBeLessThanOrEqual(3_600_000 + 1000)
    expect(byDefault.Credentials!.Expiration!.getTime() - before).toBeGreaterThan(3_600_000 - 60_000)
    const longest = await assume(user.credentials, { DurationSeconds: 7200 })
    expect(longest.Credentials!.Expiration!.getTime() - before).toBeGreaterThan(7_200_000 - 60_000)
    await expect(assume(user.credentials, { DurationSeconds: 7201 })).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    })
  })

  it('refuses the root user with AWS\'s text', async () => {
    await expectDenied(assume(palisade.root), /^Roles may not be assumed by root accounts\.$/)
  })

  it('denies a role that does not exist, or an ARN with the wrong path', async () => {
    await expectDenied(assume(user.credentials, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/Missing` }))
    await expectDenied(assume(user.credentials, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/Reader` }))
  })

  it('ends with the role: a deleted role\'s sessions are denied', async () => {
    const arn = await createRole(palisade, 'Doomed', { permissions: allow('iam:ListRoles') })
    const session = signingCredentials((await assume(user.credentials, { RoleArn: arn })).Credentials)
    const iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: session, maxAttempts: 1 })
    await iam.send(new ListRolesCommand({}))
    await rootClient(palisade).send(new DeleteRolePolicyCommand({ RoleName: 'Doomed', PolicyName: 'permissions' }))
    await rootClient(palisade).send(new DeleteRoleCommand({ RoleName: 'Doomed' }))
    await expectDenied(iam.send(new ListRolesCommand({})))
  })

  it('refuses a deleted role\'s sessions even after a new role takes its name', async () => {
    const arn = await createRole(palisade, 'Reborn', { permissions: allow('iam:ListRoles') })
    const session = signingCredentials((await assume(user.credentials, { RoleArn: arn })).Credentials)
    await rootClient(palisade).send(new DeleteRolePolicyCommand({ RoleName: 'Reborn', PolicyName: 'permissions' }))
    await rootClient(palisade).send(new DeleteRoleCommand({ RoleName: 'Reborn' }))
    await createRole(palisade, 'Reborn', { permissions: allow('iam:ListRoles') })
    const iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: session, maxAttempts: 1 })
    await expect(iam.send(new ListRolesCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' })
    const fresh = signingCredentials((await assume(user.credentials, { RoleArn: arn })).Credentials)
    await new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: fresh, maxAttempts: 1 }).send(new ListRolesCommand({}))
  })

  it('rejects an invalid RoleSessionName before anything else', async () => {
    await expect(assume(user.credentials, { RoleSessionName: 'has space' })).rejects.toMatchObject({ name: 'ValidationError' })
  })

  describe('session policies', () => {
    it('reports PackedPolicySize as a percentage of the packed limit', async () => {
      const answer = await assume(user.credentials, { Policy: allow('iam:ListRoles'), PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] })
      expect(answer.PackedPolicySize).toBeGreaterThan(0)
      expect(answer.PackedPolicySize).toBeLessThan(50)
    })

    it('refuses an incompressible policy with PackedPolicyTooLarge and the percentage', async () => {
      const noise = randomBytes(1500).toString('hex')
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${noise}` }] })
      await expect(assume(user.credentials, { Policy: policy })).rejects.toMatchObject({
        name: 'PackedPolicyTooLargeException',
        message: expect.stringMatching(/^Packed policy consumes \d+% of allotted space, please use smaller policy\.$/),
      })
    })

    it('refuses session tags over the packed limit with their own text', async () => {
      const Tags = Array.from({ length: 20 }, (_, i) => ({ Key: `key${i}`, Value: randomBytes(120).toString('base64').slice(0, 200) }))
      await expect(assume(user.credentials, { Tags })).rejects.toMatchObject({
        name: 'PackedPolicyTooLargeException',
        message: expect.stringMatching(/^Packed size of session tags consumes \d+% of allotted space\.$/),
      })
    })

    it('refuses more than 10 PolicyArns, and a malformed policy', async () => {
      const PolicyArns = Array.from({ length: 11 }, () => ({ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }))
      await expect(assume(user.credentials, { PolicyArns })).rejects.toMatchObject({ name: 'ValidationError' })
      await expect(assume(user.credentials, { Policy: '{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}' })).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' })
    })
  })

  describe('session tags and source identity', () => {
    it('refuses tag keys that differ only in case, and a transitive key that is not a tag', async () => {
      await expect(assume(user.credentials, { Tags: [{ Key: 'team', Value: 'a' }, { Key: 'Team', Value: 'b' }] })).rejects.toMatchObject({ name: 'InvalidParameterValue' })
      await expect(assume(user.credentials, { Tags: [{ Key: 'team', Value: 'a' }], TransitiveTagKeys: ['project'] })).rejects.toMatchObject({ name: 'InvalidParameterValue' })
    })

    it('keeps the source identity and transitive tags through a chain, which cannot change them', async () => {
      const chainArn = await createRole(palisade, 'ChainA', { permissions: ASSUME_ANY })
      const first = await assume(user.credentials, { RoleArn: chainArn, SourceIdentity: 'alice@example.com', Tags: [{ Key: 'team', Value: 'blue' }], TransitiveTagKeys: ['team'] })
      expect(first.SourceIdentity).toBe('alice@example.com')
      const session = signingCredentials(first.Credentials)
      const second = await assume(session)
      expect(second.SourceIdentity).toBe('alice@example.com')
      await expect(assume(session, { SourceIdentity: 'mallory' })).rejects.toMatchObject({ name: 'InvalidParameterValue' })
      await expect(assume(session, { Tags: [{ Key: 'Team', Value: 'red' }] })).rejects.toMatchObject({ name: 'InvalidParameterValue' })
    })
  })

  describe('role chaining', () => {
    it('follows a chain of three roles, each session signing as its role', async () => {
      const hops = [
        await createRole(palisade, 'Hop1', { permissions: ASSUME_ANY }),
        await createRole(palisade, 'Hop2', { permissions: ASSUME_ANY }),
        await createRole(palisade, 'Hop3', { permissions: allow('iam:ListRoles') }),
      ]
      let credentials: SigningCredentials = user.credentials
      for (const [index, arn] of hops.entries()) {
        const answer = await assume(credentials, { RoleArn: arn, RoleSessionName: `hop${index + 1}` })
        credentials = signingCredentials(answer.Credentials)
        const identity = await stsClient(palisade, credentials).send(new GetCallerIdentityCommand({}))
        expect(identity.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Hop${index + 1}/hop${index + 1}`)
      }
    })

    it('caps a chained session at one hour', async () => {
      const chainArn = await createRole(palisade, 'Chain1h', { permissions: ASSUME_ANY, maxSessionDuration: 43200 })
      const session = signingCredentials((await assume(user.credentials, { RoleArn: chainArn, DurationSeconds: 7200 })).Credentials)
      await expect(assume(session, { RoleArn: chainArn, DurationSeconds: 3601 })).rejects.toMatchObject({
        name: 'ValidationError',
        message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      })
      await expect(assume(session, { RoleArn: chainArn, DurationSeconds: 3600 })).resolves.toBeDefined()
    })

    it('lets a GetSessionToken session assume a role', async () => {
      const session = signingCredentials((await stsClient(palisade, user.credentials).send(new GetSessionTokenCommand({}))).Credentials)
      expect((await assume(session)).AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Reader/alice-session`)
    })
  })

  it('works with the SDK\'s fromTemporaryCredentials provider', async () => {
    const credentials = fromTemporaryCredentials({
      masterCredentials: user.credentials,
      params: { RoleArn: roleArn, RoleSessionName: 'sdk-provider' },
      clientConfig: { endpoint: palisade.url, region: 'us-east-1', maxAttempts: 1 },
    })
    const client = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1 })
    await client.send(new ListRolesCommand({}))
    const identity = await stsClient(palisade, await credentials()).send(new GetCallerIdentityCommand({}))
    expect(identity.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Reader/sdk-provider`)
  })
})

describe('MFA on AssumeRole and GetSessionToken', () => {
  const clock = fixedClock(Date.now())
  let palisade: TestPalisade
  let user: TestUser
  let serial: string
  let seed: string
  const step = () => Math.floor(clock.now().getTime() / 30_000)
  const codeAt = (at: number) => generate({ secret: seed, strategy: 'hotp', counter: at })
  const sts = (credentials: SigningCredentials) => stsClient(palisade, credentials, { systemClockOffset: clock.now().getTime() - Date.now() })

  beforeAll(async () => {
    palisade = await startTestPalisade([], { clock })
    user = await createTestUser(palisade, 'mfa-user')
    await allowUserToAssumeRoles(palisade, user.name)
    const iam = rootClient(palisade)
    const { VirtualMFADevice } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'mfa-user' }))
    serial = VirtualMFADevice!.SerialNumber!
    seed = Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString('ascii')
    await iam.send(new EnableMFADeviceCommand({ UserName: user.name, SerialNumber: serial, AuthenticationCode1: await codeAt(step() - 1), AuthenticationCode2: await codeAt(step()) }))
  })
  afterAll(() => palisade.stop())

  it('accepts the current code once, and refuses a wrong one with AWS\'s text', async () => {
    clock.advance(30_000)
    await expectDenied(sts(user.credentials).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: '000000' === (await codeAt(step())) ? '111111' : '000000' })), 'MultiFactorAuthentication failed with invalid MFA one time pass code.')
    const code = await codeAt(step())
    const { Credentials } = await sts(user.credentials).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: code }))
    expect(Credentials!.AccessKeyId).toMatch(/^ASIA/)
    await expectDenied(sts(user.credentials).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: code })), 'MultiFactorAuthentication failed')
  })

  it('checks the code on AssumeRole, and refuses a serial number without a code', async () => {
    const roleArn = await createRole(palisade, 'MfaRole')
    await expectDenied(sts(user.credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'mfa', SerialNumber: serial })), 'MultiFactorAuthentication failed')
    clock.advance(30_000)
    const answer = await sts(user.credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'mfa', SerialNumber: serial, TokenCode: await codeAt(step()) }))
    expect(answer.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/MfaRole/mfa`)
  })
})
