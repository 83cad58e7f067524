// End to end: IAM groups (create, get with members, update, delete with conflicts, list) and membership.
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  IAMClient,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  PutGroupPolicyCommand,
  RemoveUserFromGroupCommand,
  UpdateGroupCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

const ACCOUNT = '000000000000'

describe('IAM groups', () => {
  let palisade: TestPalisade
  let client: IAMClient
  beforeAll(async () => {
    palisade = await startTestPalisade()
    client = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
  })
  afterAll(() => palisade.stop())

  it('creates a group with an AGPA id and its path in the ARN', async () => {
    const { Group } = await client.send(new CreateGroupCommand({ GroupName: 'Admins', Path: '/ops/' }))
    expect(Group).toMatchObject({ GroupName: 'Admins', Path: '/ops/', Arn: `arn:aws:iam::${ACCOUNT}:group/ops/Admins` })
    expect(Group?.GroupId).toMatch(/^AGPA[A-Z0-9]{17}$/)
  })

  it('refuses a group whose name differs only in case', async () => {
    await expect(client.send(new CreateGroupCommand({ GroupName: 'ADMINS' }))).rejects.toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: 'Group with name ADMINS already exists.',
      $metadata: { httpStatusCode: 409 },
    })
  })

  it('answers NoSuchEntity for a group that does not exist', async () => {
    await expect(client.send(new GetGroupCommand({ GroupName: 'Ghosts' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The group with name Ghosts cannot be found.',
    })
  })

  it('lists a group\'s members page by page, and a user\'s groups', async () => {
    await client.send(new CreateGroupCommand({ GroupName: 'Crew' }))
    for (const name of ['m1', 'm2', 'm3']) {
      await client.send(new CreateUserCommand({ UserName: name }))
      await client.send(new AddUserToGroupCommand({ GroupName: 'crew', UserName: name }))
    }
    await client.send(new AddUserToGroupCommand({ GroupName: 'Crew', UserName: 'm1' })) // twice is a no-op
    const first = await client.send(new GetGroupCommand({ GroupName: 'Crew', MaxItems: 2 }))
    expect(first.Group).toMatchObject({ GroupName: 'Crew' })
    expect(first.Users?.map((user) => user.UserName)).toEqual(['m1', 'm2'])
    expect(first.IsTruncated).toBe(true)
    const second = await client.send(new GetGroupCommand({ GroupName: 'Crew', MaxItems: 2, Marker: first.Marker }))
    expect(second.Users?.map((user) => user.UserName)).toEqual(['m3'])

    await client.send(new AddUserToGroupCommand({ GroupName: 'Admins', UserName: 'm1' }))
    const groups = await client.send(new ListGroupsForUserCommand({ UserName: 'm1' }))
    expect(groups.Groups?.map((group) => group.GroupName)).toEqual(['Admins', 'Crew'])
  })

  it('allows a user in at most 10 groups', async () => {
    await client.send(new CreateUserCommand({ UserName: 'Joiner' }))
    for (let i = 0; i < 10; i++) {
      await client.send(new CreateGroupCommand({ GroupName: `g${i}` }))
      await client.send(new AddUserToGroupCommand({ GroupName: `g${i}`, UserName: 'Joiner' }))
    }
    await client.send(new CreateGroupCommand({ GroupName: 'g10' }))
    await expect(client.send(new AddUserToGroupCommand({ GroupName: 'g10', UserName: 'Joiner' }))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for GroupsPerUser: 10',
      $metadata: { httpStatusCode: 409 },
    })
  })

  it('answers NoSuchEntity when adding a user that does not exist', async () => {
    await expect(client.send(new AddUserToGroupCommand({ GroupName: 'Crew', UserName: 'Phantom' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user with name Phantom cannot be found.',
    })
  })

  it('renames a group; its members follow', async () => {
    await client.send(new CreateGroupCommand({ GroupName: 'Old' }))
    await client.send(new CreateUserCommand({ UserName: 'Member' }))
    await client.send(new AddUserToGroupCommand({ GroupName: 'Old', UserName: 'Member' }))
    await client.send(new UpdateGroupCommand({ GroupName: 'Old', NewGroupName: 'New', NewPath: '/renamed/' }))
    const { Group, Users } = await client.send(new GetGroupCommand({ GroupName: 'New' }))
    expect(Group).toMatchObject({ GroupName: 'New', Path: '/renamed/', Arn: `arn:aws:iam::${ACCOUNT}:group/renamed/New` })
    expect(Users?.map((user) => user.UserName)).toEqual(['Member'])
    expect((await client.send(new ListGroupsForUserCommand({ UserName: 'Member' }))).Groups?.map((group) => group.GroupName)).toEqual(['New'])
  })

  it('refuses to delete a group with members, then deletes it once empty', async () => {
    await client.send(new CreateGroupCommand({ GroupName: 'Doomed' }))
    await client.send(new CreateUserCommand({ UserName: 'Inside' }))
    await client.send(new AddUserToGroupCommand({ GroupName: 'Doomed', UserName: 'Inside' }))
    await expect(client.send(new DeleteGroupCommand({ GroupName: 'Doomed' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must remove users from group first.',
    })
    await client.send(new RemoveUserFromGroupCommand({ GroupName: 'Doomed', UserName: 'Inside' }))
    await client.send(new DeleteGroupCommand({ GroupName: 'Doomed' }))
    await expect(client.send(new GetGroupCommand({ GroupName: 'Doomed' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })

  it('answers NoSuchEntity when removing a user who is not a member', async () => {
    await client.send(new CreateUserCommand({ UserName: 'Outsider' }))
    await expect(client.send(new RemoveUserFromGroupCommand({ GroupName: 'Crew', UserName: 'Outsider' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    })
  })

  it('lists groups by path prefix', async () => {
    const { Groups } = await client.send(new ListGroupsCommand({ PathPrefix: '/ops/' }))
    expect(Groups?.map((group) => group.GroupName)).toEqual(['Admins'])
  })

  it('grants a group\'s policy to a member from the very next request, and withdraws it on removal', async () => {
    await client.send(new CreateGroupCommand({ GroupName: 'Listers' }))
    await client.send(new PutGroupPolicyCommand({
      GroupName: 'Listers',
      PolicyName: 'list-users',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] }),
    }))
    await client.send(new CreateUserCommand({ UserName: 'Lister' }))
    const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'Lister' }))
    const lister = new IAMClient({
      endpoint: palisade.url, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! },
    })
    await expect(lister.send(new ListUsersCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' })
    await client.send(new AddUserToGroupCommand({ GroupName: 'Listers', UserName: 'Lister' }))
    await expect(lister.send(new ListUsersCommand({}))).resolves.toMatchObject({ Users: expect.any(Array) })
    await client.send(new RemoveUserFromGroupCommand({ GroupName: 'Listers', UserName: 'Lister' }))
    await expect(lister.send(new ListUsersCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' })
  })

  describe.skipIf(!awsCliAvailable)('with the AWS CLI', () => {
    it('creates a group, adds a user and shows it in get-group', async () => {
      await awsCli(palisade.url, palisade.root, ['iam', 'create-group', '--group-name', 'cli-group'])
      await awsCli(palisade.url, palisade.root, ['iam', 'create-user', '--user-name', 'cli-member'])
      const added = await awsCli(palisade.url, palisade.root, ['iam', 'add-user-to-group', '--group-name', 'cli-group', '--user-name', 'cli-member'])
      expect(added.code).toBe(0)
      const got = await awsCli(palisade.url, palisade.root, ['iam', 'get-group', '--group-name', 'cli-group'])
      expect(JSON.parse(got.stdout)).toMatchObject({ Group: { GroupName: 'cli-group' }, Users: [{ UserName: 'cli-member' }] })
    })
  })
})
