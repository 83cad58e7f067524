// Two Palisade servers sharing one PostgreSQL database: an SCP attached and detached through one decides the requests
// a member account's role makes through the other, as soon as PostgreSQL delivers the organization's change notice
// (runs when PALISADE_TEST_POSTGRES_URL is set).
import { ListUsersCommand } from '@aws-sdk/client-iam'
import {
  CreateOrganizationalUnitCommand, CreateOrganizationCommand, DetachPolicyCommand, EnablePolicyTypeCommand, ListRootsCommand, MoveAccountCommand,
} from '@aws-sdk/client-organizations'
import { expect, it, vi } from 'vitest'
import { forPostgres } from '../../src/storage/testing.js'
import { startTestPalisade } from '../support/palisade.js'
import { attachNewPolicy, createAccount, iam, managementAdmin, memberAdminRole, organizations } from './enforcement-support.js'

const ROOT_KEY = Buffer.alloc(32, 7).toString('base64')
// LISTEN/NOTIFY reaches the other server soon after the commit, not at it.
const PROPAGATION = { timeout: 5000, interval: 25 }

forPostgres('SCPs across servers', (dialect) => {
  it('applies an SCP attached or detached through one server to the requests the other serves', async () => {
    const { url } = await dialect.config()
    const first = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    const second = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    try {
      const org = organizations(first, first.root)
      await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))
      const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!
      await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }))
      const ouId = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Prod' }))).OrganizationalUnit!.Id!
      const accountId = await createAccount(org, 'Shared workload')
      await org.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: rootId, DestinationParentId: ouId }))
      const role = await memberAdminRole(second, await managementAdmin({ url: first.url, managementRoot: first.root }), accountId)
      const outcome = () => iam(second, role).send(new ListUsersCommand({})).then(() => 'allowed', (error: { name: string }) => error.name)
      expect(await outcome()).toBe('allowed')

      const policyId = await attachNewPolicy(org, 'deny-iam', ouId, [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }])
      await vi.waitFor(async () => expect(await outcome()).toBe('AccessDenied'), PROPAGATION)
      await org.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: ouId }))
      await vi.waitFor(async () => expect(await outcome()).toBe('allowed'), PROPAGATION)
    } finally {
      await second.stop()
      await first.stop()
    }
  })
})
