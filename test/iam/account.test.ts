// End to end: the account alias (one per account, unique across accounts) and GetAccountSummary's real counts.
import { join } from 'node:path'
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateGroupCommand,
  CreateUserCommand,
  DeleteAccountAliasCommand,
  GetAccountSummaryCommand,
  IAMClient,
  ListAccountAliasesCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertAccountAlias } from '../../src/services/iam/account-aliases-store.js'
import { openDatabase } from '../../src/storage/database.js'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

describe('the IAM account', () => {
  let palisade: TestPalisade
  let client: IAMClient
  beforeAll(async () => {
    palisade = await startTestPalisade()
    client = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
  })
  afterAll(() => palisade.stop())

  describe('account alias', () => {
    it('lists no alias at first', async () => {
      expect(await client.send(new ListAccountAliasesCommand({}))).toMatchObject({ AccountAliases: [], IsTruncated: false })
    })

    it('creates an alias; a second one replaces it, as an account has one alias', async () => {
      await client.send(new CreateAccountAliasCommand({ AccountAlias: 'first-alias' }))
      expect((await client.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual(['first-alias'])
      await client.send(new CreateAccountAliasCommand({ AccountAlias: 'second-alias' }))
      expect((await client.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual(['second-alias'])
    })

    it('answers NoSuchEntity when deleting an alias the account does not have, then deletes its own', async () => {
      await expect(client.send(new DeleteAccountAliasCommand({ AccountAlias: 'first-alias' }))).rejects.toMatchObject({
        name: 'NoSuchEntityException',
        message: 'The account alias first-alias cannot be found.',
      })
      await client.send(new DeleteAccountAliasCommand({ AccountAlias: 'second-alias' }))
      expect((await client.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual([])
    })

    it('refuses an alias another account holds (aliases are unique across accounts)', async () => {
      const database = await openDatabase({ url: join(palisade.dataDir, 'palisade.db') })
      try {
        await database.transaction((tx) => insertAccountAlias(tx, '111111111111', 'elsewhere'))
      } finally {
        await database.close()
      }
      await expect(client.send(new CreateAccountAliasCommand({ AccountAlias: 'elsewhere' }))).rejects.toMatchObject({
        name: 'EntityAlreadyExistsException',
        message: 'The account alias elsewhere already exists.',
        $metadata: { httpStatusCode: 409 },
      })
    })

    it.each([
      { name: 'upper-case letters', alias: 'Upper-Case' },
      { name: 'two dashes in a row', alias: 'two--dashes' },
      { name: 'a leading dash', alias: '-leading' },
    ])('rejects an alias with $name (ValidationError)', async ({ alias }) => {
      await expect(client.send(new CreateAccountAliasCommand({ AccountAlias: alias }))).rejects.toMatchObject({ name: 'ValidationError' })
    })
  })

  describe('GetAccountSummary', () => {
    it('counts the account\'s entities beside AWS\'s default quotas', async () => {
      const before = (await client.send(new GetAccountSummaryCommand({}))).SummaryMap!
      expect(before).toMatchObject({
        UsersQuota: 5000, GroupsQuota: 300, RolesQuota: 1000, PoliciesQuota: 1500, AccessKeysPerUserQuota: 2,
        GroupsPerUserQuota: 10, AttachedPoliciesPerUserQuota: 10, PolicyVersionsInUseQuota: 10000, VersionsPerPolicyQuota: 5,
        AccountAccessKeysPresent: 1, AccountMFAEnabled: 0, MFADevices: 0, MFADevicesInUse: 0, ServerCertificates: 0,
      })

      await client.send(new CreateUserCommand({ UserName: 'Counted1' }))
      await client.send(new CreateUserCommand({ UserName: 'Counted2' }))
      await client.send(new CreateGroupCommand({ GroupName: 'CountedGroup' }))
      await client.send(new AddUserToGroupCommand({ GroupName: 'CountedGroup', UserName: 'Counted1' }))
      await client.send(new CreateAccessKeyCommand({ UserName: 'Counted1' }))

      const after = (await client.send(new GetAccountSummaryCommand({}))).SummaryMap!
      expect(after['Users']).toBe(before['Users']! + 2)
      expect(after['Groups']).toBe(before['Groups']! + 1)
      expect(after['Roles']).toBe(before['Roles'])
    })
  })

  describe.skipIf(!awsCliAvailable)('with the AWS CLI', () => {
    it('creates and lists an alias, and prints the summary map', async () => {
      expect((await awsCli(palisade.url, palisade.root, ['iam', 'create-account-alias', '--account-alias', 'cli-alias'])).code).toBe(0)
      const listed = await awsCli(palisade.url, palisade.root, ['iam', 'list-account-aliases'])
      expect(JSON.parse(listed.stdout).AccountAliases).toEqual(['cli-alias'])
      const summary = await awsCli(palisade.url, palisade.root, ['iam', 'get-account-summary'])
      expect(JSON.parse(summary.stdout).SummaryMap).toMatchObject({ UsersQuota: 5000, GroupsPerUserQuota: 10 })
    })
  })
})
