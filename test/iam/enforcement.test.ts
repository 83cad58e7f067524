// End to end: every request of an IAM user is decided by the policy engine over its inline, attached and group
// policies and its permissions boundary, and a change applies to the very next request.
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetUserCommand,
  ListGroupsCommand,
  ListRolesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutGroupPolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam'
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allow, createTestUser, expectDenied, policy, rootClient } from './enforcement-support.js'

describe('enforcement of identity policies', () => {
  let palisade: TestPalisade
  beforeAll(async () => {
    palisade = await startTestPalisade()
  })
  afterAll(() => palisade.stop())

  it('denies a new user everything, with AWS message naming the user, action and resource', async () => {
    const user = await createTestUser(palisade, 'newcomer')
    await expectDenied(
      user.client.send(new ListUsersCommand({})),
      `User: ${user.arn} is not authorized to perform: iam:ListUsers on resource: * because no identity-based policy allows the iam:ListUsers action`,
    )
    await expectDenied(
      user.client.send(new GetUserCommand({ UserName: 'newcomer' })),
      `User: ${user.arn} is not authorized to perform: iam:GetUser on resource: arn:aws:iam::${ACCOUNT}:user/newcomer because no identity-based policy allows the iam:GetUser action`,
    )
  })

  it('lets a user without any permission call sts:GetCallerIdentity', async () => {
    const user = await createTestUser(palisade, 'whoami')
    const sts = new STSClient({ endpoint: palisade.url, region: 'us-east-1', credentials: user.credentials, maxAttempts: 1 })
    const identity = await sts.send(new GetCallerIdentityCommand({}))
    expect(identity.Arn).toBe(user.arn)
  })

  it('grants through an inline policy of the group the user is in', async () => {
    const root = rootClient(palisade)
    const user = await createTestUser(palisade, 'grouped')
    await root.send(new CreateGroupCommand({ GroupName: 'listers' }))
    await root.send(new AddUserToGroupCommand({ GroupName: 'listers', UserName: 'grouped' }))
    await expectDenied(user.client.send(new ListUsersCommand({})))
    await root.send(new PutGroupPolicyCommand({ GroupName: 'listers', PolicyName: 'list', PolicyDocument: allow('iam:ListUsers') }))
    const listed = await user.client.send(new ListUsersCommand({}))
    expect(listed.Users?.map((u) => u.UserName)).toContain('grouped')
    await expectDenied(user.client.send(new ListGroupsCommand({})), /no identity-based policy allows the iam:ListGroups action/)
  })

  it('lets an explicit deny win over an allow', async () => {
    const root = rootClient(palisade)
    const user = await createTestUser(palisade, 'denied')
    await root.send(new PutUserPolicyCommand({ UserName: 'denied', PolicyName: 'all', PolicyDocument: allow('iam:*') }))
    await root.send(new PutUserPolicyCommand({
      UserName: 'denied',
      PolicyName: 'no-list',
      PolicyDocument: policy({ Effect: 'Deny', Action: 'iam:ListUsers' }),
    }))
    await user.client.send(new ListRolesCommand({}))
    await expectDenied(
      user.client.send(new ListUsersCommand({})),
      `User: ${user.arn} is not authorized to perform: iam:ListUsers on resource: * with an explicit deny in an identity-based policy`,
    )
  })

  it('caps an administrator with a permissions boundary, and lifts the cap when the boundary is removed', async () => {
    const root = rootClient(palisade)
    const user = await createTestUser(palisade, 'capped')
    await root.send(new AttachUserPolicyCommand({ UserName: 'capped', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }))
    await user.client.send(new ListUsersCommand({}))
    const { Policy } = await root.send(new CreatePolicyCommand({ PolicyName: 'OnlyGetUser', PolicyDocument: allow('iam:GetUser') }))
    await root.send(new PutUserPermissionsBoundaryCommand({ UserName: 'capped', PermissionsBoundary: Policy!.Arn! }))
    await user.client.send(new GetUserCommand({ UserName: 'capped' }))
    await expectDenied(
      user.client.send(new ListUsersCommand({})),
      `User: ${user.arn} is not authorized to perform: iam:ListUsers on resource: * because no permissions boundary allows the iam:ListUsers action`,
    )
    await root.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'capped' }))
    await user.client.send(new ListUsersCommand({}))
  })

  it('applies each change to the very next request', async () => {
    const root = rootClient(palisade)
    const user = await createTestUser(palisade, 'changing')
    await root.send(new PutUserPolicyCommand({ UserName: 'changing', PolicyName: 'list', PolicyDocument: allow('iam:ListUsers') }))
    await user.client.send(new ListUsersCommand({}))
    await root.send(new DeleteUserPolicyCommand({ UserName: 'changing', PolicyName: 'list' }))
    await expectDenied(user.client.send(new ListUsersCommand({})))

    const { Policy } = await root.send(new CreatePolicyCommand({ PolicyName: 'Changing', PolicyDocument: allow('iam:ListUsers') }))
    await root.send(new AttachUserPolicyCommand({ UserName: 'changing', PolicyArn: Policy!.Arn! }))
    await user.client.send(new ListUsersCommand({}))
    await root.send(new CreatePolicyVersionCommand({ PolicyArn: Policy!.Arn!, PolicyDocument: allow('iam:ListRoles'), SetAsDefault: true }))
    await expectDenied(user.client.send(new ListUsersCommand({})))
    await user.client.send(new ListRolesCommand({}))
    await root.send(new DetachUserPolicyCommand({ UserName: 'changing', PolicyArn: Policy!.Arn! }))
    await expectDenied(user.client.send(new ListRolesCommand({})))
  })

  it('fills global condition keys from the request: aws:SourceIp, aws:SecureTransport, aws:username, aws:PrincipalTag', async () => {
    const root = rootClient(palisade)
    const user = await createTestUser(palisade, 'conditional', [{ Key: 'team', Value: 'blue' }])
    await root.send(new PutUserPolicyCommand({
      UserName: 'conditional',
      PolicyName: 'conditions',
      PolicyDocument: policy(
        { Effect: 'Allow', Action: 'iam:ListUsers', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' }, Bool: { 'aws:SecureTransport': 'false' } } },
        { Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::*:user/${aws:username}' },
        { Effect: 'Allow', Action: 'iam:ListRoles', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } },
        { Effect: 'Allow', Action: 'iam:ListGroups', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
      ),
    }))
    await user.client.send(new ListUsersCommand({}))
    await user.client.send(new GetUserCommand({ UserName: 'conditional' }))
    await expectDenied(user.client.send(new GetUserCommand({ UserName: 'grouped' })))
    await expectDenied(user.client.send(new ListRolesCommand({})))
    await expectDenied(user.client.send(new ListGroupsCommand({})))
  })

  it('fills aws:ResourceTag and iam:ResourceTag from the tags of the user an IAM action targets', async () => {
    const root = rootClient(palisade)
    const reader = await createTestUser(palisade, 'tag-reader')
    await createTestUser(palisade, 'tagged-blue', [{ Key: 'team', Value: 'blue' }])
    await createTestUser(palisade, 'tagged-red', [{ Key: 'team', Value: 'red' }])
    await root.send(new PutUserPolicyCommand({
      UserName: 'tag-reader',
      PolicyName: 'blue-team-only',
      PolicyDocument: policy(
        { Effect: 'Allow', Action: 'iam:GetUser', Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } } },
        { Effect: 'Allow', Action: 'iam:ListUserTags', Condition: { StringEquals: { 'iam:ResourceTag/team': 'blue' } } },
      ),
    }))
    await reader.client.send(new GetUserCommand({ UserName: 'tagged-blue' }))
    await reader.client.send(new ListUserTagsCommand({ UserName: 'tagged-blue' }))
    await expectDenied(reader.client.send(new GetUserCommand({ UserName: 'tagged-red' })), /because no identity-based policy allows the iam:GetUser action/)
    await expectDenied(reader.client.send(new ListUserTagsCommand({ UserName: 'tagged-red' })))
  })

  it('fills iam:PermissionsBoundary from the target user, so management can be delegated only for capped users', async () => {
    const root = rootClient(palisade)
    const delegate = await createTestUser(palisade, 'delegate')
    const { Policy } = await root.send(new CreatePolicyCommand({ PolicyName: 'DelegatedBoundary', PolicyDocument: allow('s3:*') }))
    await createTestUser(palisade, 'capped-target')
    await createTestUser(palisade, 'free-target')
    await root.send(new PutUserPermissionsBoundaryCommand({ UserName: 'capped-target', PermissionsBoundary: Policy!.Arn! }))
    await root.send(new PutUserPolicyCommand({
      UserName: 'delegate',
      PolicyName: 'delegated',
      PolicyDocument: policy({ Effect: 'Allow', Action: 'iam:PutUserPolicy', Condition: { StringEquals: { 'iam:PermissionsBoundary': Policy!.Arn! } } }),
    }))
    await delegate.client.send(new PutUserPolicyCommand({ UserName: 'capped-target', PolicyName: 'p', PolicyDocument: allow('s3:GetObject') }))
    await expectDenied(
      delegate.client.send(new PutUserPolicyCommand({ UserName: 'free-target', PolicyName: 'p', PolicyDocument: allow('s3:GetObject') })),
      /iam:PutUserPolicy on resource: arn:aws:iam::000000000000:user\/free-target because no identity-based policy allows/,
    )
  })

  it('matches policies against the path of the user or group an operation names', async () => {
    const root = rootClient(palisade)
    const admin = await createTestUser(palisade, 'division-admin')
    await root.send(new CreateUserCommand({ UserName: 'in-division', Path: '/division/' }))
    await root.send(new CreateUserCommand({ UserName: 'elsewhere' }))
    await root.send(new PutUserPolicyCommand({
      UserName: 'division-admin',
      PolicyName: 'division',
      PolicyDocument: allow('iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/division/*`),
    }))
    await admin.client.send(new GetUserCommand({ UserName: 'in-division' }))
    await root.send(new CreateGroupCommand({ GroupName: 'division-group', Path: '/division/' }))
    await root.send(new PutUserPolicyCommand({
      UserName: 'division-admin',
      PolicyName: 'division-groups',
      PolicyDocument: allow('iam:PutGroupPolicy', `arn:aws:iam::${ACCOUNT}:group/division/*`),
    }))
    await admin.client.send(new PutGroupPolicyCommand({ GroupName: 'division-group', PolicyName: 'p', PolicyDocument: allow('s3:GetObject') }))
    await expectDenied(
      admin.client.send(new GetUserCommand({ UserName: 'elsewhere' })),
      `User: ${admin.arn} is not authorized to perform: iam:GetUser on resource: arn:aws:iam::${ACCOUNT}:user/elsewhere because no identity-based policy allows the iam:GetUser action`,
    )
  })

  it('decides the calls of every service, in each protocol\'s error shape (JSON: AccessDeniedException)', async () => {
    const root = rootClient(palisade)
    const user = await createTestUser(palisade, 'kms-user')
    const kms = new KMSClient({ endpoint: palisade.url, region: 'us-east-1', credentials: user.credentials, maxAttempts: 1 })
    const denied = await kms.send(new ListKeysCommand({})).then(
      () => undefined,
      (error: { name: string; message: string }) => error,
    )
    expect(denied).toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 }, // the awsJson services' common AccessDeniedException status
      message: `User: ${user.arn} is not authorized to perform: kms:ListKeys on resource: * because no identity-based policy allows the kms:ListKeys action`,
    })
    await root.send(new PutUserPolicyCommand({ UserName: 'kms-user', PolicyName: 'kms', PolicyDocument: allow('kms:ListKeys') }))
    // Allowed now: the call gets past authorization (to the operation itself, implemented or not).
    const outcome = await kms.send(new ListKeysCommand({})).then(() => 'answered', (error: { name: string }) => error.name)
    expect(outcome).not.toMatch(/AccessDenied/)
  })

  it('checks iam:PolicyARN from the request', async () => {
    const root = rootClient(palisade)
    const user = await createTestUser(palisade, 'attacher')
    const readOnly = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
    await root.send(new PutUserPolicyCommand({
      UserName: 'attacher',
      PolicyName: 'attach-read-only',
      PolicyDocument: policy({ Effect: 'Allow', Action: 'iam:AttachUserPolicy', Condition: { ArnEquals: { 'iam:PolicyARN': readOnly } } }),
    }))
    await expectDenied(
      user.client.send(new AttachUserPolicyCommand({ UserName: 'attacher', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })),
      /iam:AttachUserPolicy on resource: arn:aws:iam::000000000000:user\/attacher because no identity-based policy allows/,
    )
    await user.client.send(new AttachUserPolicyCommand({ UserName: 'attacher', PolicyArn: readOnly }))
    // ReadOnlyAccess (AWS managed, from the data package) now grants the iam:List* reads.
    await user.client.send(new ListUsersCommand({}))
  })
})
