// End to end: IAM roles (create, get, update, trust policy, delete, list, tags) with the AWS SDK v3 and the AWS CLI.
import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  UpdateRoleDescriptionCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

const trust = (service = 'ec2.amazonaws.com') =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] })

let palisade: TestPalisade
let iam: IAMClient
beforeAll(async () => {
  palisade = await startTestPalisade()
  iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
})
afterAll(() => palisade.stop())

describe('CreateRole', () => {
  it('creates a role with an AROA id, path, description, duration, boundary and tags', async () => {
    const { Role } = await iam.send(new CreateRoleCommand({
      RoleName: 'App',
      Path: '/teams/web/',
      AssumeRolePolicyDocument: trust(),
      Description: 'web tier',
      MaxSessionDuration: 7200,
      PermissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess',
      Tags: [{ Key: 'team', Value: 'web' }],
    }))
    expect(Role).toMatchObject({
      RoleName: 'App',
      Path: '/teams/web/',
      Arn: 'arn:aws:iam::000000000000:role/teams/web/App',
      Description: 'web tier',
      MaxSessionDuration: 7200,
      PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
      Tags: [{ Key: 'team', Value: 'web' }],
    })
    expect(Role!.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/)
    expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toBe(trust())
  })

  it('defaults the path to / and the maximum session to one hour', async () => {
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'Plain', AssumeRolePolicyDocument: trust() }))
    expect(Role).toMatchObject({ Path: '/', Arn: 'arn:aws:iam::000000000000:role/Plain', MaxSessionDuration: 3600 })
  })

  it('refuses a name taken in another case with EntityAlreadyExists', async () => {
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'PLAIN', AssumeRolePolicyDocument: trust() }))).rejects.toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: 'Role with name PLAIN already exists.',
      $metadata: { httpStatusCode: 409 },
    })
  })

  it.each([
    { name: 'invalid JSON', document: '{"Version":', message: 'Syntax errors in policy.' },
    {
      name: 'a trust policy without a principal',
      document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }),
      message: 'Missing required field Principal',
    },
  ])('rejects $name with MalformedPolicyDocument', async ({ document, message }) => {
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'Broken', AssumeRolePolicyDocument: document }))).rejects.toMatchObject({
      name: 'MalformedPolicyDocumentException',
      message: expect.stringContaining(message),
      $metadata: { httpStatusCode: 400 },
    })
  })

  it.each([
    { name: 'below one hour', duration: 3599, constraint: 'Member must have value greater than or equal to 3600' },
    { name: 'above twelve hours', duration: 43201, constraint: 'Member must have value less than or equal to 43200' },
  ])('rejects a maximum session duration $name with ValidationError', async ({ duration, constraint }) => {
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'Long', AssumeRolePolicyDocument: trust(), MaxSessionDuration: duration })))
      .rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining(constraint), $metadata: { httpStatusCode: 400 } })
  })

  it.each([
    { name: 'a customer managed policy', arn: 'arn:aws:iam::000000000000:policy/Missing' },
    { name: 'an AWS managed policy', arn: 'arn:aws:iam::aws:policy/NoSuchAwsPolicy' },
  ])('rejects a boundary that is $name that does not exist', async ({ arn }) => {
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'Bounded', AssumeRolePolicyDocument: trust(), PermissionsBoundary: arn })))
      .rejects.toMatchObject({ name: 'NoSuchEntityException', message: `Scope ARN: ${arn} does not exist or is not attachable.` })
  })

  it('accepts a customer managed policy of the account as boundary', async () => {
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] })
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'RoleBoundary', PolicyDocument: document }))
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'Bounded', AssumeRolePolicyDocument: trust(), PermissionsBoundary: Policy!.Arn }))
    expect(Role!.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: Policy!.Arn })
  })

  describe('principals in the trust policy', () => {
    const trusting = (principal: Partial<Record<'AWS' | 'Federated', string>>, action = 'sts:AssumeRole') =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: action }] })

    beforeAll(async () => {
      await iam.send(new CreateUserCommand({ UserName: 'Trusted', Path: '/people/' }))
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://oidc.example.com', ThumbprintList: ['a'.repeat(40)] }))
    })

    it.each([
      { name: 'a user of this account that exists', principal: { AWS: 'arn:aws:iam::000000000000:user/people/Trusted' } },
      { name: 'a role of this account that exists', principal: { AWS: 'arn:aws:iam::000000000000:role/teams/web/App' } },
      { name: 'the account root', principal: { AWS: 'arn:aws:iam::000000000000:root' } },
      { name: 'a bare account id', principal: { AWS: '111122223333' } },
      { name: 'a role of an account not hosted here', principal: { AWS: 'arn:aws:iam::111122223333:role/Anything' } },
      { name: 'an OIDC provider that exists', principal: { Federated: 'arn:aws:iam::000000000000:oidc-provider/oidc.example.com' }, action: 'sts:AssumeRoleWithWebIdentity' },
      { name: 'a web identity provider by name', principal: { Federated: 'accounts.google.com' }, action: 'sts:AssumeRoleWithWebIdentity' },
    ])('accepts $name', async ({ principal, action }) => {
      const name = `Trusts${Math.random().toString(36).slice(2, 8)}`
      await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trusting(principal, action) }))
    })

    it.each([
      { name: 'a role that does not exist', kind: 'AWS', arn: 'arn:aws:iam::000000000000:role/Ghost' },
      { name: 'a user under another path', kind: 'AWS', arn: 'arn:aws:iam::000000000000:user/Trusted' },
      { name: 'a SAML provider that does not exist', kind: 'Federated', arn: 'arn:aws:iam::000000000000:saml-provider/Nope', action: 'sts:AssumeRoleWithSAML' },
      { name: 'an OIDC provider that does not exist', kind: 'Federated', arn: 'arn:aws:iam::000000000000:oidc-provider/nope.example.com', action: 'sts:AssumeRoleWithWebIdentity' },
    ])('rejects $name with MalformedPolicyDocument', async ({ kind, arn, action }) => {
      const document = trusting({ [kind]: arn }, action)
      const expected = { name: 'MalformedPolicyDocumentException', message: `Invalid principal in policy: "${kind}":"${arn}"`, $metadata: { httpStatusCode: 400 } }
      await expect(iam.send(new CreateRoleCommand({ RoleName: 'Ghostly', AssumeRolePolicyDocument: document }))).rejects.toMatchObject(expected)
      await expect(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'App', PolicyDocument: document }))).rejects.toMatchObject(expected)
    })
  })

  it('rejects a trust policy over 2,048 characters with LimitExceeded', async () => {
    const services = Array.from({ length: 80 }, (_, i) => `service${i}.amazonaws.com`)
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: services }, Action: 'sts:AssumeRole' }] })
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'Huge', AssumeRolePolicyDocument: document })))
      .rejects.toMatchObject({ name: 'LimitExceededException', message: 'Cannot exceed quota for ACLSizePerRole: 2048' })
  })
})

