// End to end: a trust policy that requires MFA (Bool aws:MultiFactorAuthPresent true) admits AssumeRole when the
// call carries a verified SerialNumber and TokenCode, or comes from a session GetSessionToken issued with MFA, and
// refuses it otherwise; aws:MultiFactorAuthAge counts from when the code was checked.
import { CreateVirtualMFADeviceCommand, EnableMFADeviceCommand } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts'
import { generate } from 'otplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import type { TestUser } from '../iam/enforcement-support.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allowUserToAssumeRoles, createRole, createTestUser, expectDenied, rootClient, signingCredentials, stsClient, type SigningCredentials } from './sts-support.js'

/** Trusts the account's principals on condition, as https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html shows. */
const trustWhen = (condition: Record<string, Record<string, string>>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole', Condition: condition }] })

describe('a trust policy that requires MFA', () => {
  const clock = fixedClock(Date.now())
  let palisade: TestPalisade
  let user: TestUser
  let serial: string
  let seed: string
  let roleArn: string
  const step = () => Math.floor(clock.now().getTime() / 30_000)
  const codeAt = (at: number) => generate({ secret: seed, strategy: 'hotp', counter: at })
  const sts = (credentials: SigningCredentials) => stsClient(palisade, credentials, { systemClockOffset: clock.now().getTime() - Date.now() })
  /** A fresh code: each is accepted once, so every use moves the clock to the next 30-second step. */
  const nextCode = async () => {
    clock.advance(30_000)
    return codeAt(step())
  }

  beforeAll(async () => {
    palisade = await startTestPalisade([], { clock })
    user = await createTestUser(palisade, 'mfa-trust-user')
    await allowUserToAssumeRoles(palisade, user.name)
    const iam = rootClient(palisade)
    const { VirtualMFADevice } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'mfa-trust-user' }))
    serial = VirtualMFADevice!.SerialNumber!
    seed = Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString('ascii')
    await iam.send(new EnableMFADeviceCommand({ UserName: user.name, SerialNumber: serial, AuthenticationCode1: await codeAt(step() - 1), AuthenticationCode2: await codeAt(step()) }))
    roleArn = await createRole(palisade, 'NeedsMfa', { trust: trustWhen({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }) })
  })
  afterAll(() => palisade.stop())

  it('admits AssumeRole that carries a verified SerialNumber and TokenCode', async () => {
    const answer = await sts(user.credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'with-mfa', SerialNumber: serial, TokenCode: await nextCode() }))
    expect(answer.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/NeedsMfa/with-mfa`)
  })

  it('refuses a wrong TokenCode with AWS\'s MFA text, though the declared MFA would satisfy the trust policy', async () => {
    const wrong = (await nextCode()) === '000000' ? '111111' : '000000'
    await expectDenied(sts(user.credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'wrong-code', SerialNumber: serial, TokenCode: wrong })), 'MultiFactorAuthentication failed with invalid MFA one time pass code.')
  })

  it('refuses the same user calling without MFA', async () => {
    await expectDenied(sts(user.credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'without-mfa' })), 'sts:AssumeRole')
  })

  it('admits a session that GetSessionToken issued with MFA', async () => {
    const session = signingCredentials((await sts(user.credentials).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: await nextCode() }))).Credentials)
    const answer = await sts(session).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'mfa-session' }))
    expect(answer.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/NeedsMfa/mfa-session`)
  })

  it('measures aws:MultiFactorAuthAge from when the code was checked', async () => {
    const freshOnly = await createRole(palisade, 'NeedsFreshMfa', { trust: trustWhen({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }) })
    const session = signingCredentials((await sts(user.credentials).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: await nextCode() }))).Credentials)
    await sts(session).send(new AssumeRoleCommand({ RoleArn: freshOnly, RoleSessionName: 'fresh' }))
    clock.advance(3600_000)
    await expectDenied(sts(session).send(new AssumeRoleCommand({ RoleArn: freshOnly, RoleSessionName: 'stale' })), 'sts:AssumeRole')
  })
})
