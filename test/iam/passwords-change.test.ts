// End to end: who may call ChangePassword — a user whose account password policy allows users to change their
// password, or whose own policies allow iam:ChangePassword on itself; an explicit deny wins over both.
import {
  ChangePasswordCommand,
  CreateLoginProfileCommand,
  DeleteAccountPasswordPolicyCommand,
  GetAccountPasswordPolicyCommand,
  IAMClient,
  PutUserPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { forPostgres } from '../../src/storage/testing.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { createTestUser, expectDenied, policy, rootClient, type TestUser } from './enforcement-support.js'

const FIRST = 'Correct-Horse-42'
const SECOND = 'Another-Horse-43'

// The statement AWS's own example uses (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-password-only.html).
const CHANGE_OWN_PASSWORD = policy({ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: 'arn:aws:iam::*:user/${aws:username}' })

describe('ChangePassword permission', () => {
  let palisade: TestPalisade
  let root: IAMClient
  beforeAll(async () => {
    palisade = await startTestPalisade()
    root = rootClient(palisade)
  })
  afterAll(() => palisade.stop())
  beforeEach(async () => {
    await root.send(new DeleteAccountPasswordPolicyCommand({})).catch(() => undefined)
  })

  /** A user with a console password and an access key; `inline` is put on it as an inline policy. */
  async function userWithPassword(name: string, inline?: string): Promise<TestUser> {
    const user = await createTestUser(palisade, name)
    await root.send(new CreateLoginProfileCommand({ UserName: name, Password: FIRST }))
    if (inline) await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'password', PolicyDocument: inline }))
    return user
  }

  const allowUsersToChangePassword = (allowed: boolean) => root.send(new UpdateAccountPasswordPolicyCommand({ AllowUsersToChangePassword: allowed }))
  const change = (user: TestUser, from: string, to: string) => user.client.send(new ChangePasswordCommand({ OldPassword: from, NewPassword: to }))

  it('allows a user with no policy at all when the account password policy allows users to change their password', async () => {
    const user = await userWithPassword('BySetting')
    await allowUsersToChangePassword(true)
    await change(user, FIRST, SECOND)
    // The new password is the one now checked as the old one.
    await expect(change(user, FIRST, 'Third-Horse-44')).rejects.toMatchObject({ name: 'InvalidInputException' })
    await change(user, SECOND, 'Third-Horse-44')
  })

  it.each([
    { name: 'with no account password policy', setting: undefined },
    { name: 'with a policy that does not allow users to change their password', setting: false },
  ])('allows a user whose own policy allows iam:ChangePassword on itself, $name', async ({ setting }) => {
    const user = await userWithPassword(`ByPolicy${setting === undefined ? 'NoPolicy' : 'Off'}`, CHANGE_OWN_PASSWORD)
    if (setting !== undefined) await allowUsersToChangePassword(setting)
    await change(user, FIRST, SECOND)
  })

  it('refuses a user with neither, with AWS\'s AccessDenied message', async () => {
    const user = await userWithPassword('Neither')
    await allowUsersToChangePassword(false)
    await expectDenied(
      change(user, FIRST, SECOND),
      `User: ${user.arn} is not authorized to perform: iam:ChangePassword on resource: ${user.arn} because no identity-based policy allows the iam:ChangePassword action`,
    )
  })

  it('refuses a user whose own policy allows iam:ChangePassword only on another user', async () => {
    const user = await userWithPassword('Elsewhere', policy({ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: 'arn:aws:iam::*:user/Someone' }))
    await expectDenied(change(user, FIRST, SECOND), 'because no identity-based policy allows the iam:ChangePassword action')
  })

  it('lets an explicit deny in the user\'s policy win over the account setting', async () => {
    const user = await userWithPassword('Denied', policy({ Effect: 'Deny', Action: 'iam:ChangePassword' }))
    await allowUsersToChangePassword(true)
    await expectDenied(
      change(user, FIRST, SECOND),
      `User: ${user.arn} is not authorized to perform: iam:ChangePassword on resource: ${user.arn} with an explicit deny in an identity-based policy`,
    )
  })

  it('applies a change of the account setting to the very next request', async () => {
    const user = await userWithPassword('Toggled')
    await allowUsersToChangePassword(true)
    await change(user, FIRST, SECOND)
    await allowUsersToChangePassword(false)
    await expectDenied(change(user, SECOND, FIRST), 'because no identity-based policy allows the iam:ChangePassword action')
    await allowUsersToChangePassword(true)
    await change(user, SECOND, 'Third-Horse-44')
    await root.send(new DeleteAccountPasswordPolicyCommand({}))
    await expectDenied(change(user, 'Third-Horse-44', SECOND), 'because no identity-based policy allows the iam:ChangePassword action')
  })

  it('lets the account setting also grant reading the account password policy, and nothing else', async () => {
    const user = await userWithPassword('Reader')
    await allowUsersToChangePassword(false)
    await expectDenied(user.client.send(new GetAccountPasswordPolicyCommand({})), 'because no identity-based policy allows the iam:GetAccountPasswordPolicy action')
    await allowUsersToChangePassword(true)
    expect((await user.client.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy).toMatchObject({ AllowUsersToChangePassword: true })
    await expectDenied(user.client.send(new UpdateAccountPasswordPolicyCommand({ AllowUsersToChangePassword: true })), 'iam:UpdateAccountPasswordPolicy')
  })

  it('still answers InvalidUserType to the root user, whichever the setting', async () => {
    await allowUsersToChangePassword(true)
    await expect(root.send(new ChangePasswordCommand({ OldPassword: FIRST, NewPassword: SECOND }))).rejects.toMatchObject({ name: 'InvalidUserTypeException' })
  })
})

const ROOT_KEY = Buffer.alloc(32, 7).toString('base64')
// LISTEN/NOTIFY reaches the other server soon after the commit, not at it.
const PROPAGATION = { timeout: 5000, interval: 25 }

forPostgres('ChangePassword permission across servers', (dialect) => {
  it('applies the account setting changed through one server to requests served by the other', async () => {
    const { url } = await dialect.config()
    const first = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    const second = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    try {
      const root = rootClient(first)
      const user = await createTestUser(first, 'roaming')
      await root.send(new CreateLoginProfileCommand({ UserName: 'roaming', Password: FIRST }))
      const onSecond = new IAMClient({ endpoint: second.url, region: 'us-east-1', credentials: user.credentials, maxAttempts: 1 })
      // A wrong old password is checked only after authorization: InvalidInput tells an authorized call from a
      // denied one without changing anything.
      const outcome = () => onSecond.send(new ChangePasswordCommand({ OldPassword: 'not-the-password', NewPassword: SECOND }))
        .then(() => 'changed', (error: { name: string }) => error.name)
      await vi.waitFor(async () => expect(await outcome()).toBe('AccessDenied'), PROPAGATION)

      await root.send(new UpdateAccountPasswordPolicyCommand({ AllowUsersToChangePassword: true }))
      await vi.waitFor(async () => expect(await outcome()).toBe('InvalidInputException'), PROPAGATION)

      await root.send(new DeleteAccountPasswordPolicyCommand({}))
      await vi.waitFor(async () => expect(await outcome()).toBe('AccessDenied'), PROPAGATION)
    } finally {
      await second.stop()
      await first.stop()
    }
  })
})
