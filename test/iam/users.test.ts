// End to end: IAM users (create, get, update with its rename cascade, delete with its conflicts, list, tags)
// through the whole pipeline, with the AWS SDK v3 client and the AWS CLI.
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

const ACCOUNT = '000000000000'

function iam(palisade: TestPalisade, credentials: { accessKeyId: string; secretAccessKey: string } = palisade.root) {
  return new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1 })
}

describe('IAM users', () => {
  let palisade: TestPalisade
  let client: IAMClient
  beforeAll(async () => {
    palisade = await startTestPalisade()
    client = iam(palisade)
  })
  afterAll(() => palisade.stop())

  it('creates a user with an AIDA id, its path in the ARN, tags and a permissions boundary', async () => {
    const boundary = `arn:aws:iam::${ACCOUNT}:policy/Boundary`
    const { User } = await client.send(new CreateUserCommand({
      UserName: 'Alice', Path: '/division/', PermissionsBoundary: boundary, Tags: [{ Key: 'team', Value: 'red' }],
    }))
    expect(User).toMatchObject({
      UserName: 'Alice',
      Path: '/division/',
      Arn: `arn:aws:iam::${ACCOUNT}:user/division/Alice`,
      PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: boundary },
      Tags: [{ Key: 'team', Value: 'red' }],
    })
    expect(User?.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/)
    expect(User?.CreateDate).toBeInstanceOf(Date)

    const got = await client.send(new GetUserCommand({ UserName: 'alice' }))
    expect(got.User).toMatchObject({ UserName: 'Alice', UserId: User?.UserId, Tags: [{ Key: 'team', Value: 'red' }] })
  })

  it('refuses a second user whose name differs only in case', async () => {
    await client.send(new CreateUserCommand({ UserName: 'Casey' }))
    await expect(client.send(new CreateUserCommand({ UserName: 'CASEY' }))).rejects.toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: 'User with name CASEY already exists.',
      $metadata: { httpStatusCode: 409 },
    })
  })

  it('answers NoSuchEntity for a user that does not exist', async () => {
    await expect(client.send(new GetUserCommand({ UserName: 'Nobody' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user with name Nobody cannot be found.',
      $metadata: { httpStatusCode: 404 },
    })
  })

  it('returns the root user when GetUser names no user and the root user signs', async () => {
    const { User } = await client.send(new GetUserCommand({}))
    expect(User).toMatchObject({ UserId: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` })
    expect(User?.CreateDate).toBeInstanceOf(Date)
  })

  it('lists users by path prefix, page by page', async () => {
    for (const name of ['p1', 'p2', 'p3']) await client.send(new CreateUserCommand({ UserName: name, Path: '/paged/' }))
    const first = await client.send(new ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2 }))
    expect(first.Users?.map((user) => user.UserName)).toEqual(['p1', 'p2'])
    expect(first.IsTruncated).toBe(true)
    const second = await client.send(new ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: first.Marker }))
    expect(second.Users?.map((user) => user.UserName)).toEqual(['p3'])
    expect(second.IsTruncated).toBe(false)
    expect(second.Marker).toBeUndefined()
  })

  it('tags, lists and untags a user; tag keys are unique without regard to case', async () => {
    await client.send(new CreateUserCommand({ UserName: 'Tagged' }))
    await client.send(new TagUserCommand({ UserName: 'Tagged', Tags: [{ Key: 'env', Value: 'dev' }, { Key: 'owner', Value: 'ops' }] }))
    await client.send(new TagUserCommand({ UserName: 'Tagged', Tags: [{ Key: 'ENV', Value: 'prod' }] }))
    expect((await client.send(new ListUserTagsCommand({ UserName: 'Tagged' }))).Tags).toEqual([
      { Key: 'ENV', Value: 'prod' },
      { Key: 'owner', Value: 'ops' },
    ])
    await client.send(new UntagUserCommand({ UserName: 'Tagged', TagKeys: ['env'] }))
    expect((await client.send(new ListUserTagsCommand({ UserName: 'Tagged' }))).Tags).toEqual([{ Key: 'owner', Value: 'ops' }])
  })

  it('renames and moves a user; its groups, tags and access keys follow', async () => {
    await client.send(new CreateUserCommand({ UserName: 'Before', Tags: [{ Key: 'k', Value: 'v' }] }))
    await client.send(new CreateGroupCommand({ GroupName: 'Renamers' }))
    await client.send(new AddUserToGroupCommand({ GroupName: 'Renamers', UserName: 'Before' }))
    const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'Before' }))
    await client.send(new CreateLoginProfileCommand({ UserName: 'Before', Password: 'Renamed-Horse-42' }))

    await client.send(new UpdateUserCommand({ UserName: 'Before', NewUserName: 'After', NewPath: '/moved/' }))

    await expect(client.send(new GetUserCommand({ UserName: 'Before' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
    const { User } = await client.send(new GetUserCommand({ UserName: 'After' }))
    expect(User).toMatchObject({ UserName: 'After', Path: '/moved/', Arn: `arn:aws:iam::${ACCOUNT}:user/moved/After`, Tags: [{ Key: 'k', Value: 'v' }] })
    expect((await client.send(new GetGroupCommand({ GroupName: 'Renamers' }))).Users?.map((user) => user.UserName)).toEqual(['After'])
    const keys = await client.send(new ListAccessKeysCommand({ UserName: 'After' }))
    expect(keys.AccessKeyMetadata).toEqual([expect.objectContaining({ UserName: 'After', AccessKeyId: AccessKey?.AccessKeyId })])
    expect((await client.send(new GetLoginProfileCommand({ UserName: 'After' }))).LoginProfile?.UserName).toBe('After')

    // The key now signs as the renamed user.
    const sts = new STSClient({ endpoint: palisade.url, region: 'us-east-1', credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }, maxAttempts: 1 })
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/moved/After`)
  })

  it('refuses to rename a user onto an existing name', async () => {
    await client.send(new CreateUserCommand({ UserName: 'Taken1' }))
    await client.send(new CreateUserCommand({ UserName: 'Taken2' }))
    await expect(client.send(new UpdateUserCommand({ UserName: 'Taken1', NewUserName: 'TAKEN2' }))).rejects.toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: 'User with name TAKEN2 already exists.',
    })
  })

  it('refuses to delete a user with access keys or group memberships, then deletes it once they are gone', async () => {
    await client.send(new CreateUserCommand({ UserName: 'Leaving' }))
    await client.send(new CreateGroupCommand({ GroupName: 'LeavingGroup' }))
    await client.send(new AddUserToGroupCommand({ GroupName: 'LeavingGroup', UserName: 'Leaving' }))
    const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'Leaving' }))

    await expect(client.send(new DeleteUserCommand({ UserName: 'Leaving' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must delete access keys first.',
      $metadata: { httpStatusCode: 409 },
    })
    await client.send(new DeleteAccessKeyCommand({ UserName: 'Leaving', AccessKeyId: AccessKey!.AccessKeyId! }))
    await expect(client.send(new DeleteUserCommand({ UserName: 'Leaving' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must remove users from group first.',
    })
    await client.send(new RemoveUserFromGroupCommand({ GroupName: 'LeavingGroup', UserName: 'Leaving' }))
    await client.send(new DeleteUserCommand({ UserName: 'Leaving' }))
    await expect(client.send(new GetUserCommand({ UserName: 'Leaving' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })

  it('refuses to delete a user with inline or attached policies, naming which', async () => {
    await client.send(new CreateUserCommand({ UserName: 'Governed' }))
    await client.send(new PutUserPolicyCommand({
      UserName: 'Governed', PolicyName: 'inline',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] }),
    }))
    await client.send(new AttachUserPolicyCommand({ UserName: 'Governed', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }))
    await expect(client.send(new DeleteUserCommand({ UserName: 'Governed' }))).rejects.toMatchObject({
      name: 'DeleteConflictException', message: 'Cannot delete entity, must delete policies first.',
    })
    await client.send(new DeleteUserPolicyCommand({ UserName: 'Governed', PolicyName: 'inline' }))
    await expect(client.send(new DeleteUserCommand({ UserName: 'Governed' }))).rejects.toMatchObject({
      name: 'DeleteConflictException', message: 'Cannot delete entity, must detach all policies first.',
    })
    await client.send(new DetachUserPolicyCommand({ UserName: 'Governed', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }))
    await client.send(new DeleteUserCommand({ UserName: 'Governed' }))
  })

  it('answers GetUser without a name with the calling IAM user, once a policy allows it', async () => {
    await client.send(new CreateUserCommand({ UserName: 'Self', Path: '/me/' }))
    await client.send(new PutUserPolicyCommand({
      UserName: 'Self', PolicyName: 'get-self',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${ACCOUNT}:user/me/*` }] }),
    }))
    const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'Self' }))
    const self = iam(palisade, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! })
    expect((await self.send(new GetUserCommand({}))).User).toMatchObject({ UserName: 'Self', Path: '/me/', Arn: `arn:aws:iam::${ACCOUNT}:user/me/Self` })
  })

  it('rejects a user name the model does not allow with ValidationError', async () => {
    await expect(client.send(new CreateUserCommand({ UserName: 'bad name!' }))).rejects.toMatchObject({
      name: 'ValidationError',
      $metadata: { httpStatusCode: 400 },
    })
  })

  describe('a new user without any policy', () => {
    let userClient: IAMClient
    let userKey: { accessKeyId: string; secretAccessKey: string }
    beforeAll(async () => {
      await client.send(new CreateUserCommand({ UserName: 'Newcomer', Path: '/new/' }))
      const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'Newcomer' }))
      userKey = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }
      userClient = iam(palisade, userKey)
    })

    it('authenticates as the IAM user', async () => {
      const { User } = await client.send(new GetUserCommand({ UserName: 'Newcomer' }))
      const sts = new STSClient({ endpoint: palisade.url, region: 'us-east-1', credentials: userKey, maxAttempts: 1 })
      expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({
        Account: ACCOUNT,
        Arn: `arn:aws:iam::${ACCOUNT}:user/new/Newcomer`,
        UserId: User?.UserId,
      })
    })

    it.each([
      { name: 'ListUsers', send: (c: IAMClient) => c.send(new ListUsersCommand({})), action: 'iam:ListUsers', resource: '*' },
      { name: 'GetUser on itself', send: (c: IAMClient) => c.send(new GetUserCommand({})), action: 'iam:GetUser', resource: `arn:aws:iam::${ACCOUNT}:user/new/Newcomer` },
      { name: 'CreateUser', send: (c: IAMClient) => c.send(new CreateUserCommand({ UserName: 'Escalator' })), action: 'iam:CreateUser', resource: `arn:aws:iam::${ACCOUNT}:user/Escalator` },
      { name: 'CreateAccessKey for another user', send: (c: IAMClient) => c.send(new CreateAccessKeyCommand({ UserName: 'Casey' })), action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${ACCOUNT}:user/Casey` },
    ])('is denied $name with AWS\'s AccessDenied message', async ({ send, action, resource }) => {
      await expect(send(userClient)).rejects.toMatchObject({
        name: 'AccessDenied',
        message: `User: arn:aws:iam::${ACCOUNT}:user/new/Newcomer is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
        $metadata: { httpStatusCode: 403 },
      })
    })
  })

  describe.skipIf(!awsCliAvailable)('with the AWS CLI', () => {
    it('creates, gets and lists users', async () => {
      const created = await awsCli(palisade.url, palisade.root, ['iam', 'create-user', '--user-name', 'cli-user', '--path', '/cli/'])
      expect(created.code).toBe(0)
      expect(JSON.parse(created.stdout).User).toMatchObject({ UserName: 'cli-user', Arn: `arn:aws:iam::${ACCOUNT}:user/cli/cli-user` })
      const listed = await awsCli(palisade.url, palisade.root, ['iam', 'list-users', '--path-prefix', '/cli/'])
      expect(JSON.parse(listed.stdout).Users.map((user: { UserName: string }) => user.UserName)).toEqual(['cli-user'])
    })

    it('prints AWS\'s DeleteConflict text', async () => {
      await awsCli(palisade.url, palisade.root, ['iam', 'create-user', '--user-name', 'cli-keyed'])
      await awsCli(palisade.url, palisade.root, ['iam', 'create-access-key', '--user-name', 'cli-keyed'])
      const deleted = await awsCli(palisade.url, palisade.root, ['iam', 'delete-user', '--user-name', 'cli-keyed'])
      expect(deleted.code).not.toBe(0)
      expect(deleted.stderr).toContain('An error occurred (DeleteConflict) when calling the DeleteUser operation')
      expect(deleted.stderr).toContain(': Cannot delete entity, must delete access keys first.')
    })
  })
})
