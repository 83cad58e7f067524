// Organizations e2e: policies (SCP and RCP grammar and limits, store-and-report types), policy types per root,
// attachments with the AWS managed full-access policies, effective tag policies, and tags.
import {
  AttachPolicyCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DescribeEffectivePolicyCommand,
  DescribePolicyCommand,
  DetachPolicyCommand,
  DisablePolicyTypeCommand,
  EnablePolicyTypeCommand,
  ListPoliciesCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  ListTargetsForPolicyCommand,
  MoveAccountCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePolicyCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { createMemberAccount, expectAwsError, organizationsClient, scp, startOrganization } from './ops-support.js'

let server: TestPalisade
let org: OrganizationsClient
let rootId: string
let organizationId: string
let ouId: string
let accountId: string

const denyS3 = scp([{ Effect: 'Deny', Action: 's3:*', Resource: '*' }])

async function createScp(name: string, content = denyS3): Promise<string> {
  const { Policy } = await org.send(new CreatePolicyCommand({ Name: name, Description: `${name} policy`, Type: 'SERVICE_CONTROL_POLICY', Content: content }))
  return Policy!.PolicySummary!.Id!
}

async function attachedIds(targetId: string, filter: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY' | 'TAG_POLICY' = 'SERVICE_CONTROL_POLICY'): Promise<string[]> {
  return (await org.send(new ListPoliciesForTargetCommand({ TargetId: targetId, Filter: filter }))).Policies!.map((policy) => policy.Id!)
}

beforeAll(async () => {
  ({ server, org, organizationId, rootId } = await startOrganization())
  ouId = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Prod' }))).OrganizationalUnit!.Id!
  accountId = await createMemberAccount(org, 'Policy target')
  await org.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: rootId, DestinationParentId: ouId }))
})
afterAll(async () => {
  await server?.stop()
})

