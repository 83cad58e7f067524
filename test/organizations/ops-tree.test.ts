// Organizations e2e: the organization, its root and a tree of OUs, through @aws-sdk/client-organizations.
import {
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  DeleteOrganizationalUnitCommand,
  DeleteOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  ListChildrenCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  UpdateOrganizationalUnitCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { expectAwsError, organizationsClient } from './ops-support.js'

let server: TestPalisade
let org: OrganizationsClient

beforeAll(async () => {
  server = await startTestPalisade()
  org = organizationsClient(server, server.root)
})
afterAll(async () => {
  await server?.stop()
})

describe('before an organization exists', () => {
  it('DescribeOrganization answers AWSOrganizationsNotInUseException', async () => {
    await expectAwsError(org.send(new DescribeOrganizationCommand({})), 'AWSOrganizationsNotInUseException', { message: 'Your account is not a member of an organization.' })
  })
})

describe('the organization and its tree', () => {
  let rootId: string
  let organizationId: string

  beforeAll(async () => {
    const { Organization } = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))
    organizationId = Organization!.Id!
    rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!
  })

  it('CreateOrganization makes the caller the management account, with ids and ARNs in AWS formats', async () => {
    const { Organization } = await org.send(new DescribeOrganizationCommand({}))
    expect(Organization!.Id).toMatch(/^o-[a-z0-9]{10}$/)
    expect(Organization!.MasterAccountId).toBe(server.accountId)
    expect(Organization!.FeatureSet).toBe('ALL')
    expect(Organization!.Arn).toBe(`arn:aws:organizations::${server.accountId}:organization/${organizationId}`)
    expect(Organization!.MasterAccountArn).toBe(`arn:aws:organizations::${server.accountId}:account/${organizationId}/${server.accountId}`)
  })

  it('a second CreateOrganization answers AlreadyInOrganizationException', async () => {
    await expectAwsError(org.send(new CreateOrganizationCommand({})), 'AlreadyInOrganizationException')
  })

  it('ListRoots returns the one root, named Root, with no policy type enabled', async () => {
    const { Roots } = await org.send(new ListRootsCommand({}))
    expect(Roots).toEqual([{ Id: rootId, Arn: `arn:aws:organizations::${server.accountId}:root/${organizationId}/${rootId}`, Name: 'Root', PolicyTypes: [] }])
    expect(rootId).toMatch(/^r-[a-z0-9]{4}$/)
  })

  it('builds OUs five levels deep and refuses a sixth with OU_DEPTH_LIMIT_EXCEEDED', async () => {
    let parent = rootId
    const chain: string[] = []
    for (let level = 1; level <= 5; level++) {
      const { OrganizationalUnit } = await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: `Level${level}` }))
      expect(OrganizationalUnit!.Id).toMatch(new RegExp(`^ou-${rootId.slice(2)}-[a-z0-9]{8}$`))
      expect(OrganizationalUnit!.Arn).toBe(`arn:aws:organizations::${server.accountId}:ou/${organizationId}/${OrganizationalUnit!.Id}`)
      chain.push(OrganizationalUnit!.Id!)
      parent = OrganizationalUnit!.Id!
    }
    await expectAwsError(org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: 'Level6' })), 'ConstraintViolationException', { reason: 'OU_DEPTH_LIMIT_EXCEEDED' })
    const { Parents } = await org.send(new ListParentsCommand({ ChildId: chain[4]! }))
    expect(Parents).toEqual([{ Id: chain[3], Type: 'ORGANIZATIONAL_UNIT' }])
    expect((await org.send(new ListParentsCommand({ ChildId: chain[0]! }))).Parents).toEqual([{ Id: rootId, Type: 'ROOT' }])
  })

  it('lists children and OUs of a parent, paging with NextToken', async () => {
    const parent = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Wide' }))).OrganizationalUnit!.Id!
    const created = new Set<string>()
    for (let i = 0; i < 5; i++) created.add((await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: `Child${i}` }))).OrganizationalUnit!.Id!)
    const seen: string[] = []
    let token: string | undefined
    do {
      const page = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent, MaxResults: 2, NextToken: token }))
      expect(page.OrganizationalUnits!.length).toBeLessThanOrEqual(2)
      seen.push(...page.OrganizationalUnits!.map((unit) => unit.Id!))
      token = page.NextToken
    } while (token)
    expect(new Set(seen)).toEqual(created)
    expect(seen).toHaveLength(5)
    const { Children } = await org.send(new ListChildrenCommand({ ParentId: parent, ChildType: 'ORGANIZATIONAL_UNIT' }))
    expect(Children!.map((child) => child.Id).sort()).toEqual([...created].sort())
    expect(Children!.every((child) => child.Type === 'ORGANIZATIONAL_UNIT')).toBe(true)
    const accounts = await org.send(new ListChildrenCommand({ ParentId: rootId, ChildType: 'ACCOUNT' }))
    expect(accounts.Children).toEqual([{ Id: server.accountId, Type: 'ACCOUNT' }])
  })

  it('refuses a duplicate OU name under one parent, allows it under another, and renames', async () => {
    const a = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Dup' }))).OrganizationalUnit!.Id!
    await expectAwsError(org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Dup' })), 'DuplicateOrganizationalUnitException')
    const b = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: a, Name: 'Dup' }))).OrganizationalUnit!.Id!
    const renamed = await org.send(new UpdateOrganizationalUnitCommand({ OrganizationalUnitId: b, Name: 'Renamed' }))
    expect(renamed.OrganizationalUnit!.Name).toBe('Renamed')
    expect((await org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: b }))).OrganizationalUnit!.Name).toBe('Renamed')
  })

  it('deletes an OU only when it is empty', async () => {
    const outer = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Outer' }))).OrganizationalUnit!.Id!
    const inner = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: outer, Name: 'Inner' }))).OrganizationalUnit!.Id!
    await expectAwsError(org.send(new DeleteOrganizationalUnitCommand({ OrganizationalUnitId: outer })), 'OrganizationalUnitNotEmptyException')
    await org.send(new DeleteOrganizationalUnitCommand({ OrganizationalUnitId: inner }))
    await org.send(new DeleteOrganizationalUnitCommand({ OrganizationalUnitId: outer }))
    await expectAwsError(org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: outer })), 'OrganizationalUnitNotFoundException')
  })

  it('answers ParentNotFoundException and ChildNotFoundException for ids outside the tree', async () => {
    await expectAwsError(org.send(new CreateOrganizationalUnitCommand({ ParentId: 'ou-zzzz-zzzzzzzz', Name: 'X' })), 'ParentNotFoundException')
    await expectAwsError(org.send(new ListChildrenCommand({ ParentId: 'r-zzzz', ChildType: 'ACCOUNT' })), 'ParentNotFoundException')
    await expectAwsError(org.send(new ListParentsCommand({ ChildId: '999999999999' })), 'ChildNotFoundException')
  })

  it('rejects a NextToken it did not issue with InvalidInputException', async () => {
    await expectAwsError(org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: rootId, NextToken: 'not-a-token!' })), 'InvalidInputException', { reason: 'INVALID_NEXT_TOKEN' })
  })
})

describe('DeleteOrganization', () => {
  it('deletes an organization holding only the management account; the account may then create another', async () => {
    const other = await startTestPalisade()
    try {
      const client = organizationsClient(other, other.root)
      const first = (await client.send(new CreateOrganizationCommand({ FeatureSet: 'CONSOLIDATED_BILLING' }))).Organization!
      expect(first.FeatureSet).toBe('CONSOLIDATED_BILLING')
      await client.send(new DeleteOrganizationCommand({}))
      await expectAwsError(client.send(new DescribeOrganizationCommand({})), 'AWSOrganizationsNotInUseException')
      const second = (await client.send(new CreateOrganizationCommand({}))).Organization!
      expect(second.Id).not.toBe(first.Id)
      expect(second.FeatureSet).toBe('ALL')
    } finally {
      await other.stop()
    }
  })
})
