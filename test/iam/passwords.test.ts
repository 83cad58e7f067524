// End to end: console passwords (login profiles, ChangePassword) and the account password policy that every
// password set must pass; verifyConsolePassword for the console's sign-in.
import { join } from 'node:path'
import {
  ChangePasswordCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../src/core/clock.js'
import { verifyConsolePassword } from '../../src/services/iam/login-profiles.js'
import { openDatabase, type Database } from '../../src/storage/database.js'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

const ACCOUNT = '000000000000'
const STRONG = 'Correct-Horse-42'

describe('console passwords and the account password policy', () => {
  let palisade: TestPalisade
  let client: IAMClient
  beforeAll(async () => {
    palisade = await startTestPalisade()
    client = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
  })
  afterAll(() => palisade.stop())
  beforeEach(async () => {
    await client.send(new DeleteAccountPasswordPolicyCommand({})).catch(() => undefined)
  })

  describe('the account password policy', () => {
    it('answers NoSuchEntity with AWS\'s text while no policy is set', async () => {
      await expect(client.send(new GetAccountPasswordPolicyCommand({}))).rejects.toMatchObject({
        name: 'NoSuchEntityException',
        message: `The Password Policy with domain name ${ACCOUNT} cannot be found.`,
        $metadata: { httpStatusCode: 404 },
      })
      await expect(client.send(new DeleteAccountPasswordPolicyCommand({}))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
    })

    it('stores every setting and derives ExpirePasswords', async () => {
      await client.send(new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: 12, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, MaxPasswordAge: 90, PasswordReusePrevention: 5, HardExpiry: false,
      }))
      expect((await client.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy).toEqual({
        MinimumPasswordLength: 12, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, ExpirePasswords: true, MaxPasswordAge: 90,
        PasswordReusePrevention: 5, HardExpiry: false,
      })
    })

    it('puts every setting left out back to its default (minimum length 6)', async () => {
      await client.send(new UpdateAccountPasswordPolicyCommand({ RequireSymbols: true, MaxPasswordAge: 30 }))
      await client.send(new UpdateAccountPasswordPolicyCommand({ RequireNumbers: true }))
      expect((await client.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy).toEqual({
        MinimumPasswordLength: 6, RequireSymbols: false, RequireNumbers: true, RequireUppercaseCharacters: false,
        RequireLowercaseCharacters: false, AllowUsersToChangePassword: false, ExpirePasswords: false,
      })
    })

    it.each([
      { name: 'a minimum length under 6', input: { MinimumPasswordLength: 5 } },
      { name: 'a minimum length over 128', input: { MinimumPasswordLength: 129 } },
      { name: 'a maximum age over 1095 days', input: { MaxPasswordAge: 1096 } },
      { name: 'reuse prevention over 24', input: { PasswordReusePrevention: 25 } },
    ])('rejects $name with ValidationError', async ({ input }) => {
      await expect(client.send(new UpdateAccountPasswordPolicyCommand(input))).rejects.toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } })
    })
  })

  describe('login profiles', () => {
    beforeAll(async () => {
      for (const name of ['Weak', 'Console', 'Keeper', 'Strict']) await client.send(new CreateUserCommand({ UserName: name }))
    })

    it.each([
      { name: 'too short', password: 'Ab1!', message: 'Password should have a minimum length of 8' },
      {
        name: 'only two character classes',
        password: 'lowercase123',
        message: 'Password should meet 1 more of the following requirements: Password should have at least one uppercase letter, Password should have at least one symbol',
      },
    ])('without a policy, refuses a password that is $name (IAM\'s default policy)', async ({ password, message }) => {
      await expect(client.send(new CreateLoginProfileCommand({ UserName: 'Weak', Password: password }))).rejects.toMatchObject({
        name: 'PasswordPolicyViolationException',
        message,
        $metadata: { httpStatusCode: 400 },
      })
    })

    it('enforces the account policy\'s rules, naming each one broken', async () => {
      await client.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, RequireNumbers: true, RequireSymbols: true }))
      await expect(client.send(new CreateLoginProfileCommand({ UserName: 'Strict', Password: 'OnlyLetters' }))).rejects.toMatchObject({
        name: 'PasswordPolicyViolationException',
        message: 'Password should have a minimum length of 14, Password should have at least one number, Password should have at least one symbol',
      })
      await client.send(new CreateLoginProfileCommand({ UserName: 'Strict', Password: 'long-enough-pass-1' }))
    })

    it('creates, reads, updates and deletes a login profile', async () => {
      const { LoginProfile } = await client.send(new CreateLoginProfileCommand({ UserName: 'Console', Password: STRONG, PasswordResetRequired: true }))
      expect(LoginProfile).toMatchObject({ UserName: 'Console', PasswordResetRequired: true, CreateDate: expect.any(Date) })
      await expect(client.send(new CreateLoginProfileCommand({ UserName: 'console', Password: STRONG }))).rejects.toMatchObject({
        name: 'EntityAlreadyExistsException',
        message: 'Login Profile for user Console already exists.',
      })
      await client.send(new UpdateLoginProfileCommand({ UserName: 'Console', PasswordResetRequired: false }))
      expect((await client.send(new GetLoginProfileCommand({ UserName: 'Console' }))).LoginProfile).toMatchObject({ UserName: 'Console', PasswordResetRequired: false })

      await expect(client.send(new DeleteUserCommand({ UserName: 'Console' }))).rejects.toMatchObject({
        name: 'DeleteConflictException',
        message: 'Cannot delete entity, must delete login profile first.',
      })
      await client.send(new DeleteLoginProfileCommand({ UserName: 'Console' }))
      await expect(client.send(new GetLoginProfileCommand({ UserName: 'Console' }))).rejects.toMatchObject({
        name: 'NoSuchEntityException',
        message: 'Login Profile for User Console cannot be found.',
      })
      await client.send(new DeleteUserCommand({ UserName: 'Console' }))
    })

    it('answers NoSuchEntity for a user that does not exist', async () => {
      await expect(client.send(new CreateLoginProfileCommand({ UserName: 'Ghost', Password: STRONG }))).rejects.toMatchObject({
        name: 'NoSuchEntityException',
        message: 'The user with name Ghost cannot be found.',
      })
    })

    describe('verifyConsolePassword', () => {
      let database: Database
      beforeAll(async () => {
        await client.send(new CreateLoginProfileCommand({ UserName: 'Keeper', Password: STRONG, PasswordResetRequired: true }))
        database = await openDatabase({ url: join(palisade.dataDir, 'palisade.db') })
      })
      afterAll(() => database.close())

      it('accepts the right password, says a reset is required and records PasswordLastUsed', async () => {
        const signIn = await verifyConsolePassword({ database, clock: systemClock }, ACCOUNT, 'keeper', STRONG)
        expect(signIn).toMatchObject({ ok: true, mustChangePassword: true, user: { userName: 'Keeper' } })
        const { User } = await client.send(new GetUserCommand({ UserName: 'Keeper' }))
        expect(User?.PasswordLastUsed).toBeInstanceOf(Date)
      })

      it.each([
        { name: 'a wrong password', account: ACCOUNT, user: 'Keeper', password: 'Wrong-Horse-42', reason: 'bad-credentials' },
        { name: 'an unknown user', account: ACCOUNT, user: 'Nobody', password: STRONG, reason: 'bad-credentials' },
        { name: 'an unknown alias', account: 'no-such-alias', user: 'Keeper', password: STRONG, reason: 'unknown-account' },
      ])('refuses $name', async ({ account, user, password, reason }) => {
        expect(await verifyConsolePassword({ database, clock: systemClock }, account, user, password)).toEqual({ ok: false, reason })
      })
    })
  })

  describe('ChangePassword by the IAM user', () => {
    let userClient: IAMClient
    beforeAll(async () => {
      await client.send(new CreateUserCommand({ UserName: 'Changer' }))
      await client.send(new CreateLoginProfileCommand({ UserName: 'Changer', Password: STRONG, PasswordResetRequired: true }))
      const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'Changer' }))
      userClient = new IAMClient({
        endpoint: palisade.url, region: 'us-east-1', maxAttempts: 1,
        credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! },
      })
    })

    it('is refused while the account policy does not allow users to change their password', async () => {
      await client.send(new UpdateAccountPasswordPolicyCommand({ AllowUsersToChangePassword: false }))
      await expect(userClient.send(new ChangePasswordCommand({ OldPassword: STRONG, NewPassword: 'Another-Horse-43' }))).rejects.toMatchObject({
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      })
    })

    it('needs the old password, applies the policy, clears PasswordResetRequired and refuses recent passwords', async () => {
      await client.send(new UpdateAccountPasswordPolicyCommand({ AllowUsersToChangePassword: true, PasswordReusePrevention: 2, MinimumPasswordLength: 8 }))
      await expect(userClient.send(new ChangePasswordCommand({ OldPassword: 'not-the-password', NewPassword: 'Another-Horse-43' }))).rejects.toMatchObject({
        name: 'InvalidInputException',
      })
      await expect(userClient.send(new ChangePasswordCommand({ OldPassword: STRONG, NewPassword: 'short' }))).rejects.toMatchObject({
        name: 'PasswordPolicyViolationException',
        message: 'Password should have a minimum length of 8',
      })
      await userClient.send(new ChangePasswordCommand({ OldPassword: STRONG, NewPassword: 'Another-Horse-43' }))
      expect((await client.send(new GetLoginProfileCommand({ UserName: 'Changer' }))).LoginProfile?.PasswordResetRequired).toBe(false)

      await expect(userClient.send(new ChangePasswordCommand({ OldPassword: 'Another-Horse-43', NewPassword: STRONG }))).rejects.toMatchObject({
        name: 'PasswordPolicyViolationException',
        message: 'Password should not be one of your previous 2 passwords',
      })
    })

    it('is refused to the root user, who has no login profile', async () => {
      await expect(client.send(new ChangePasswordCommand({ OldPassword: STRONG, NewPassword: 'Another-Horse-44' }))).rejects.toMatchObject({
        name: 'InvalidUserTypeException',
      })
    })
  })

  describe.skipIf(!awsCliAvailable)('with the AWS CLI', () => {
    it('sets and reads the account password policy', async () => {
      const updated = await awsCli(palisade.url, palisade.root, ['iam', 'update-account-password-policy', '--minimum-password-length', '10', '--require-numbers'])
      expect(updated.code).toBe(0)
      const got = await awsCli(palisade.url, palisade.root, ['iam', 'get-account-password-policy'])
      expect(JSON.parse(got.stdout).PasswordPolicy).toMatchObject({ MinimumPasswordLength: 10, RequireNumbers: true, ExpirePasswords: false })
    })
  })
})
