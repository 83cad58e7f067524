// Organizations e2e: IAM decides who may call each operation, on AWS's resource ARNs (policy ARNs carry the policy
// type, targets are root/OU/account ARNs) and with organizations:PolicyType.
import { CreateAccessKeyCommand, CreateUserCommand, GetRoleCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import {
  AttachPolicyCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { createMemberAccount, expectAwsError, organizationsClient, scp, startOrganization } from './ops-support.js'

let server: TestPalisade
let org: OrganizationsClient
let operator: OrganizationsClient
let ouId: string
let accountId: string
let scpId: string
let tagPolicyId: string

beforeAll(async () => {
  let rootId: string
  ({ server, org, rootId } = await startOrganization())
  for (const type of ['SERVICE_CONTROL_POLICY', 'TAG_POLICY'] as const) await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: type }))
  ouId = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Prod' }))).OrganizationalUnit!.Id!
  accountId = await createMemberAccount(org, 'Guarded')
  scpId = (await org.send(new CreatePolicyCommand({ Name: 'DenyS3', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: scp([{ Effect: 'Deny', Action: 's3:*', Resource: '*' }]) }))).Policy!.PolicySummary!.Id!
  tagPolicyId = (await org.send(new CreatePolicyCommand({ Name: 'Tags', Description: '', Type: 'TAG_POLICY', Content: '{}' }))).Policy!.PolicySummary!.Id!

  // An operator who may attach SCPs to OUs, and nothing else.
  const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: server.root, maxAttempts: 1 })
  await iam.send(new CreateUserCommand({ UserName: 'scp-operator' }))
  await iam.send(new PutUserPolicyCommand({
    UserName: 'scp-operator',
    PolicyName: 'attach-scps-to-ous',
    PolicyDocument: scp([{
      Effect: 'Allow',
      Action: 'organizations:AttachPolicy',
      Resource: [`arn:aws:organizations::${server.accountId}:policy/o-*/service_control_policy/p-*`, `arn:aws:organizations::${server.accountId}:ou/o-*/ou-*`],
      Condition: { StringEquals: { 'organizations:PolicyType': 'SERVICE_CONTROL_POLICY' } },
    }]),
  }))
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'scp-operator' }))
  operator = organizationsClient(server, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! })
})
afterAll(async () => {
  await server?.stop()
})

describe('CreateOrganization', () => {
  it('needs iam:CreateServiceLinkedRole beside organizations:CreateOrganization (AccessDeniedForDependencyException)', async () => {
    const other = await startTestPalisade()
    try {
      const iam = new IAMClient({ endpoint: other.url, region: 'us-east-1', credentials: other.root, maxAttempts: 1 })
      const userWith = async (name: string, actions: string[]) => {
        await iam.send(new CreateUserCommand({ UserName: name }))
        await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: scp([{ Effect: 'Allow', Action: actions, Resource: '*' }]) }))
        const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }))
        return organizationsClient(other, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! })
      }
      const orgsOnly = await userWith('orgs-only', ['organizations:*'])
      await expectAwsError(orgsOnly.send(new CreateOrganizationCommand({})), 'AccessDeniedForDependencyException', { reason: 'ACCESS_DENIED_DURING_CREATE_SERVICE_LINKED_ROLE' })
      const both = await userWith('orgs-and-slr', ['organizations:*', 'iam:CreateServiceLinkedRole'])
      await both.send(new CreateOrganizationCommand({}))
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForOrganizations' }))
      expect(Role!.Arn).toBe(`arn:aws:iam::${other.accountId}:role/aws-service-role/organizations.amazonaws.com/AWSServiceRoleForOrganizations`)
    } finally {
      await other.stop()
    }
  })
})

describe('organizations actions under IAM', () => {
  it('allows what the identity policy names: an SCP attached to an OU', async () => {
    await operator.send(new AttachPolicyCommand({ PolicyId: scpId, TargetId: ouId }))
  })

  it('denies the same SCP on an account, whose ARN the policy does not name', async () => {
    await expectAwsError(operator.send(new AttachPolicyCommand({ PolicyId: scpId, TargetId: accountId })), 'AccessDeniedException', {
      message: new RegExp(`^User: arn:aws:iam::${server.accountId}:user/scp-operator is not authorized to perform: organizations:AttachPolicy on resource: arn:aws:organizations::${server.accountId}:account/o-[a-z0-9]{10}/${accountId}`),
    })
  })

  it('denies a tag policy on the OU: its ARN and organizations:PolicyType say TAG_POLICY', async () => {
    await expectAwsError(operator.send(new AttachPolicyCommand({ PolicyId: tagPolicyId, TargetId: ouId })), 'AccessDeniedException', {
      message: /organizations:AttachPolicy on resource: arn:aws:organizations::\d{12}:policy\/o-[a-z0-9]{10}\/tag_policy\//,
    })
  })

  it('denies every action the policy does not name', async () => {
    await expectAwsError(operator.send(new ListRootsCommand({})), 'AccessDeniedException', { message: /organizations:ListRoots/ })
  })
})