describe('GetRole', () => {
  it('returns tags, boundary and an empty RoleLastUsed for an unused role', async () => {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'app' }))
    expect(Role).toMatchObject({ RoleName: 'App', Tags: [{ Key: 'team', Value: 'web' }], RoleLastUsed: {} })
  })

  it('reports a missing role with NoSuchEntity', async () => {
    await expect(iam.send(new GetRoleCommand({ RoleName: 'Nobody' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name Nobody cannot be found.',
      $metadata: { httpStatusCode: 404 },
    })
  })
})

describe('UpdateRole, UpdateRoleDescription and UpdateAssumeRolePolicy', () => {
  it('changes the description and the maximum session duration', async () => {
    await iam.send(new UpdateRoleCommand({ RoleName: 'Plain', Description: 'updated', MaxSessionDuration: 43200 }))
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'Plain' }))
    expect(Role).toMatchObject({ Description: 'updated', MaxSessionDuration: 43200 })
  })

  it('returns the role from UpdateRoleDescription', async () => {
    const { Role } = await iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'Plain', Description: 'again' }))
    expect(Role).toMatchObject({ RoleName: 'Plain', Description: 'again', MaxSessionDuration: 43200 })
  })

  it('replaces the trust policy after validating it', async () => {
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Plain', PolicyDocument: trust('lambda.amazonaws.com') }))
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'Plain' }))
    expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toBe(trust('lambda.amazonaws.com'))
    await expect(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Plain', PolicyDocument: '[]' })))
      .rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' })
  })

  it('reports a missing role with NoSuchEntity', async () => {
    await expect(iam.send(new UpdateRoleCommand({ RoleName: 'Nobody', Description: 'x' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })
})

describe('ListRoles', () => {
  it('filters by path prefix and pages with Marker', async () => {
    for (const name of ['List1', 'List2', 'List3']) {
      await iam.send(new CreateRoleCommand({ RoleName: name, Path: '/listing/', AssumeRolePolicyDocument: trust() }))
    }
    const first = await iam.send(new ListRolesCommand({ PathPrefix: '/listing/', MaxItems: 2 }))
    expect(first.Roles!.map((role) => role.RoleName)).toEqual(['List1', 'List2'])
    expect(first.IsTruncated).toBe(true)
    const second = await iam.send(new ListRolesCommand({ PathPrefix: '/listing/', MaxItems: 2, Marker: first.Marker }))
    expect(second.Roles!.map((role) => role.RoleName)).toEqual(['List3'])
    expect(second.IsTruncated).toBe(false)
  })

  it('lists every role under / without tags or last use', async () => {
    const { Roles } = await iam.send(new ListRolesCommand({}))
    expect(Roles!.map((role) => role.RoleName)).toEqual(expect.arrayContaining(['App', 'Plain', 'List1']))
    expect(Roles!.find((role) => role.RoleName === 'App')).not.toHaveProperty('Tags')
  })
})

describe('role tags', () => {
  it('adds, overwrites, lists and removes tags', async () => {
    await iam.send(new TagRoleCommand({ RoleName: 'Plain', Tags: [{ Key: 'env', Value: 'dev' }, { Key: 'owner', Value: 'ann' }] }))
    await iam.send(new TagRoleCommand({ RoleName: 'Plain', Tags: [{ Key: 'ENV', Value: 'prod' }] }))
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: 'Plain' }))).Tags).toEqual([{ Key: 'ENV', Value: 'prod' }, { Key: 'owner', Value: 'ann' }])
    await iam.send(new UntagRoleCommand({ RoleName: 'Plain', TagKeys: ['env'] }))
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: 'Plain' }))).Tags).toEqual([{ Key: 'owner', Value: 'ann' }])
  })

  it('refuses more than 50 tags with LimitExceeded', async () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))
    await expect(iam.send(new TagRoleCommand({ RoleName: 'Plain', Tags: tags }))).rejects.toMatchObject({ name: expect.stringMatching(/LimitExceededException|ValidationError/) })
  })

  it.each([
    { name: 'TagRole', send: () => iam.send(new TagRoleCommand({ RoleName: 'Nobody', Tags: [{ Key: 'a', Value: 'b' }] })) },
    { name: 'UntagRole', send: () => iam.send(new UntagRoleCommand({ RoleName: 'Nobody', TagKeys: ['a'] })) },
    { name: 'ListRoleTags', send: () => iam.send(new ListRoleTagsCommand({ RoleName: 'Nobody' })) },
    { name: 'UpdateRoleDescription', send: () => iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'Nobody', Description: 'x' })) },
    { name: 'UpdateAssumeRolePolicy', send: () => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Nobody', PolicyDocument: trust() })) },
  ])('reports a missing role to $name with NoSuchEntity', async ({ send }) => {
    await expect(send()).rejects.toMatchObject({ name: 'NoSuchEntityException', message: 'The role with name Nobody cannot be found.', $metadata: { httpStatusCode: 404 } })
  })

  it('refuses two tag keys that differ only in case with InvalidInput', async () => {
    await expect(iam.send(new TagRoleCommand({ RoleName: 'Plain', Tags: [{ Key: 'dup', Value: '1' }, { Key: 'DUP', Value: '2' }] }))).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    })
  })
})

