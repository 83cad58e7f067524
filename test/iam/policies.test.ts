// End to end: customer and AWS managed policies, versions, inline policies, attachments and permissions
// boundaries, with the AWS SDK v3 client and the AWS CLI.
import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeletePolicyVersionCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  ListPolicyVersionsCommand,
  ListUserPoliciesCommand,
  PutGroupPolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  SetDefaultPolicyVersionCommand,
  TagPolicyCommand,
  UntagPolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allow, rootClient } from './enforcement-support.js'
import { failure } from '../support/failure.js'

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] })

/** The error a call rejects with: its code, HTTP status and message. */
/** A valid identity policy of about `size` characters without whitespace. */
function policyOfSize(size: number): string {
  const base = allow('s3:GetObject', 'arn:aws:s3:::')
  return allow('s3:GetObject', `arn:aws:s3:::${'b'.repeat(size - base.length)}`)
}

describe('IAM managed policies', () => {
  let palisade: TestPalisade
  let iam: IAMClient
  beforeAll(async () => {
    palisade = await startTestPalisade()
    iam = rootClient(palisade)
  })
  afterAll(() => palisade.stop())

  it('creates a policy with an ANPA id, v1 as default, its path in the ARN and tags', async () => {
    const { Policy } = await iam.send(new CreatePolicyCommand({
      PolicyName: 'Readers', Path: '/team/', Description: 'read things', PolicyDocument: allow('s3:Get*'), Tags: [{ Key: 'owner', Value: 'ops' }],
    }))
    expect(Policy).toMatchObject({
      PolicyName: 'Readers',
      Arn: `arn:aws:iam::${ACCOUNT}:policy/team/Readers`,
      Path: '/team/',
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      Description: 'read things',
      Tags: [{ Key: 'owner', Value: 'ops' }],
    })
    expect(Policy?.PolicyId).toMatch(/^ANPA[A-Z0-9]{17}$/)
    const got = await iam.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn! }))
    expect(got.Policy).toMatchObject({ PolicyName: 'Readers', PolicyId: Policy?.PolicyId, Description: 'read things' })
  })

  it('refuses a second policy with the same name in any case', async () => {
    await iam.send(new CreatePolicyCommand({ PolicyName: 'Twice', PolicyDocument: allow('s3:*') }))
    expect(await failure(iam.send(new CreatePolicyCommand({ PolicyName: 'TWICE', Path: '/other/', PolicyDocument: allow('s3:*') })))).toEqual({
      name: 'EntityAlreadyExistsException', status: 409, message: 'A policy called TWICE already exists. Duplicate names are not allowed.',
    })
  })

  it.each([
    { name: 'a document without Version', document: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }), message: 'Policy document must be version 2012-10-17 or greater.' },
    { name: 'a document with a Principal', document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] }), message: 'Policy document should not specify a principal.' },
    { name: 'text that is not JSON', document: '{"Version": ', message: 'Syntax errors in policy.' },
  ])('rejects $name with MalformedPolicyDocument', async ({ document, message }) => {
    expect(await failure(iam.send(new CreatePolicyCommand({ PolicyName: 'Bad', PolicyDocument: document })))).toEqual({ name: 'MalformedPolicyDocumentException', status: 400, message })
  })

  it('accepts a policy of 6,144 characters without whitespace and refuses one more', async () => {
    const exact = policyOfSize(6144)
    await iam.send(new CreatePolicyCommand({ PolicyName: 'Exact', PolicyDocument: exact.replace('{', '{   \n') }))
    expect(await failure(iam.send(new CreatePolicyCommand({ PolicyName: 'TooBig', PolicyDocument: policyOfSize(6145) })))).toEqual({
      name: 'LimitExceededException', status: 409, message: 'Cannot exceed quota for PolicySize: 6144',
    })
  })

  it('keeps at most 5 versions, returns documents URL-encoded and never deletes the default', async () => {
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'Versioned', PolicyDocument: allow('s3:GetObject') }))
    const arn = Policy!.Arn!
    for (let n = 2; n <= 5; n++) {
      const { PolicyVersion } = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allow(`s3:Action${n}`), SetAsDefault: n === 3 }))
      expect(PolicyVersion).toMatchObject({ VersionId: `v${n}`, IsDefaultVersion: n === 3 })
    }
    expect(await failure(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allow('s3:Six') })))).toEqual({
      name: 'LimitExceededException', status: 409,
      message: 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
    })
    const listed = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))
    expect(listed.Versions?.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([['v5', false], ['v4', false], ['v3', true], ['v2', false], ['v1', false]])

    const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' }))
    expect(PolicyVersion?.Document).toBe(encodeURIComponent(allow('s3:Action3')))
    expect(JSON.parse(decodeURIComponent(PolicyVersion!.Document!))).toEqual(JSON.parse(allow('s3:Action3')))

    expect(await failure(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' })))).toEqual({
      name: 'DeleteConflictException', status: 409, message: 'Cannot delete the default version of a policy.',
    })
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }))
    const next = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allow('s3:Again') }))
    expect(next.PolicyVersion?.VersionId).toBe('v6') // numbers are never reused
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v6' }))
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId).toBe('v6')
    expect(await failure(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' })))).toEqual({
      name: 'NoSuchEntityException', status: 404, message: `Policy ${arn} version v1 does not exist.`,
    })
  })

  it('deletes a policy only once it is detached and only its default version is left', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'holder' }))
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'Doomed', PolicyDocument: allow('s3:*') }))
    const arn = Policy!.Arn!
    await iam.send(new AttachUserPolicyCommand({ UserName: 'holder', PolicyArn: arn }))
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount).toBe(1)
    expect(await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })))).toEqual({
      name: 'DeleteConflictException', status: 409, message: 'Cannot delete a policy attached to entities.',
    })
    await iam.send(new DetachUserPolicyCommand({ UserName: 'holder', PolicyArn: arn }))
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allow('s3:Get*') }))
    expect((await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })))).name).toBe('DeleteConflictException')
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }))
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }))
    expect(await failure(iam.send(new GetPolicyCommand({ PolicyArn: arn })))).toEqual({ name: 'NoSuchEntityException', status: 404, message: `Policy ${arn} was not found.` })
  })

  it('serves AWS managed policies from the data package', async () => {
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }))
    expect(Policy).toMatchObject({ PolicyName: 'AdministratorAccess', Path: '/', DefaultVersionId: 'v1', IsAttachable: true })
    const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: Policy!.Arn!, VersionId: 'v1' }))
    expect(JSON.parse(decodeURIComponent(PolicyVersion!.Document!))).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })
    const viewOnly = await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' }))
    expect(viewOnly.Policy).toMatchObject({ PolicyName: 'ViewOnlyAccess', Path: '/job-function/' })

    const names: string[] = []
    let Marker: string | undefined
    do {
      const page = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 1000, Marker }))
      names.push(...page.Policies!.map((p) => p.PolicyName!))
      Marker = page.IsTruncated ? page.Marker : undefined
    } while (Marker)
    expect(names.length).toBeGreaterThan(1000)
    expect(names).toEqual(expect.arrayContaining(['ReadOnlyAccess', 'PowerUserAccess', 'IAMFullAccess', 'IAMReadOnlyAccess', 'AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess', 'SecurityAudit']))
  })

  it('lists local policies by scope, path, attachment and usage, a page at a time', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'lister' }))
    const a = (await iam.send(new CreatePolicyCommand({ PolicyName: 'ListA', Path: '/listed/', PolicyDocument: allow('s3:*') }))).Policy!.Arn!
    const b = (await iam.send(new CreatePolicyCommand({ PolicyName: 'ListB', Path: '/listed/', PolicyDocument: allow('s3:*') }))).Policy!.Arn!
    await iam.send(new CreatePolicyCommand({ PolicyName: 'ListC', Path: '/listed/', PolicyDocument: allow('s3:*') }))
    await iam.send(new AttachUserPolicyCommand({ UserName: 'lister', PolicyArn: a }))
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'lister', PermissionsBoundary: b }))

    const first = await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/listed/', MaxItems: 2 }))
    expect(first.Policies?.map((p) => p.PolicyName)).toEqual(['ListA', 'ListB'])
    expect(first.IsTruncated).toBe(true)
    const second = await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/listed/', MaxItems: 2, Marker: first.Marker }))
    expect(second.Policies?.map((p) => p.PolicyName)).toEqual(['ListC'])
    expect(second.IsTruncated).toBe(false)

    const attached = await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/listed/', OnlyAttached: true }))
    expect(attached.Policies?.map((p) => p.PolicyName)).toEqual(['ListA', 'ListB'])
    const boundaries = await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/listed/', PolicyUsageFilter: 'PermissionsBoundary' }))
    expect(boundaries.Policies?.map((p) => [p.PolicyName, p.PermissionsBoundaryUsageCount])).toEqual([['ListB', 1]])
  })

  it('tags, lists and untags a policy', async () => {
    const arn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'Tagged', PolicyDocument: allow('s3:*') }))).Policy!.Arn!
    await iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: '1' }] }))
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags).toEqual([{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }])
    await iam.send(new UntagPolicyCommand({ PolicyArn: arn, TagKeys: ['A'] }))
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags).toEqual([{ Key: 'b', Value: '2' }])
  })
})

