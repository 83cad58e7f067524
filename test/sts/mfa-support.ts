// Helpers for the MFA suites: a test user with an enabled virtual MFA device, fresh codes from a fixed clock, and a trust policy that requires MFA.
import { CreateVirtualMFADeviceCommand, EnableMFADeviceCommand } from '@aws-sdk/client-iam'
import { generate } from 'otplib'
import type { fixedClock } from '../../src/core/clock.js'
import type { TestUser } from '../iam/enforcement-support.js'
import type { TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allowUserToAssumeRoles, createTestUser, rootClient } from './sts-support.js'

export type TestClock = ReturnType<typeof fixedClock>

export interface MfaUser {
  readonly user: TestUser
  readonly serial: string
  /** A fresh code: each is accepted once, so every use moves the server's clock to the next 30-second step. */
  nextCode(): Promise<string>
}

/**
 * Creates a user who may assume any role, with a virtual MFA device of the same name enabled by the codes of the
 * clock's previous and current 30-second steps. `clock` must be the server's clock.
 */
export async function createMfaUser(palisade: TestPalisade, name: string, clock: TestClock): Promise<MfaUser> {
  const user = await createTestUser(palisade, name)
  await allowUserToAssumeRoles(palisade, user.name)
  const iam = rootClient(palisade)
  const { VirtualMFADevice } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }))
  const serial = VirtualMFADevice!.SerialNumber!
  const seed = Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString('ascii')
  const step = () => Math.floor(clock.now().getTime() / 30_000)
  const codeAt = (at: number) => generate({ secret: seed, strategy: 'hotp', counter: at })
  await iam.send(new EnableMFADeviceCommand({ UserName: user.name, SerialNumber: serial, AuthenticationCode1: await codeAt(step() - 1), AuthenticationCode2: await codeAt(step()) }))
  return {
    user,
    serial,
    async nextCode() {
      clock.advance(30_000)
      return codeAt(step())
    },
  }
}

/** Trusts the account's principals on condition, as https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html shows. */
export function trustAccountWhen(condition: Record<string, Record<string, string>>): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole', Condition: condition }] })
}

/** A trust policy that admits the account's principals only with MFA. */
export const MFA_TRUST = trustAccountWhen({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } })
