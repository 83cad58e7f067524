// Organizations on PostgreSQL, two servers on one database: the tree, an SCP and its attachment made through one
// server are read through the other once its organization index has followed (LISTEN/NOTIFY).
import {
  AttachPolicyCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  EnablePolicyTypeCommand,
  ListAccountsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  MoveAccountCommand,
} from '@aws-sdk/client-organizations'
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam'
import { expect, it, vi } from 'vitest'
import { forPostgres } from '../../src/storage/testing.js'
import { startTestPalisade } from '../support/palisade.js'
import { adminUser, assumeRole, createMemberAccount, organizationsClient, scp } from './ops-support.js'

const ROOT_KEY = Buffer.alloc(32, 7).toString('base64')
const PROPAGATION = { timeout: 5000, interval: 50 }

forPostgres('Organizations on PostgreSQL, two servers', (dialect) => {
  it('shares the organization between servers, and an SCP attached through one applies through the other', async () => {
    const { url } = await dialect.config()
    const first = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    const second = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    try {
      const one = organizationsClient(first, first.root)
      const two = organizationsClient(second, second.root)
      await one.send(new CreateOrganizationCommand({}))
      // The second server reads the organization from its index, which the first server's notice updates.
      const rootId = await vi.waitFor(async () => (await two.send(new ListRootsCommand({}))).Roots![0]!.Id!, PROPAGATION)
      await two.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }))
      const ouId = (await one.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Locked' }))).OrganizationalUnit!.Id!
      const accountId = await createMemberAccount(one, 'Shared member')
      await two.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: rootId, DestinationParentId: ouId }))
      expect((await one.send(new ListAccountsCommand({}))).Accounts!.map((account) => account.Id).sort()).toEqual([first.accountId, accountId].sort())
      expect((await one.send(new ListPoliciesForTargetCommand({ TargetId: ouId, Filter: 'SERVICE_CONTROL_POLICY' }))).Policies!.map((policy) => policy.Id)).toEqual(['p-FullAWSAccess'])

      // The member's admin role, through the second server, may create IAM users until the first server denies it.
      const session = await assumeRole(second, await adminUser(first, first.root), `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`)
      const memberIam = new IAMClient({ endpoint: second.url, region: 'us-east-1', credentials: session, maxAttempts: 1 })
      await memberIam.send(new CreateUserCommand({ UserName: 'before' }))
      const { Policy } = await one.send(new CreatePolicyCommand({ Name: 'NoIam', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: scp([{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }]) }))
      await one.send(new AttachPolicyCommand({ PolicyId: Policy!.PolicySummary!.Id!, TargetId: ouId }))
      await vi.waitFor(
        () => expect(memberIam.send(new CreateUserCommand({ UserName: `after-${Date.now()}` }))).rejects.toMatchObject({ name: 'AccessDenied' }),
        PROPAGATION,
      )
    } finally {
      await first.stop()
      await second.stop()
    }
  })
})