describe('IAM inline policies', () => {
  let palisade: TestPalisade
  let iam: IAMClient
  beforeAll(async () => {
    palisade = await startTestPalisade()
    iam = rootClient(palisade)
    await iam.send(new CreateUserCommand({ UserName: 'inliner' }))
    await iam.send(new CreateGroupCommand({ GroupName: 'inliners' }))
    await iam.send(new CreateRoleCommand({ RoleName: 'inliner-role', AssumeRolePolicyDocument: TRUST }))
  })
  afterAll(() => palisade.stop())

  it('puts, replaces, gets (URL-encoded), lists and deletes a user policy', async () => {
    await iam.send(new PutUserPolicyCommand({ UserName: 'inliner', PolicyName: 'first', PolicyDocument: allow('s3:GetObject') }))
    await iam.send(new PutUserPolicyCommand({ UserName: 'inliner', PolicyName: 'First', PolicyDocument: allow('s3:PutObject') }))
    await iam.send(new PutUserPolicyCommand({ UserName: 'inliner', PolicyName: 'second', PolicyDocument: allow('s3:ListBucket') }))
    const got = await iam.send(new GetUserPolicyCommand({ UserName: 'inliner', PolicyName: 'first' }))
    expect(got).toMatchObject({ UserName: 'inliner', PolicyName: 'First', PolicyDocument: encodeURIComponent(allow('s3:PutObject')) })
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'inliner' }))).PolicyNames).toEqual(['First', 'second'])
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'inliner', PolicyName: 'second' }))
    expect(await failure(iam.send(new GetUserPolicyCommand({ UserName: 'inliner', PolicyName: 'second' })))).toEqual({
      name: 'NoSuchEntityException', status: 404, message: 'The user policy with name second cannot be found.',
    })
  })

  it('puts and gets group and role policies', async () => {
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'inliners', PolicyName: 'g', PolicyDocument: allow('s3:*') }))
    await iam.send(new PutRolePolicyCommand({ RoleName: 'inliner-role', PolicyName: 'r', PolicyDocument: allow('ec2:*') }))
    expect((await iam.send(new GetGroupPolicyCommand({ GroupName: 'inliners', PolicyName: 'g' }))).GroupName).toBe('inliners')
    expect((await iam.send(new GetRolePolicyCommand({ RoleName: 'inliner-role', PolicyName: 'r' }))).PolicyDocument).toBe(encodeURIComponent(allow('ec2:*')))
  })

  it.each([
    { name: 'user', limit: 2048, put: (iam: IAMClient, doc: string) => iam.send(new PutUserPolicyCommand({ UserName: 'inliner', PolicyName: 'big', PolicyDocument: doc })), entity: 'user inliner' },
    { name: 'group', limit: 5120, put: (iam: IAMClient, doc: string) => iam.send(new PutGroupPolicyCommand({ GroupName: 'inliners', PolicyName: 'big', PolicyDocument: doc })), entity: 'group inliners' },
    { name: 'role', limit: 10240, put: (iam: IAMClient, doc: string) => iam.send(new PutRolePolicyCommand({ RoleName: 'inliner-role', PolicyName: 'big', PolicyDocument: doc })), entity: 'role inliner-role' },
  ])('limits the inline policies of a $name to $limit characters in all', async ({ limit, put, entity }) => {
    expect(await failure(put(iam, policyOfSize(limit)))).toEqual({
      name: 'LimitExceededException', status: 409, message: `Maximum policy size of ${limit} bytes exceeded for ${entity}`,
    })
    await put(iam, policyOfSize(limit - 200))
  })

  it('answers NoSuchEntity for an unknown user and a malformed document with AWS text', async () => {
    expect(await failure(iam.send(new PutUserPolicyCommand({ UserName: 'nobody', PolicyName: 'p', PolicyDocument: allow('s3:*') })))).toEqual({
      name: 'NoSuchEntityException', status: 404, message: 'The user with name nobody cannot be found.',
    })
    expect(await failure(iam.send(new PutUserPolicyCommand({ UserName: 'inliner', PolicyName: 'p', PolicyDocument: allow('GetObject') })))).toEqual({
      name: 'MalformedPolicyDocumentException', status: 400, message: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    })
  })
})

