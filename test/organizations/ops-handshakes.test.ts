// Organizations e2e: handshakes between two accounts — an account standing alone is invited, and its own principal
// (a session of its administrator role) accepts, declines or sees the invitation cancelled; EnableAllFeatures
// approvals.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import {
  AcceptHandshakeCommand,
  CancelHandshakeCommand,
  CreateOrganizationCommand,
  DeclineHandshakeCommand,
  DescribeAccountCommand,
  DescribeHandshakeCommand,
  DescribeOrganizationCommand,
  EnableAllFeaturesCommand,
  InviteAccountToOrganizationCommand,
  ListHandshakesForAccountCommand,
  ListHandshakesForOrganizationCommand,
  ListTagsForResourceCommand,
  RemoveAccountFromOrganizationCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { adminUser, assumeRole, createMemberAccount, type Credentials, expectAwsError, organizationsClient, scp, startOrganization } from './ops-support.js'

let server: TestPalisade
let org: OrganizationsClient
let admin: Credentials
let organizationId: string

beforeAll(async () => {
  ({ server, org, organizationId } = await startOrganization())
  admin = await adminUser(server, server.root)
})
afterAll(async () => {
  await server?.stop()
})

/** An account that exists in Palisade outside any organization, and a client signing as its administrator role. */
async function standaloneAccount(name: string): Promise<{ accountId: string; client: OrganizationsClient }> {
  const accountId = await createMemberAccount(org, name)
  await org.send(new RemoveAccountFromOrganizationCommand({ AccountId: accountId }))
  const session = await assumeRole(server, admin, `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`)
  return { accountId, client: organizationsClient(server, session) }
}

describe('InviteAccountToOrganization and AcceptHandshake', () => {
  it('the invited account accepts with its own credentials and joins as INVITED, with the invitation tags', async () => {
    const invited = await standaloneAccount('Invitee')
    await expectAwsError(invited.client.send(new DescribeOrganizationCommand({})), 'AWSOrganizationsNotInUseException')
    const { Handshake } = await org.send(new InviteAccountToOrganizationCommand({
      Target: { Type: 'ACCOUNT', Id: invited.accountId }, Notes: 'welcome', Tags: [{ Key: 'team', Value: 'blue' }],
    }))
    expect(Handshake).toMatchObject({ Action: 'INVITE', State: 'OPEN' })
    expect(Handshake!.Id).toMatch(/^h-[a-z0-9]{10}$/)
    expect(Handshake!.Arn).toBe(`arn:aws:organizations::${server.accountId}:handshake/${organizationId}/invite/${Handshake!.Id}`)
    expect(Handshake!.Parties).toEqual(expect.arrayContaining([{ Id: invited.accountId, Type: 'ACCOUNT' }, { Id: organizationId, Type: 'ORGANIZATION' }]))
    expect(Handshake!.Resources).toEqual(expect.arrayContaining([{ Type: 'NOTES', Value: 'welcome' }]))
    expect(Handshake!.ExpirationTimestamp!.getTime() - Handshake!.RequestedTimestamp!.getTime()).toBe(15 * 24 * 3600 * 1000)

    const listed = await invited.client.send(new ListHandshakesForAccountCommand({}))
    expect(listed.Handshakes!.map((handshake) => handshake.Id)).toEqual([Handshake!.Id])
    await expectAwsError(org.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: invited.accountId } })), 'DuplicateHandshakeException')
    // Only the invited account may accept.
    await expectAwsError(org.send(new AcceptHandshakeCommand({ HandshakeId: Handshake!.Id! })), 'AccessDeniedException')

    const accepted = await invited.client.send(new AcceptHandshakeCommand({ HandshakeId: Handshake!.Id! }))
    expect(accepted.Handshake!.State).toBe('ACCEPTED')
    expect((await invited.client.send(new DescribeOrganizationCommand({}))).Organization!.Id).toBe(organizationId)
    expect((await org.send(new DescribeAccountCommand({ AccountId: invited.accountId }))).Account).toMatchObject({ JoinedMethod: 'INVITED', Status: 'ACTIVE' })
    expect((await org.send(new ListTagsForResourceCommand({ ResourceId: invited.accountId }))).Tags).toEqual([{ Key: 'team', Value: 'blue' }])
    await expectAwsError(invited.client.send(new AcceptHandshakeCommand({ HandshakeId: Handshake!.Id! })), 'HandshakeAlreadyInStateException')
  })

  it('in an organization with all features, accepting needs iam:CreateServiceLinkedRole too (AccessDeniedForDependencyException)', async () => {
    const accountId = await createMemberAccount(org, 'Needs SLR permission')
    await org.send(new RemoveAccountFromOrganizationCommand({ AccountId: accountId }))
    const session = await assumeRole(server, admin, `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`)
    const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: session, maxAttempts: 1 })
    await iam.send(new CreateUserCommand({ UserName: 'orgs-only' }))
    await iam.send(new PutUserPolicyCommand({ UserName: 'orgs-only', PolicyName: 'p', PolicyDocument: scp([{ Effect: 'Allow', Action: 'organizations:*', Resource: '*' }]) }))
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'orgs-only' }))
    const orgsOnly = organizationsClient(server, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! })

    const { Handshake } = await org.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: accountId } }))
    await expectAwsError(orgsOnly.send(new AcceptHandshakeCommand({ HandshakeId: Handshake!.Id! })), 'AccessDeniedForDependencyException', {
      reason: 'ACCESS_DENIED_DURING_CREATE_SERVICE_LINKED_ROLE',
    })
    // Nothing was applied: the account is outside the organization and the invitation still open.
    await expectAwsError(orgsOnly.send(new DescribeOrganizationCommand({})), 'AWSOrganizationsNotInUseException')
    expect((await org.send(new DescribeHandshakeCommand({ HandshakeId: Handshake!.Id! }))).Handshake!.State).toBe('OPEN')

    const administrator = organizationsClient(server, session)
    expect((await administrator.send(new AcceptHandshakeCommand({ HandshakeId: Handshake!.Id! }))).Handshake!.State).toBe('ACCEPTED')
  })

  it('refuses to invite an account already in an organization (ALREADY_IN_AN_ORGANIZATION) or one that does not exist', async () => {
    const member = await createMemberAccount(org, 'Already member')
    await expectAwsError(org.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: member } })), 'HandshakeConstraintViolationException', { reason: 'ALREADY_IN_AN_ORGANIZATION' })
    await expectAwsError(org.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: '999999999999' } })), 'AccountNotFoundException')
    await expectAwsError(org.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ORGANIZATION', Id: 'o-abcdefghij' } })), 'InvalidInputException', { reason: 'INVALID_PARTY_TYPE_TARGET' })
  })

  it('invites by email address', async () => {
    const invited = await standaloneAccount('By Email')
    const { Handshake } = await org.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'EMAIL', Id: 'by.email@example.com' } }))
    expect(Handshake!.Parties).toEqual(expect.arrayContaining([{ Id: invited.accountId, Type: 'ACCOUNT' }]))
    await org.send(new CancelHandshakeCommand({ HandshakeId: Handshake!.Id! }))
  })
})

