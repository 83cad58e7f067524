// End to end: GetAccountAuthorizationDetails: every entity with its policies, memberships, boundaries, instance
// profiles and tags, Filter and pagination, with the AWS SDK v3 client and the AWS CLI.
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allow, rootClient } from './enforcement-support.js'

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] })
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
const IAM_READ = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess'

describe('GetAccountAuthorizationDetails', () => {
  let palisade: TestPalisade
  let iam: IAMClient
  let customerArn: string
  beforeAll(async () => {
    palisade = await startTestPalisade()
    iam = rootClient(palisade)
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'AuthzRead', Path: '/team/', Description: 'reads', PolicyDocument: allow('s3:Get*') }))
    customerArn = Policy!.Arn!
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: customerArn, PolicyDocument: allow('s3:List*'), SetAsDefault: true }))
    await iam.send(new CreateUserCommand({ UserName: 'authz-ann', Path: '/staff/', Tags: [{ Key: 'team', Value: 'blue' }] }))
    await iam.send(new PutUserPolicyCommand({ UserName: 'authz-ann', PolicyName: 'Own', PolicyDocument: allow('sqs:SendMessage') }))
    await iam.send(new AttachUserPolicyCommand({ UserName: 'authz-ann', PolicyArn: customerArn }))
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'authz-ann', PermissionsBoundary: READ_ONLY }))
    await iam.send(new CreateGroupCommand({ GroupName: 'authz-ops' }))
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'authz-ops', PolicyName: 'Ops', PolicyDocument: allow('ec2:*') }))
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'authz-ops', PolicyArn: IAM_READ }))
    await iam.send(new AddUserToGroupCommand({ GroupName: 'authz-ops', UserName: 'authz-ann' }))
    await iam.send(new CreateUserCommand({ UserName: 'authz-bob' }))
    await iam.send(new CreateRoleCommand({ RoleName: 'authz-web', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'tier', Value: 'web' }] }))
    await iam.send(new PutRolePolicyCommand({ RoleName: 'authz-web', PolicyName: 'Logs', PolicyDocument: allow('logs:PutLogEvents') }))
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'authz-web-profile' }))
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'authz-web-profile', RoleName: 'authz-web' }))
  })
  afterAll(() => palisade.stop())

  it('describes users with inline documents URL-encoded, groups, attached policies, boundary and tags', async () => {
    const { UserDetailList, GroupDetailList, RoleDetailList, Policies } = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User'] }))
    expect(GroupDetailList).toEqual([])
    expect(RoleDetailList).toEqual([])
    expect(Policies).toEqual([])
    expect(UserDetailList?.map((user) => user.UserName)).toEqual(['authz-ann', 'authz-bob'])
    const ann = UserDetailList![0]!
    expect(ann).toMatchObject({
      Path: '/staff/',
      Arn: `arn:aws:iam::${ACCOUNT}:user/staff/authz-ann`,
      UserPolicyList: [{ PolicyName: 'Own', PolicyDocument: encodeURIComponent(allow('sqs:SendMessage')) }],
      GroupList: ['authz-ops'],
      AttachedManagedPolicies: [{ PolicyName: 'AuthzRead', PolicyArn: customerArn }],
      PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: READ_ONLY },
      Tags: [{ Key: 'team', Value: 'blue' }],
    })
    expect(ann.UserId).toMatch(/^AIDA/)
    expect(UserDetailList![1]).toMatchObject({ UserName: 'authz-bob', UserPolicyList: [], GroupList: [], AttachedManagedPolicies: [], Tags: [] })
    expect(UserDetailList![1]!.PermissionsBoundary).toBeUndefined()
  })

  it('describes groups and roles with their policies, instance profiles and last use', async () => {
    const { UserDetailList, GroupDetailList, RoleDetailList } = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Group', 'Role'] }))
    expect(UserDetailList).toEqual([])
    expect(GroupDetailList).toEqual([expect.objectContaining({
      GroupName: 'authz-ops',
      GroupPolicyList: [{ PolicyName: 'Ops', PolicyDocument: encodeURIComponent(allow('ec2:*')) }],
      AttachedManagedPolicies: [{ PolicyName: 'IAMReadOnlyAccess', PolicyArn: IAM_READ }],
    })])
    expect(RoleDetailList).toHaveLength(1)
    const role = RoleDetailList![0]!
    expect(role).toMatchObject({
      RoleName: 'authz-web',
      AssumeRolePolicyDocument: encodeURIComponent(TRUST),
      RolePolicyList: [{ PolicyName: 'Logs', PolicyDocument: encodeURIComponent(allow('logs:PutLogEvents')) }],
      AttachedManagedPolicies: [],
      Tags: [{ Key: 'tier', Value: 'web' }],
      RoleLastUsed: {},
    })
    expect(role.InstanceProfileList).toEqual([expect.objectContaining({
      InstanceProfileName: 'authz-web-profile',
      Roles: [expect.objectContaining({ RoleName: 'authz-web', Arn: `arn:aws:iam::${ACCOUNT}:role/authz-web` })],
    })])
  })

  it('lists customer policies with every version, and only the AWS managed policies in use', async () => {
    const local = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['LocalManagedPolicy'] }))
    expect(local.Policies).toEqual([expect.objectContaining({
      PolicyName: 'AuthzRead', Arn: customerArn, Path: '/team/', Description: 'reads', DefaultVersionId: 'v2', AttachmentCount: 1, PermissionsBoundaryUsageCount: 0, IsAttachable: true,
      PolicyVersionList: [
        expect.objectContaining({ VersionId: 'v2', IsDefaultVersion: true, Document: encodeURIComponent(allow('s3:List*')) }),
        expect.objectContaining({ VersionId: 'v1', IsDefaultVersion: false, Document: encodeURIComponent(allow('s3:Get*')) }),
      ],
    })])
    const aws = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['AWSManagedPolicy'] }))
    expect(aws.Policies?.map((policy) => [policy.Arn, policy.AttachmentCount, policy.PermissionsBoundaryUsageCount])).toEqual([
      [IAM_READ, 1, 0],
      [READ_ONLY, 0, 1],
    ])
    expect(decodeURIComponent(aws.Policies![0]!.PolicyVersionList![0]!.Document!)).toContain('iam:Get')
  })

  it('pages through users, groups, roles and policies as one list', async () => {
    const seen: string[] = []
    let marker: string | undefined
    let pages = 0
    do {
      const page = await iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 2, ...(marker !== undefined && { Marker: marker }) }))
      const items = [
        ...page.UserDetailList!.map((u) => `user:${u.UserName}`),
        ...page.GroupDetailList!.map((g) => `group:${g.GroupName}`),
        ...page.RoleDetailList!.map((r) => `role:${r.RoleName}`),
        ...page.Policies!.map((p) => `policy:${p.PolicyName}`),
      ]
      expect(items.length).toBeLessThanOrEqual(2)
      seen.push(...items)
      marker = page.IsTruncated ? page.Marker : undefined
      pages++
    } while (marker !== undefined)
    expect(seen).toEqual([
      'user:authz-ann', 'user:authz-bob', 'group:authz-ops', 'role:authz-web', 'policy:AuthzRead', 'policy:IAMReadOnlyAccess', 'policy:ReadOnlyAccess',
    ])
    expect(pages).toBe(4)
  })

  describe.skipIf(!awsCliAvailable)('with the AWS CLI', () => {
    it('gets the roles (the CLI follows the markers)', async () => {
      const result = await awsCli(palisade.url, palisade.root, ['iam', 'get-account-authorization-details', '--filter', 'Role', '--page-size', '1'])
      expect(result.code).toBe(0)
      const body = JSON.parse(result.stdout) as { RoleDetailList: { RoleName: string; RolePolicyList: { PolicyDocument: unknown }[] }[] }
      expect(body.RoleDetailList.map((role) => role.RoleName)).toEqual(['authz-web'])
      // The CLI decodes the URL-encoded documents into JSON.
      expect(body.RoleDetailList[0]!.RolePolicyList[0]!.PolicyDocument).toEqual(JSON.parse(allow('logs:PutLogEvents')))
    })
  })
})