describe('service control policies', () => {
  let policyId: string

  it('CreatePolicy stores an SCP with an id and ARN in AWS formats', async () => {
    const { Policy } = await org.send(new CreatePolicyCommand({ Name: 'DenyS3', Description: 'no S3', Type: 'SERVICE_CONTROL_POLICY', Content: denyS3 }))
    policyId = Policy!.PolicySummary!.Id!
    expect(policyId).toMatch(/^p-[a-z0-9]{8}$/)
    expect(Policy).toEqual({
      PolicySummary: {
        Id: policyId,
        Arn: `arn:aws:organizations::${server.accountId}:policy/${organizationId}/service_control_policy/${policyId}`,
        Name: 'DenyS3',
        Description: 'no S3',
        Type: 'SERVICE_CONTROL_POLICY',
        AwsManaged: false,
      },
      Content: denyS3,
    })
    await expectAwsError(org.send(new CreatePolicyCommand({ Name: 'DenyS3', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: denyS3 })), 'DuplicatePolicyException')
  })

  it('cannot be attached before the policy type is enabled on the root', async () => {
    await expectAwsError(org.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: ouId })), 'PolicyTypeNotEnabledException')
  })

  it('EnablePolicyType attaches FullAWSAccess to the root, every OU and every account', async () => {
    const { Root } = await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }))
    expect(Root!.PolicyTypes).toEqual([{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }])
    for (const target of [rootId, ouId, accountId, server.accountId]) expect(await attachedIds(target)).toEqual(['p-FullAWSAccess'])
    const targets = (await org.send(new ListTargetsForPolicyCommand({ PolicyId: 'p-FullAWSAccess' }))).Targets!
    expect(targets).toEqual(expect.arrayContaining([
      { TargetId: rootId, Arn: `arn:aws:organizations::${server.accountId}:root/${organizationId}/${rootId}`, Name: 'Root', Type: 'ROOT' },
      { TargetId: ouId, Arn: `arn:aws:organizations::${server.accountId}:ou/${organizationId}/${ouId}`, Name: 'Prod', Type: 'ORGANIZATIONAL_UNIT' },
      { TargetId: accountId, Arn: `arn:aws:organizations::${server.accountId}:account/${organizationId}/${accountId}`, Name: 'Policy target', Type: 'ACCOUNT' },
    ]))
    await expectAwsError(org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' })), 'PolicyTypeAlreadyEnabledException')
    await expectAwsError(org.send(new EnablePolicyTypeCommand({ RootId: 'r-zzzz', PolicyType: 'SERVICE_CONTROL_POLICY' })), 'RootNotFoundException')
    const { Policy } = await org.send(new DescribePolicyCommand({ PolicyId: 'p-FullAWSAccess' }))
    expect(Policy!.PolicySummary).toMatchObject({ Name: 'FullAWSAccess', AwsManaged: true, Arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess' })
    expect(JSON.parse(Policy!.Content!)).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })
  })

  it('a new OU and a new account get FullAWSAccess too', async () => {
    const newOu = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Later' }))).OrganizationalUnit!.Id!
    expect(await attachedIds(newOu)).toEqual(['p-FullAWSAccess'])
    expect(await attachedIds(await createMemberAccount(org, 'Later account'))).toEqual(['p-FullAWSAccess'])
  })

  it('attaches once per target, at most five SCPs per target', async () => {
    await org.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: ouId }))
    expect((await attachedIds(ouId)).sort()).toEqual(['p-FullAWSAccess', policyId].sort())
    await expectAwsError(org.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: ouId })), 'DuplicatePolicyAttachmentException')
    for (let i = 0; i < 3; i++) await org.send(new AttachPolicyCommand({ PolicyId: await createScp(`Extra${i}`), TargetId: ouId }))
    await expectAwsError(org.send(new AttachPolicyCommand({ PolicyId: await createScp('Sixth'), TargetId: ouId })), 'ConstraintViolationException', { reason: 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED' })
    await expectAwsError(org.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: 'ou-zzzz-zzzzzzzz' })), 'TargetNotFoundException')
    await expectAwsError(org.send(new AttachPolicyCommand({ PolicyId: 'p-zzzzzzzz', TargetId: ouId })), 'PolicyNotFoundException')
  })

  it('every target keeps at least one SCP: FullAWSAccess can go only once another is attached', async () => {
    await expectAwsError(org.send(new DetachPolicyCommand({ PolicyId: 'p-FullAWSAccess', TargetId: accountId })), 'ConstraintViolationException', { reason: 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED' })
    await expectAwsError(org.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: accountId })), 'PolicyNotAttachedException')
    await org.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: accountId }))
    await org.send(new DetachPolicyCommand({ PolicyId: 'p-FullAWSAccess', TargetId: accountId }))
    expect(await attachedIds(accountId)).toEqual([policyId])
  })

  it('a policy in use cannot be deleted; an AWS managed one can be neither changed nor deleted', async () => {
    await expectAwsError(org.send(new DeletePolicyCommand({ PolicyId: policyId })), 'PolicyInUseException')
    await expectAwsError(org.send(new DeletePolicyCommand({ PolicyId: 'p-FullAWSAccess' })), 'InvalidInputException', { reason: 'IMMUTABLE_POLICY' })
    await expectAwsError(org.send(new UpdatePolicyCommand({ PolicyId: 'p-FullAWSAccess', Name: 'Mine' })), 'InvalidInputException', { reason: 'IMMUTABLE_POLICY' })
    const unused = await createScp('Unused')
    await org.send(new DeletePolicyCommand({ PolicyId: unused }))
    await expectAwsError(org.send(new DescribePolicyCommand({ PolicyId: unused })), 'PolicyNotFoundException')
  })

  it('UpdatePolicy changes name, description and content, checking the content like CreatePolicy', async () => {
    const denyEc2 = scp([{ Effect: 'Deny', Action: 'ec2:*', Resource: '*' }])
    const { Policy } = await org.send(new UpdatePolicyCommand({ PolicyId: policyId, Name: 'DenyEc2', Description: 'no EC2', Content: denyEc2 }))
    expect(Policy).toMatchObject({ PolicySummary: { Id: policyId, Name: 'DenyEc2', Description: 'no EC2' }, Content: denyEc2 })
    await expectAwsError(org.send(new UpdatePolicyCommand({ PolicyId: policyId, Content: '{' })), 'MalformedPolicyDocumentException')
    expect((await org.send(new DescribePolicyCommand({ PolicyId: policyId }))).Policy!.Content).toBe(denyEc2)
  })

  it('ListPolicies lists the AWS managed policy beside the customer ones', async () => {
    const policies: string[] = []
    let token: string | undefined
    do {
      const page = await org.send(new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY', MaxResults: 2, NextToken: token }))
      policies.push(...page.Policies!.map((policy) => policy.Name!))
      token = page.NextToken
    } while (token)
    expect(policies).toEqual(expect.arrayContaining(['FullAWSAccess', 'DenyEc2', 'Extra0', 'Sixth']))
    expect(new Set(policies).size).toBe(policies.length)
  })

  it.each([
    { name: 'a Principal element', content: scp([{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }]), message: 'Policy document should not specify a principal.' },
    { name: 'a wildcard before the end of an action', content: scp([{ Effect: 'Deny', Action: 's3:*Object', Resource: '*' }]), message: /wildcard/ },
    { name: 'text that is not JSON', content: 'not json', message: 'Syntax errors in policy.' },
    { name: 'a 2008-10-17 version', content: JSON.stringify({ Version: '2008-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] }), message: 'Policy document must be version 2012-10-17 or greater.' },
  ])('refuses an SCP with $name (MalformedPolicyDocumentException)', async ({ content, message }) => {
    await expectAwsError(org.send(new CreatePolicyCommand({ Name: 'Bad', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: content })), 'MalformedPolicyDocumentException', { message })
  })

  it('refuses an SCP over 5,120 characters with POLICY_CONTENT_LIMIT_EXCEEDED and accepts one at the limit', async () => {
    const padded = (length: number) => {
      const base = scp([{ Sid: '', Effect: 'Deny', Action: 's3:*', Resource: '*' }])
      return base.replace('"Sid":""', `"Sid":"${'A'.repeat(length - base.length)}"`)
    }
    expect(padded(5120)).toHaveLength(5120)
    await org.send(new CreatePolicyCommand({ Name: 'AtLimit', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: padded(5120) }))
    await expectAwsError(org.send(new CreatePolicyCommand({ Name: 'OverLimit', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: padded(5121) })), 'ConstraintViolationException', { reason: 'POLICY_CONTENT_LIMIT_EXCEEDED' })
  })

  it('DisablePolicyType detaches every SCP', async () => {
    await org.send(new DisablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }))
    expect(await attachedIds(ouId)).toEqual([])
    expect((await org.send(new ListRootsCommand({}))).Roots![0]!.PolicyTypes).toEqual([])
    await expectAwsError(org.send(new DisablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' })), 'PolicyTypeNotEnabledException')
  })
})

describe('resource control policies', () => {
  it('RCPFullAWSAccess is attached everywhere once enabled and cannot be detached', async () => {
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' }))
    expect(await attachedIds(accountId, 'RESOURCE_CONTROL_POLICY')).toEqual(['p-RCPFullAWSAccess'])
    await expectAwsError(org.send(new DetachPolicyCommand({ PolicyId: 'p-RCPFullAWSAccess', TargetId: rootId })), 'InvalidInputException', { reason: 'NON_DETACHABLE_POLICY' })
  })

  it('accepts a Deny RCP with Principal "*" and refuses the shapes RCPs do not allow', async () => {
    const rcp = (statement: Record<string, unknown>) => org.send(new CreatePolicyCommand({ Name: `Rcp${Math.random()}`, Description: '', Type: 'RESOURCE_CONTROL_POLICY', Content: scp([statement]) }))
    const { Policy } = await rcp({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })
    expect(Policy!.PolicySummary!.Arn).toContain(':policy/' + organizationId + '/resource_control_policy/')
    await expectAwsError(rcp({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }), 'MalformedPolicyDocumentException')
    await expectAwsError(rcp({ Effect: 'Deny', Principal: { AWS: '111122223333' }, Action: 's3:*', Resource: '*' }), 'MalformedPolicyDocumentException')
  })
})

describe('tag policies and DescribeEffectivePolicy', () => {
  it('computes the effective tag policy down root → OU → account', async () => {
    await expectAwsError(org.send(new DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: accountId })), 'EffectivePolicyNotFoundException')
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'TAG_POLICY' }))
    const tagPolicy = async (name: string, content: object, target: string) => {
      const { Policy } = await org.send(new CreatePolicyCommand({ Name: name, Description: '', Type: 'TAG_POLICY', Content: JSON.stringify(content) }))
      await org.send(new AttachPolicyCommand({ PolicyId: Policy!.PolicySummary!.Id!, TargetId: target }))
    }
    await tagPolicy('RootTags', { tags: { costcenter: { tag_key: { '@@assign': 'CostCenter' }, tag_value: { '@@assign': ['100', '200'] } } } }, rootId)
    await tagPolicy('OuTags', { tags: { costcenter: { tag_value: { '@@append': ['300'] } }, team: { tag_key: { '@@assign': 'Team' } } } }, ouId)
    await tagPolicy('AccountTags', { tags: { costcenter: { tag_value: { '@@remove': ['100'] } } } }, accountId)
    const { EffectivePolicy } = await org.send(new DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: accountId }))
    expect(EffectivePolicy!.TargetId).toBe(accountId)
    expect(EffectivePolicy!.PolicyType).toBe('TAG_POLICY')
    expect(EffectivePolicy!.LastUpdatedTimestamp!.getTime()).toBeLessThanOrEqual(Date.now())
    expect(JSON.parse(EffectivePolicy!.PolicyContent!)).toEqual({
      tags: { costcenter: { tag_key: 'CostCenter', tag_value: ['200', '300'] }, team: { tag_key: 'Team' } },
    })
  })

  it('honours @@operators_allowed_for_child_policies set by a parent', async () => {
    const other = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Locked' }))).OrganizationalUnit!.Id!
    const locked = await createMemberAccount(org, 'Locked account')
    await org.send(new MoveAccountCommand({ AccountId: locked, SourceParentId: rootId, DestinationParentId: other }))
    const create = async (name: string, content: object, target: string) => {
      const { Policy } = await org.send(new CreatePolicyCommand({ Name: name, Description: '', Type: 'TAG_POLICY', Content: JSON.stringify(content) }))
      await org.send(new AttachPolicyCommand({ PolicyId: Policy!.PolicySummary!.Id!, TargetId: target }))
    }
    await create('LockEnv', { tags: { env: { tag_key: { '@@assign': 'Env', '@@operators_allowed_for_child_policies': ['@@none'] } } } }, other)
    await create('TryChange', { tags: { env: { tag_key: { '@@assign': 'Environment' } } } }, locked)
    const { EffectivePolicy } = await org.send(new DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: locked }))
    expect(JSON.parse(EffectivePolicy!.PolicyContent!).tags.env).toEqual({ tag_key: 'Env' })
  })
})