describe('DeclineHandshake and CancelHandshake', () => {
  it('a declined invitation stays out of the organization and cannot be accepted afterwards', async () => {
    const invited = await standaloneAccount('Decliner')
    const { Handshake } = await org.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: invited.accountId } }))
    const declined = await invited.client.send(new DeclineHandshakeCommand({ HandshakeId: Handshake!.Id! }))
    expect(declined.Handshake!.State).toBe('DECLINED')
    await expectAwsError(invited.client.send(new AcceptHandshakeCommand({ HandshakeId: Handshake!.Id! })), 'InvalidHandshakeTransitionException')
    await expectAwsError(invited.client.send(new DescribeOrganizationCommand({})), 'AWSOrganizationsNotInUseException')
    expect((await org.send(new DescribeHandshakeCommand({ HandshakeId: Handshake!.Id! }))).Handshake!.State).toBe('DECLINED')
  })

  it('the management account cancels an open invitation; the invited account no longer can accept it', async () => {
    const invited = await standaloneAccount('Cancelled')
    const { Handshake } = await org.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: invited.accountId } }))
    await expectAwsError(invited.client.send(new CancelHandshakeCommand({ HandshakeId: Handshake!.Id! })), 'AccessDeniedException')
    expect((await org.send(new CancelHandshakeCommand({ HandshakeId: Handshake!.Id! }))).Handshake!.State).toBe('CANCELED')
    await expectAwsError(invited.client.send(new AcceptHandshakeCommand({ HandshakeId: Handshake!.Id! })), 'InvalidHandshakeTransitionException')
    const all = await org.send(new ListHandshakesForOrganizationCommand({ Filter: { ActionType: 'INVITE' } }))
    expect(all.Handshakes!.find((handshake) => handshake.Id === Handshake!.Id)!.State).toBe('CANCELED')
  })

  it('a handshake of another party is not found', async () => {
    const outsider = await standaloneAccount('Outsider')
    const other = await standaloneAccount('Other invitee')
    const { Handshake } = await org.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: other.accountId } }))
    await expectAwsError(outsider.client.send(new DescribeHandshakeCommand({ HandshakeId: Handshake!.Id! })), 'HandshakeNotFoundException')
    await expectAwsError(outsider.client.send(new AcceptHandshakeCommand({ HandshakeId: Handshake!.Id! })), 'HandshakeNotFoundException')
  })
})

