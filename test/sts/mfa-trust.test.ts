// End to end: a trust policy that requires MFA (Bool aws:MultiFactorAuthPresent true) admits AssumeRole when the
// call carries a verified SerialNumber and TokenCode, or comes from a session GetSessionToken issued with MFA, and
// refuses it otherwise; aws:MultiFactorAuthAge counts from when the code was checked.
import { AssumeRoleCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { createMfaUser, MFA_TRUST, trustAccountWhen, type MfaUser } from './mfa-support.js'
import { ACCOUNT, createRole, expectDenied, signingCredentials, stsClient, type SigningCredentials } from './sts-support.js'

describe('a trust policy that requires MFA', () => {
  const clock = fixedClock(Date.now())
  let palisade: TestPalisade
  let mfa: MfaUser
  let roleArn: string
  const sts = (credentials: SigningCredentials) => stsClient(palisade, credentials, { systemClockOffset: clock.now().getTime() - Date.now() })
  const nextCode = () => mfa.nextCode()

  beforeAll(async () => {
    palisade = await startTestPalisade([], { clock })
    mfa = await createMfaUser(palisade, 'mfa-trust-user', clock)
    roleArn = await createRole(palisade, 'NeedsMfa', { trust: MFA_TRUST })
  })
  afterAll(() => palisade.stop())

  it('admits AssumeRole that carries a verified SerialNumber and TokenCode', async () => {
    const answer = await sts(mfa.user.credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'with-mfa', SerialNumber: mfa.serial, TokenCode: await nextCode() }))
    expect(answer.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/NeedsMfa/with-mfa`)
  })

  it('refuses a wrong TokenCode with AWS\'s MFA text, though the declared MFA would satisfy the trust policy', async () => {
    const wrong = (await nextCode()) === '000000' ? '111111' : '000000'
    await expectDenied(sts(mfa.user.credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'wrong-code', SerialNumber: mfa.serial, TokenCode: wrong })), 'MultiFactorAuthentication failed with invalid MFA one time pass code.')
  })

  it('refuses the same user calling without MFA', async () => {
    await expectDenied(sts(mfa.user.credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'without-mfa' })), 'sts:AssumeRole')
  })

  it('admits a session that GetSessionToken issued with MFA', async () => {
    const session = signingCredentials((await sts(mfa.user.credentials).send(new GetSessionTokenCommand({ SerialNumber: mfa.serial, TokenCode: await nextCode() }))).Credentials)
    const answer = await sts(session).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'mfa-session' }))
    expect(answer.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/NeedsMfa/mfa-session`)
  })

  it('measures aws:MultiFactorAuthAge from when the code was checked', async () => {
    const freshOnly = await createRole(palisade, 'NeedsFreshMfa', { trust: trustAccountWhen({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }) })
    const session = signingCredentials((await sts(mfa.user.credentials).send(new GetSessionTokenCommand({ SerialNumber: mfa.serial, TokenCode: await nextCode() }))).Credentials)
    await sts(session).send(new AssumeRoleCommand({ RoleArn: freshOnly, RoleSessionName: 'fresh' }))
    clock.advance(3600_000)
    await expectDenied(sts(session).send(new AssumeRoleCommand({ RoleArn: freshOnly, RoleSessionName: 'stale' })), 'sts:AssumeRole')
  })
})