describe('tags', () => {
  it('tags OUs and policies, lists and removes them', async () => {
    const policyId = await (async () => (await org.send(new CreatePolicyCommand({ Name: 'Tagged', Description: '', Type: 'TAG_POLICY', Content: '{}' }))).Policy!.PolicySummary!.Id!)()
    for (const resource of [ouId, policyId, rootId, accountId]) {
      await org.send(new TagResourceCommand({ ResourceId: resource, Tags: [{ Key: 'owner', Value: 'ops' }, { Key: 'tier', Value: '1' }] }))
      await org.send(new UntagResourceCommand({ ResourceId: resource, TagKeys: ['tier'] }))
      expect((await org.send(new ListTagsForResourceCommand({ ResourceId: resource }))).Tags).toEqual([{ Key: 'owner', Value: 'ops' }])
    }
  })

  it('refuses aws: keys, repeated keys and unknown resources', async () => {
    await expectAwsError(org.send(new TagResourceCommand({ ResourceId: ouId, Tags: [{ Key: 'aws:x', Value: '1' }] })), 'InvalidInputException', { reason: 'INVALID_SYSTEM_TAGS_PARAMETER' })
    await expectAwsError(org.send(new TagResourceCommand({ ResourceId: ouId, Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] })), 'InvalidInputException', { reason: 'DUPLICATE_TAG_KEY' })
    await expectAwsError(org.send(new TagResourceCommand({ ResourceId: 'ou-zzzz-zzzzzzzz', Tags: [{ Key: 'a', Value: '1' }] })), 'TargetNotFoundException')
  })

  it('refuses more than 50 tags on a resource with MAX_TAG_LIMIT_EXCEEDED', async () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))
    await expectAwsError(org.send(new TagResourceCommand({ ResourceId: rootId, Tags: tags })), 'ConstraintViolationException', { reason: 'MAX_TAG_LIMIT_EXCEEDED' })
  })
})

describe('a consolidated billing organization', () => {
  it('cannot enable policy types or create policies', async () => {
    const other = await startTestPalisade()
    try {
      const client = organizationsClient(other, other.root)
      await client.send(new CreateOrganizationCommand({ FeatureSet: 'CONSOLIDATED_BILLING' }))
      const root = (await client.send(new ListRootsCommand({}))).Roots![0]!.Id!
      await expectAwsError(client.send(new EnablePolicyTypeCommand({ RootId: root, PolicyType: 'SERVICE_CONTROL_POLICY' })), 'PolicyTypeNotAvailableForOrganizationException')
      await expectAwsError(client.send(new CreatePolicyCommand({ Name: 'X', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: denyS3 })), 'PolicyTypeNotAvailableForOrganizationException')
    } finally {
      await other.stop()
    }
  })
})