describe('IAM attachments and permissions boundaries', () => {
  let palisade: TestPalisade
  let iam: IAMClient
  beforeAll(async () => {
    palisade = await startTestPalisade()
    iam = rootClient(palisade)
    await iam.send(new CreateUserCommand({ UserName: 'attached' }))
    await iam.send(new CreateGroupCommand({ GroupName: 'attached-group' }))
    await iam.send(new CreateRoleCommand({ RoleName: 'attached-role', AssumeRolePolicyDocument: TRUST }))
  })
  afterAll(() => palisade.stop())

  it('attaches at most 10 managed policies to a user', async () => {
    const arns: string[] = []
    for (let n = 0; n < 11; n++) arns.push((await iam.send(new CreatePolicyCommand({ PolicyName: `Many${n}`, PolicyDocument: allow('s3:*') }))).Policy!.Arn!)
    for (const arn of arns.slice(0, 10)) await iam.send(new AttachUserPolicyCommand({ UserName: 'attached', PolicyArn: arn }))
    await iam.send(new AttachUserPolicyCommand({ UserName: 'attached', PolicyArn: arns[0]! })) // attaching again is no error
    expect(await failure(iam.send(new AttachUserPolicyCommand({ UserName: 'attached', PolicyArn: arns[10]! })))).toEqual({
      name: 'LimitExceededException', status: 409, message: 'Cannot exceed quota for PoliciesPerUser: 10',
    })
    const listed = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'attached', MaxItems: 4 }))
    expect(listed.AttachedPolicies).toHaveLength(4)
    expect(listed.IsTruncated).toBe(true)
    expect(listed.AttachedPolicies?.[0]).toEqual({ PolicyName: 'Many0', PolicyArn: arns[0] })
  })

  it('answers NoSuchEntity for an unknown policy, an unknown entity and a policy that is not attached', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:policy/Missing`
    expect(await failure(iam.send(new AttachGroupPolicyCommand({ GroupName: 'attached-group', PolicyArn: missing })))).toEqual({
      name: 'NoSuchEntityException', status: 404, message: `Policy ${missing} does not exist or is not attachable.`,
    })
    expect(await failure(iam.send(new AttachRolePolicyCommand({ RoleName: 'ghost', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })))).toEqual({
      name: 'NoSuchEntityException', status: 404, message: 'The role with name ghost cannot be found.',
    })
    expect(await failure(iam.send(new DetachUserPolicyCommand({ UserName: 'attached', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })))).toEqual({
      name: 'NoSuchEntityException', status: 404, message: 'Policy arn:aws:iam::aws:policy/ReadOnlyAccess was not found.',
    })
  })

  it('lists the entities a policy is attached to or bounds', async () => {
    const arn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'Shared', PolicyDocument: allow('s3:*') }))).Policy!.Arn!
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'attached-group', PolicyArn: arn }))
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'attached-role', PolicyArn: arn }))
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'attached', PermissionsBoundary: arn }))
    const all = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }))
    expect(all.PolicyGroups?.map((g) => g.GroupName)).toEqual(['attached-group'])
    expect(all.PolicyRoles?.map((r) => r.RoleName)).toEqual(['attached-role'])
    expect(all.PolicyUsers?.map((u) => u.UserName)).toEqual(['attached'])
    expect(all.PolicyGroups?.[0]?.GroupId).toMatch(/^AGPA/)
    const permissions = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, PolicyUsageFilter: 'PermissionsPolicy' }))
    expect(permissions.PolicyUsers).toEqual([])
    const roles = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: 'Role' }))
    expect([roles.PolicyGroups, roles.PolicyUsers, roles.PolicyRoles?.length]).toEqual([[], [], 1])
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }))
    expect([Policy?.AttachmentCount, Policy?.PermissionsBoundaryUsageCount]).toEqual([2, 1])
  })

  it('refuses to attach a service-linked role policy, which is not attachable', async () => {
    const arn = 'arn:aws:iam::aws:policy/aws-service-role/AmazonElasticsearchServiceRolePolicy'
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy).toMatchObject({ Path: '/aws-service-role/', IsAttachable: false })
    expect(await failure(iam.send(new AttachRolePolicyCommand({ RoleName: 'attached-role', PolicyArn: arn })))).toEqual({
      name: 'PolicyNotAttachableException', status: 400, message: 'Cannot attach a Service Role Policy to a Customer Role.',
    })
  })

  it('puts and deletes the permissions boundary of a user and of a role', async () => {
    const boundary = 'arn:aws:iam::aws:policy/PowerUserAccess'
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'attached-role', PermissionsBoundary: boundary }))
    expect((await iam.send(new GetRoleCommand({ RoleName: 'attached-role' }))).Role?.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: boundary,
    })
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'attached-role' }))
    expect((await iam.send(new GetRoleCommand({ RoleName: 'attached-role' }))).Role?.PermissionsBoundary).toBeUndefined()

    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'attached', PermissionsBoundary: boundary }))
    expect((await iam.send(new GetUserCommand({ UserName: 'attached' }))).User?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(boundary)
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: boundary }))).Policy?.PermissionsBoundaryUsageCount).toBe(1)
    await iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'attached' }))
    expect((await iam.send(new GetUserCommand({ UserName: 'attached' }))).User?.PermissionsBoundary).toBeUndefined()
  })

  it('refuses a permissions boundary that does not exist', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:policy/NoBoundary`
    expect(await failure(iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'attached', PermissionsBoundary: missing })))).toEqual({
      name: 'NoSuchEntityException', status: 404, message: `Policy ${missing} does not exist or is not attachable.`,
    })
  })
})

describe.skipIf(!awsCliAvailable)('IAM policies with the AWS CLI', () => {
  let palisade: TestPalisade
  beforeAll(async () => {
    palisade = await startTestPalisade()
  })
  afterAll(() => palisade.stop())

  it('creates a policy and reads its version back decoded by the CLI', async () => {
    const created = await awsCli(palisade.url, palisade.root, ['iam', 'create-policy', '--policy-name', 'Cli', '--policy-document', allow('s3:GetObject')])
    const arn = JSON.parse(created.stdout).Policy.Arn as string
    expect(arn).toBe(`arn:aws:iam::${ACCOUNT}:policy/Cli`)
    const version = await awsCli(palisade.url, palisade.root, ['iam', 'get-policy-version', '--policy-arn', arn, '--version-id', 'v1'])
    // The CLI decodes the URL-encoded document into JSON, as it does against AWS.
    expect(JSON.parse(version.stdout).PolicyVersion.Document).toEqual(JSON.parse(allow('s3:GetObject')))
  })
})