describe('DeleteRole', () => {
  it('deletes a role and its tags, after which it cannot be found', async () => {
    await iam.send(new DeleteRoleCommand({ RoleName: 'List3' }))
    await expect(iam.send(new GetRoleCommand({ RoleName: 'List3' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
    await iam.send(new CreateRoleCommand({ RoleName: 'List3', AssumeRolePolicyDocument: trust() }))
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: 'List3' }))).Tags).toEqual([])
  })

  it('refuses while an inline policy remains, then while a managed policy is attached, with DeleteConflict', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'Busy', AssumeRolePolicyDocument: trust() }))
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] })
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Busy', PolicyName: 'inline', PolicyDocument: document }))
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'Busy', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }))
    await expect(iam.send(new DeleteRoleCommand({ RoleName: 'Busy' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must delete policies first.',
      $metadata: { httpStatusCode: 409 },
    })
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'Busy', PolicyName: 'inline' }))
    await expect(iam.send(new DeleteRoleCommand({ RoleName: 'Busy' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must detach all policies first.',
    })
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'Busy', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }))
    await iam.send(new DeleteRoleCommand({ RoleName: 'Busy' }))
  })

  it('reports a missing role with NoSuchEntity', async () => {
    await expect(iam.send(new DeleteRoleCommand({ RoleName: 'Nobody' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name Nobody cannot be found.',
    })
  })
})

describe.skipIf(!awsCliAvailable)('roles with the AWS CLI', () => {
  it('creates and gets a role, decoding the URL-encoded trust policy as the CLI does', async () => {
    const created = await awsCli(palisade.url, palisade.root, ['iam', 'create-role', '--role-name', 'CliRole', '--assume-role-policy-document', trust()])
    expect(created.code).toBe(0)
    const got = await awsCli(palisade.url, palisade.root, ['iam', 'get-role', '--role-name', 'CliRole'])
    expect(got.code).toBe(0)
    const role = JSON.parse(got.stdout).Role
    expect(role).toMatchObject({ RoleName: 'CliRole', Arn: 'arn:aws:iam::000000000000:role/CliRole', MaxSessionDuration: 3600 })
    expect(role.AssumeRolePolicyDocument).toEqual(JSON.parse(trust()))
  })

  it('prints NoSuchEntity for a missing role', async () => {
    const result = await awsCli(palisade.url, palisade.root, ['iam', 'delete-role', '--role-name', 'Nobody'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('An error occurred (NoSuchEntity) when calling the DeleteRole operation')
    expect(result.stderr).toContain(': The role with name Nobody cannot be found.')
  })
})
