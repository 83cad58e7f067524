// The organization index (the authorization stage's OrganizationPolicySource) read beside a running server: an
// account's organization, org path and SCP/RCP levels root → OUs → account, none for the management account, none
// when the policy type is off, and the closed flag — following changes made through the API.
import {
  AttachPolicyCommand,
  CloseAccountCommand,
  CreateOrganizationalUnitCommand,
  CreatePolicyCommand,
  DisablePolicyTypeCommand,
  EnablePolicyTypeCommand,
  MoveAccountCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadOrganizationIndex, type OrganizationIndex } from '../../src/services/organizations/index.js'
import { openDatabase, type Database } from '../../src/storage/database.js'
import type { TestPalisade } from '../support/palisade.js'
import { createMemberAccount, scp, startOrganization } from './ops-support.js'

let server: TestPalisade
let org: OrganizationsClient
let database: Database
let index: OrganizationIndex
let organizationId: string
let rootId: string
let prodId: string
let regulatedId: string
let accountId: string

beforeAll(async () => {
  ({ server, org, organizationId, rootId } = await startOrganization())
  prodId = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Prod' }))).OrganizationalUnit!.Id!
  regulatedId = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: prodId, Name: 'Regulated' }))).OrganizationalUnit!.Id!
  accountId = await createMemberAccount(org, 'Indexed')
  await org.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: rootId, DestinationParentId: regulatedId }))
  // A second handle on the server's SQLite file: this index sees the server's committed changes on a full reload.
  database = await openDatabase({ url: join(server.dataDir, 'palisade.db') })
  index = await loadOrganizationIndex(database, { partition: 'aws' })
})
afterAll(async () => {
  await index?.close()
  await database?.close()
  await server?.stop()
})

/** A fresh index over the server's database: what the server's own index holds after the change notices. */
async function reloaded(): Promise<OrganizationIndex> {
  await index.close()
  index = await loadOrganizationIndex(database, { partition: 'aws' })
  return index
}

describe('OrganizationIndex.membership', () => {
  it('places the account under its organization with the org path root → OUs', async () => {
    const membership = index.membership(accountId)
    expect(membership).toMatchObject({ organizationId, managementAccountId: server.accountId, orgPath: `${organizationId}/${rootId}/${prodId}/${regulatedId}/` })
    expect(membership!.scps).toBeUndefined() // SCPs not enabled yet
    expect(index.membership(server.accountId)!.orgPath).toBe(`${organizationId}/${rootId}/`)
    expect(index.membership('999999999999')).toBeUndefined()
    expect(index.organizationOf(accountId)).toMatchObject({ organizationId, managementAccountId: server.accountId, rootId, featureSet: 'ALL' })
  })

  it('lists SCPs per level, root first, FullAWSAccess included; the management account has none', async () => {
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }))
    const { Policy } = await org.send(new CreatePolicyCommand({ Name: 'DenyS3', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: scp([{ Effect: 'Deny', Action: 's3:*', Resource: '*' }]) }))
    await org.send(new AttachPolicyCommand({ PolicyId: Policy!.PolicySummary!.Id!, TargetId: prodId }))
    const membership = (await reloaded()).membership(accountId)!
    const fullAccess = 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess'
    const denyS3 = `arn:aws:organizations::${server.accountId}:policy/${organizationId}/service_control_policy/${Policy!.PolicySummary!.Id}`
    expect(membership.scps!.map((level) => level.map((policy) => policy.id).sort())).toEqual([[fullAccess], [denyS3, fullAccess].sort(), [fullAccess], [fullAccess]])
    expect(membership.scps!.flat().every((policy) => policy.type === 'scp')).toBe(true)
    expect(membership.rcps).toBeUndefined()
    expect(index.membership(server.accountId)!.scps).toBeUndefined()
  })

  it('follows a move (fewer levels) and a closure', async () => {
    await org.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: regulatedId, DestinationParentId: rootId }))
    expect((await reloaded()).membership(accountId)!.orgPath).toBe(`${organizationId}/${rootId}/`)
    expect(index.membership(accountId)!.scps).toHaveLength(2)
    expect(index.membership(accountId)!.closed).toBeUndefined()
    await org.send(new CloseAccountCommand({ AccountId: accountId }))
    expect((await reloaded()).membership(accountId)!.closed).toBe(true)
  })

  it('drops the SCP levels when the policy type is disabled', async () => {
    await org.send(new DisablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }))
    expect((await reloaded()).membership(accountId)!.scps).toBeUndefined()
  })
})
