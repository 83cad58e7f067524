// End to end: instance profiles (create, get, roles in and out, lists, tags, delete) with the AWS SDK v3 and the AWS CLI.
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  GetInstanceProfileCommand,
  IAMClient,
  ListInstanceProfilesCommand,
  ListInstanceProfilesForRoleCommand,
  ListInstanceProfileTagsCommand,
  RemoveRoleFromInstanceProfileCommand,
  TagInstanceProfileCommand,
  UntagInstanceProfileCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] })

let palisade: TestPalisade
let iam: IAMClient
beforeAll(async () => {
  palisade = await startTestPalisade()
  iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
  for (const name of ['Web', 'Worker']) await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }))
})
afterAll(() => palisade.stop())

describe('CreateInstanceProfile and GetInstanceProfile', () => {
  it('creates a profile with an AIPA id, path, no roles and tags', async () => {
    const { InstanceProfile } = await iam.send(new CreateInstanceProfileCommand({
      InstanceProfileName: 'WebProfile',
      Path: '/ec2/',
      Tags: [{ Key: 'tier', Value: 'web' }],
    }))
    expect(InstanceProfile).toMatchObject({
      InstanceProfileName: 'WebProfile',
      Path: '/ec2/',
      Arn: 'arn:aws:iam::000000000000:instance-profile/ec2/WebProfile',
      Roles: [],
      Tags: [{ Key: 'tier', Value: 'web' }],
    })
    expect(InstanceProfile!.InstanceProfileId).toMatch(/^AIPA[A-Z0-9]{17}$/)
  })

  it('refuses a taken name with EntityAlreadyExists', async () => {
    await expect(iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'webprofile' }))).rejects.toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: 'Instance Profile webprofile already exists.',
      $metadata: { httpStatusCode: 409 },
    })
  })

  it('reports a missing profile with NoSuchEntity', async () => {
    await expect(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'Nope' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'Instance Profile Nope cannot be found.',
      $metadata: { httpStatusCode: 404 },
    })
  })
})

describe('AddRoleToInstanceProfile and RemoveRoleFromInstanceProfile', () => {
  it('adds a role, which GetInstanceProfile and ListInstanceProfilesForRole then show', async () => {
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'WebProfile', RoleName: 'Web' }))
    const { InstanceProfile } = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'WebProfile' }))
    expect(InstanceProfile!.Roles!.map((role) => role.RoleName)).toEqual(['Web'])
    const forRole = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'Web' }))
    expect(forRole.InstanceProfiles!.map((profile) => profile.InstanceProfileName)).toEqual(['WebProfile'])
  })

  it('holds one role at most: a second one is LimitExceeded', async () => {
    await expect(iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'WebProfile', RoleName: 'Worker' }))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
      $metadata: { httpStatusCode: 409 },
    })
  })

  it('refuses to add a missing role with NoSuchEntity', async () => {
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'Spare' }))
    await expect(iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'Spare', RoleName: 'Ghost' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name Ghost cannot be found.',
    })
  })

  it('keeps a role in a profile from being deleted, and the profile from being deleted while it holds the role', async () => {
    await expect(iam.send(new DeleteRoleCommand({ RoleName: 'Web' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must remove roles from instance profile first.',
      $metadata: { httpStatusCode: 409 },
    })
    await expect(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'WebProfile' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must remove roles from instance profile first.',
    })
  })

  it('removes the role, after which both can be deleted', async () => {
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'WebProfile', RoleName: 'Web' }))
    expect((await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'Web' }))).InstanceProfiles).toEqual([])
    await expect(iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'WebProfile', RoleName: 'Web' })))
      .rejects.toMatchObject({ name: 'NoSuchEntityException' })
    await iam.send(new DeleteRoleCommand({ RoleName: 'Web' }))
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'WebProfile' }))
    await expect(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'WebProfile' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })
})

describe('missing entities', () => {
  it.each([
    { name: 'DeleteInstanceProfile', send: () => iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'Nope' })), message: 'Instance Profile Nope cannot be found.' },
    { name: 'AddRoleToInstanceProfile', send: () => iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'Nope', RoleName: 'Worker' })), message: 'Instance Profile Nope cannot be found.' },
    { name: 'ListInstanceProfileTags', send: () => iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: 'Nope' })), message: 'Instance Profile Nope cannot be found.' },
    { name: 'ListInstanceProfilesForRole', send: () => iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'Ghost' })), message: 'The role with name Ghost cannot be found.' },
  ])('$name reports NoSuchEntity', async ({ send, message }) => {
    await expect(send()).rejects.toMatchObject({ name: 'NoSuchEntityException', message, $metadata: { httpStatusCode: 404 } })
  })
})

describe('ListInstanceProfiles', () => {
  it('filters by path prefix and pages with Marker', async () => {
    for (const name of ['P1', 'P2', 'P3']) await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Path: '/paged/' }))
    const first = await iam.send(new ListInstanceProfilesCommand({ PathPrefix: '/paged/', MaxItems: 2 }))
    expect(first.InstanceProfiles!.map((profile) => profile.InstanceProfileName)).toEqual(['P1', 'P2'])
    expect(first.IsTruncated).toBe(true)
    const rest = await iam.send(new ListInstanceProfilesCommand({ PathPrefix: '/paged/', Marker: first.Marker }))
    expect(rest.InstanceProfiles!.map((profile) => profile.InstanceProfileName)).toEqual(['P3'])
    expect(rest.IsTruncated).toBe(false)
  })
})

describe('instance profile tags', () => {
  it('adds, lists and removes tags, and reports a missing profile', async () => {
    await iam.send(new TagInstanceProfileCommand({ InstanceProfileName: 'Spare', Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }))
    await iam.send(new UntagInstanceProfileCommand({ InstanceProfileName: 'Spare', TagKeys: ['A'] }))
    expect((await iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: 'Spare' }))).Tags).toEqual([{ Key: 'b', Value: '2' }])
    await expect(iam.send(new TagInstanceProfileCommand({ InstanceProfileName: 'Nope', Tags: [{ Key: 'a', Value: '1' }] })))
      .rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })
})

describe.skipIf(!awsCliAvailable)('instance profiles with the AWS CLI', () => {
  it('creates a profile, adds a role and reads it back', async () => {
    expect((await awsCli(palisade.url, palisade.root, ['iam', 'create-instance-profile', '--instance-profile-name', 'CliProfile'])).code).toBe(0)
    expect((await awsCli(palisade.url, palisade.root, ['iam', 'add-role-to-instance-profile', '--instance-profile-name', 'CliProfile', '--role-name', 'Worker'])).code).toBe(0)
    const got = await awsCli(palisade.url, palisade.root, ['iam', 'get-instance-profile', '--instance-profile-name', 'CliProfile'])
    expect(JSON.parse(got.stdout).InstanceProfile).toMatchObject({ InstanceProfileName: 'CliProfile', Roles: [{ RoleName: 'Worker' }] })
  })
})
