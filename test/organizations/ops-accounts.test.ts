// Organizations e2e: CreateAccount (and using its role), account listing and paging, MoveAccount,
// RemoveAccountFromOrganization, CloseAccount, and management-only operations refused to a member.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { IAMClient, ListAttachedRolePoliciesCommand, GetRoleCommand } from '@aws-sdk/client-iam'
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  DescribeAccountCommand,
  DescribeCreateAccountStatusCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListCreateAccountStatusCommand,
  MoveAccountCommand,
  RemoveAccountFromOrganizationCommand,
  DeleteOrganizationCommand,
  LeaveOrganizationCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { adminUser, assumeRole, createMemberAccount, type Credentials, expectAwsError, organizationsClient, startOrganization } from './ops-support.js'

let server: TestPalisade
let org: OrganizationsClient
let admin: Credentials
let rootId: string
let organizationId: string

beforeAll(async () => {
  ({ server, org, organizationId, rootId } = await startOrganization())
  admin = await adminUser(server, server.root)
})
afterAll(async () => {
  await server?.stop()
})

describe('CreateAccount', () => {
  it('reports IN_PROGRESS, then SUCCEEDED with a 12-digit account listed as CREATED and ACTIVE', async () => {
    const { CreateAccountStatus } = await org.send(new CreateAccountCommand({ AccountName: 'Workload', Email: 'workload@example.com' }))
    expect(CreateAccountStatus!.State).toBe('IN_PROGRESS')
    expect(CreateAccountStatus!.Id).toMatch(/^car-[a-z0-9]{32}$/)
    const { CreateAccountStatus: done } = await org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: CreateAccountStatus!.Id! }))
    expect(done).toMatchObject({ State: 'SUCCEEDED', AccountName: 'Workload' })
    expect(done!.AccountId).toMatch(/^\d{12}$/)
    const { Account } = await org.send(new DescribeAccountCommand({ AccountId: done!.AccountId! }))
    expect(Account).toMatchObject({
      Id: done!.AccountId,
      Arn: `arn:aws:organizations::${server.accountId}:account/${organizationId}/${done!.AccountId}`,
      Name: 'Workload',
      Email: 'workload@example.com',
      Status: 'ACTIVE',
      JoinedMethod: 'CREATED',
    })
  })

  it('fails with EMAIL_ALREADY_EXISTS when the email belongs to another account', async () => {
    const { CreateAccountStatus } = await org.send(new CreateAccountCommand({ AccountName: 'Again', Email: 'workload@example.com' }))
    const { CreateAccountStatus: done } = await org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: CreateAccountStatus!.Id! }))
    expect(done).toMatchObject({ State: 'FAILED', FailureReason: 'EMAIL_ALREADY_EXISTS' })
    expect(done!.AccountId).toBeUndefined()
    const failed = await org.send(new ListCreateAccountStatusCommand({ States: ['FAILED'] }))
    expect(failed.CreateAccountStatuses!.map((status) => status.Id)).toEqual([CreateAccountStatus!.Id])
  })

  it('gives the management account an administrator role in the new account, assumed through sts:AssumeRole', async () => {
    const accountId = await createMemberAccount(org, 'Role check')
    const session = await assumeRole(server, admin, `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`)
    const identity = await new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: session, maxAttempts: 1 }).send(new GetCallerIdentityCommand({}))
    expect(identity.Account).toBe(accountId)
    expect(identity.Arn).toBe(`arn:aws:sts::${accountId}:assumed-role/OrganizationAccountAccessRole/ops-test`)
    const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: session, maxAttempts: 1 })
    const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'OrganizationAccountAccessRole' }))
    expect(AttachedPolicies).toEqual([{ PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }])
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'OrganizationAccountAccessRole' }))
    expect(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${server.accountId}:root` })
  })

  it('answers CreateAccountStatusNotFoundException for a request id it never issued', async () => {
    await expectAwsError(org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: 'car-00000000000000000000000000000000' })), 'CreateAccountStatusNotFoundException')
  })

  it('names the role as RoleName asks', async () => {
    const accountId = await createMemberAccount(org, 'Custom role', { RoleName: 'OpsAdmin' })
    const session = await assumeRole(server, admin, `arn:aws:iam::${accountId}:role/OpsAdmin`)
    expect(session.accessKeyId).toMatch(/^ASIA/)
  })
})

describe('listing and moving accounts', () => {
  it('ListAccounts pages through every account with NextToken, each once', async () => {
    for (let i = 0; i < 4; i++) await createMemberAccount(org, `Paged ${i}`)
    const seen: string[] = []
    let token: string | undefined
    do {
      const page = await org.send(new ListAccountsCommand({ MaxResults: 3, NextToken: token }))
      expect(page.Accounts!.length).toBeLessThanOrEqual(3)
      seen.push(...page.Accounts!.map((account) => account.Id!))
      token = page.NextToken
    } while (token)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toContain(server.accountId)
    expect(seen.length).toBeGreaterThanOrEqual(8)
  })

  it('MoveAccount places an account under an OU, and checks source and destination', async () => {
    const accountId = await createMemberAccount(org, 'Mover')
    const ou = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Target' }))).OrganizationalUnit!.Id!
    await expectAwsError(org.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: 'ou-zzzz-zzzzzzzz', DestinationParentId: ou })), 'SourceParentNotFoundException')
    await expectAwsError(org.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: rootId, DestinationParentId: 'ou-zzzz-zzzzzzzz' })), 'DestinationParentNotFoundException')
    await expectAwsError(org.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: ou, DestinationParentId: rootId })), 'AccountNotFoundException')
    await org.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: rootId, DestinationParentId: ou }))
    expect((await org.send(new ListAccountsForParentCommand({ ParentId: ou }))).Accounts!.map((account) => account.Id)).toEqual([accountId])
    await expectAwsError(org.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: ou, DestinationParentId: ou })), 'DuplicateAccountException')
  })

  it('answers AccountNotFoundException for an account outside the organization', async () => {
    await expectAwsError(org.send(new DescribeAccountCommand({ AccountId: '999999999999' })), 'AccountNotFoundException', { message: "You specified an account that doesn't exist." })
  })
})

describe('a member account', () => {
  let memberId: string
  let member: OrganizationsClient

  beforeAll(async () => {
    memberId = await createMemberAccount(org, 'Member caller')
    member = organizationsClient(server, await assumeRole(server, admin, `arn:aws:iam::${memberId}:role/OrganizationAccountAccessRole`))
  })

  it('sees its organization but is refused management-only operations with AccessDeniedException', async () => {
    expect((await member.send(new DescribeOrganizationCommand({}))).Organization!.Id).toBe(organizationId)
    await expectAwsError(member.send(new ListAccountsCommand({})), 'AccessDeniedException', { message: "You don't have permissions to access this resource." })
    await expectAwsError(member.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Nope' })), 'AccessDeniedException')
    await expectAwsError(member.send(new CreateAccountCommand({ AccountName: 'Nope', Email: 'nope@example.com' })), 'AccessDeniedException')
  })

  it('the management account cannot leave, be removed or be closed', async () => {
    await expectAwsError(org.send(new LeaveOrganizationCommand({})), 'MasterCannotLeaveOrganizationException')
    await expectAwsError(org.send(new RemoveAccountFromOrganizationCommand({ AccountId: server.accountId })), 'MasterCannotLeaveOrganizationException')
    await expectAwsError(org.send(new CloseAccountCommand({ AccountId: server.accountId })), 'ConstraintViolationException', { reason: 'CANNOT_CLOSE_MANAGEMENT_ACCOUNT' })
  })

  it('DeleteOrganization is refused while member accounts remain', async () => {
    await expectAwsError(org.send(new DeleteOrganizationCommand({})), 'OrganizationNotEmptyException')
  })

  it('LeaveOrganization by the member takes it out of the organization', async () => {
    await member.send(new LeaveOrganizationCommand({}))
    await expectAwsError(member.send(new DescribeOrganizationCommand({})), 'AWSOrganizationsNotInUseException')
    await expectAwsError(org.send(new DescribeAccountCommand({ AccountId: memberId })), 'AccountNotFoundException')
  })
})

describe('RemoveAccountFromOrganization and CloseAccount', () => {
  it('removes a member account', async () => {
    const accountId = await createMemberAccount(org, 'Removed')
    await org.send(new RemoveAccountFromOrganizationCommand({ AccountId: accountId }))
    await expectAwsError(org.send(new DescribeAccountCommand({ AccountId: accountId })), 'AccountNotFoundException')
    await expectAwsError(org.send(new RemoveAccountFromOrganizationCommand({ AccountId: accountId })), 'AccountNotFoundException')
  })

  it('closes a member account: SUSPENDED, its role no longer assumable, a second close refused', async () => {
    const accountId = await createMemberAccount(org, 'Closed')
    const roleArn = `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`
    const session = await assumeRole(server, admin, roleArn)
    await org.send(new CloseAccountCommand({ AccountId: accountId }))
    expect((await org.send(new DescribeAccountCommand({ AccountId: accountId }))).Account!.Status).toBe('SUSPENDED')
    await expectAwsError(org.send(new CloseAccountCommand({ AccountId: accountId })), 'AccountAlreadyClosedException')
    const identity = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: session, maxAttempts: 1 }).send(new GetCallerIdentityCommand({}))
    await expect(identity).rejects.toThrow()
    // It stays in the organization: leaving would give its credentials back.
    await expectAwsError(org.send(new RemoveAccountFromOrganizationCommand({ AccountId: accountId })), 'ConstraintViolationException', { reason: 'ACCOUNT_CANNOT_LEAVE_ORGANIZATION' })
  })

  it('closes at most 10 accounts of a small organization within 30 days (CLOSE_ACCOUNT_QUOTA_EXCEEDED)', async () => {
    const other = await startTestPalisade()
    try {
      const client = organizationsClient(other, other.root)
      await client.send(new CreateOrganizationCommand({}))
      const accounts: string[] = []
      for (let i = 0; i < 11; i++) accounts.push(await createMemberAccount(client, `Closable ${i}`))
      for (const id of accounts.slice(0, 10)) await client.send(new CloseAccountCommand({ AccountId: id }))
      await expectAwsError(client.send(new CloseAccountCommand({ AccountId: accounts[10]! })), 'ConstraintViolationException', { reason: 'CLOSE_ACCOUNT_QUOTA_EXCEEDED' })
      expect((await client.send(new DescribeAccountCommand({ AccountId: accounts[10]! }))).Account!.Status).toBe('ACTIVE')
    } finally {
      await other.stop()
    }
  })

  it('closes accounts only when all features are enabled', async () => {
    const other = await startTestPalisade()
    try {
      const client = organizationsClient(other, other.root)
      await client.send(new CreateOrganizationCommand({ FeatureSet: 'CONSOLIDATED_BILLING' }))
      const id = await createMemberAccount(client, 'Billing only')
      await expectAwsError(client.send(new CloseAccountCommand({ AccountId: id })), 'ConstraintViolationException', { reason: 'ORGANIZATION_NOT_IN_ALL_FEATURES_MODE' })
    } finally {
      await other.stop()
    }
  })
})