describe('expiry', () => {
  it('an invitation not answered within 15 days is EXPIRED and can no longer be accepted', async () => {
    let offset = 0
    const other = await startTestPalisade([], { clock: { now: () => new Date(Date.now() + offset) } })
    try {
      const management = organizationsClient(other, other.root)
      await management.send(new CreateOrganizationCommand({}))
      const otherAdmin = await adminUser(other, other.root)
      const inviteeId = await createMemberAccount(management, 'Slow responder')
      await management.send(new RemoveAccountFromOrganizationCommand({ AccountId: inviteeId }))
      const { Handshake } = await management.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: inviteeId } }))
      offset = 16 * 24 * 3600 * 1000
      // A fresh client per call: the SDK resets its clock offset from each response's Date header.
      const later = () => organizationsClient(other, other.root, offset)
      expect((await later().send(new DescribeHandshakeCommand({ HandshakeId: Handshake!.Id! }))).Handshake!.State).toBe('EXPIRED')
      const session = await assumeRole(other, otherAdmin, `arn:aws:iam::${inviteeId}:role/OrganizationAccountAccessRole`, { clockOffsetMs: offset })
      await expectAwsError(organizationsClient(other, session, offset).send(new AcceptHandshakeCommand({ HandshakeId: Handshake!.Id! })), 'InvalidHandshakeTransitionException')
      // An expired invitation no longer blocks a new one.
      expect((await later().send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: inviteeId } }))).Handshake!.State).toBe('OPEN')
    } finally {
      await other.stop()
    }
  })
})

describe('EnableAllFeatures', () => {
  it('needs every invited member to approve before the management account finalizes it', async () => {
    const other = await startTestPalisade()
    try {
      const billing = organizationsClient(other, other.root)
      await billing.send(new CreateOrganizationCommand({ FeatureSet: 'CONSOLIDATED_BILLING' }))
      const otherAdmin = await adminUser(other, other.root)
      const memberId = await createMemberAccount(billing, 'Approver')
      await billing.send(new RemoveAccountFromOrganizationCommand({ AccountId: memberId }))
      const member = organizationsClient(other, await assumeRole(other, otherAdmin, `arn:aws:iam::${memberId}:role/OrganizationAccountAccessRole`))
      const invite = await billing.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: memberId } }))
      await member.send(new AcceptHandshakeCommand({ HandshakeId: invite.Handshake!.Id! }))
      const spareId = await createMemberAccount(billing, 'Spare')
      await billing.send(new RemoveAccountFromOrganizationCommand({ AccountId: spareId }))

      const { Handshake } = await billing.send(new EnableAllFeaturesCommand({}))
      expect(Handshake).toMatchObject({ Action: 'ENABLE_ALL_FEATURES', State: 'OPEN' })
      await expectAwsError(billing.send(new EnableAllFeaturesCommand({})), 'HandshakeConstraintViolationException', { reason: 'ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION' })
      await expectAwsError(billing.send(new AcceptHandshakeCommand({ HandshakeId: Handshake!.Id! })), 'InvalidHandshakeTransitionException')
      await expectAwsError(billing.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: spareId } })), 'HandshakeConstraintViolationException', { reason: 'INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES' })
      const approvals = await member.send(new ListHandshakesForAccountCommand({ Filter: { ActionType: 'APPROVE_ALL_FEATURES' } }))
      expect(approvals.Handshakes).toHaveLength(1)
      await member.send(new AcceptHandshakeCommand({ HandshakeId: approvals.Handshakes![0]!.Id! }))
      await billing.send(new AcceptHandshakeCommand({ HandshakeId: Handshake!.Id! }))
      expect((await billing.send(new DescribeOrganizationCommand({}))).Organization!.FeatureSet).toBe('ALL')
      await expectAwsError(billing.send(new EnableAllFeaturesCommand({})), 'HandshakeConstraintViolationException', { reason: 'ORGANIZATION_ALREADY_HAS_ALL_FEATURES' })
    } finally {
      await other.stop()
    }
  })
})
