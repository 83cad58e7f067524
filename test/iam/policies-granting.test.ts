// End to end: ListPoliciesGrantingServiceAccess over a user's own and its groups' policies, a role's, with errors.
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  ListPoliciesGrantingServiceAccessCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allow, createTestUser, policy } from './enforcement-support.js'

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] })

let palisade: TestPalisade
let iam: IAMClient
let customArn: string
beforeAll(async () => {
  palisade = await startTestPalisade()
  iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
  await iam.send(new CreateUserCommand({ UserName: 'gina' }))
  await iam.send(new PutUserPolicyCommand({ UserName: 'gina', PolicyName: 'Reads', PolicyDocument: allow(['s3:GetObject', 'dynamodb:GetItem']) }))
  await iam.send(new PutUserPolicyCommand({ UserName: 'gina', PolicyName: 'Denies', PolicyDocument: policy({ Effect: 'Deny', Action: 's3:*' }) }))
  const created = await iam.send(new CreatePolicyCommand({ PolicyName: 'Everything-but-iam', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] }) }))
  customArn = created.Policy!.Arn!
  await iam.send(new AttachUserPolicyCommand({ UserName: 'gina', PolicyArn: customArn }))
  await iam.send(new CreateGroupCommand({ GroupName: 'ops' }))
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'ops', PolicyName: 'OpsIam', PolicyDocument: allow('iam:List*') }))
  // Attached to the user and to its group: listed once.
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'ops', PolicyArn: customArn }))
  await iam.send(new AddUserToGroupCommand({ GroupName: 'ops', UserName: 'gina' }))
  await iam.send(new CreateRoleCommand({ RoleName: 'web', AssumeRolePolicyDocument: TRUST }))
  await iam.send(new PutRolePolicyCommand({ RoleName: 'web', PolicyName: 'Kms', PolicyDocument: allow('kms:De*') }))
})
afterAll(() => palisade.stop())

describe('ListPoliciesGrantingServiceAccess', () => {
  it("lists, for each namespace, the user's inline and managed policies and its groups' that allow it", async () => {
    const out = await iam.send(new ListPoliciesGrantingServiceAccessCommand({ Arn: `arn:aws:iam::${ACCOUNT}:user/gina`, ServiceNamespaces: ['s3', 'iam', 'kms'] }))
    expect(out.IsTruncated).toBe(false)
    expect(out.PoliciesGrantingServiceAccess).toEqual([
      {
        ServiceNamespace: 's3',
        Policies: [
          { PolicyName: 'Reads', PolicyType: 'INLINE', EntityType: 'USER', EntityName: 'gina' },
          { PolicyName: 'Everything-but-iam', PolicyType: 'MANAGED', PolicyArn: customArn },
        ],
      },
      { ServiceNamespace: 'iam', Policies: [{ PolicyName: 'OpsIam', PolicyType: 'INLINE', EntityType: 'GROUP', EntityName: 'ops' }] },
      { ServiceNamespace: 'kms', Policies: [{ PolicyName: 'Everything-but-iam', PolicyType: 'MANAGED', PolicyArn: customArn }] },
    ])
  })

  it('lists a role\'s inline policy under the namespace its wildcard action covers, and no policy for another', async () => {
    const out = await iam.send(new ListPoliciesGrantingServiceAccessCommand({ Arn: `arn:aws:iam::${ACCOUNT}:role/web`, ServiceNamespaces: ['kms', 'ec2'] }))
    expect(out.PoliciesGrantingServiceAccess).toEqual([
      { ServiceNamespace: 'kms', Policies: [{ PolicyName: 'Kms', PolicyType: 'INLINE', EntityType: 'ROLE', EntityName: 'web' }] },
      { ServiceNamespace: 'ec2', Policies: [] },
    ])
  })

  it('lists an AWS managed policy attached to a role under the services it allows', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'reader', AssumeRolePolicyDocument: TRUST }))
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'reader', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }))
    const out = await iam.send(new ListPoliciesGrantingServiceAccessCommand({ Arn: `arn:aws:iam::${ACCOUNT}:role/reader`, ServiceNamespaces: ['s3', 'iam'] }))
    expect(out.PoliciesGrantingServiceAccess).toEqual([
      { ServiceNamespace: 's3', Policies: [{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyType: 'MANAGED', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }] },
      { ServiceNamespace: 'iam', Policies: [] },
    ])
  })

  it("lists a group's own policies", async () => {
    const out = await iam.send(new ListPoliciesGrantingServiceAccessCommand({ Arn: `arn:aws:iam::${ACCOUNT}:group/ops`, ServiceNamespaces: ['iam'] }))
    expect(out.PoliciesGrantingServiceAccess).toEqual([
      { ServiceNamespace: 'iam', Policies: [{ PolicyName: 'OpsIam', PolicyType: 'INLINE', EntityType: 'GROUP', EntityName: 'ops' }] },
    ])
  })

  it.each([
    { name: 'rejects an entity that does not exist', arn: `arn:aws:iam::${ACCOUNT}:user/nobody`, error: 'NoSuchEntityException', status: 404, message: 'The user with name nobody cannot be found.' },
    { name: 'rejects a policy ARN', arn: undefined, error: 'InvalidInputException', status: 400, message: undefined },
  ])('$name', async ({ arn, error, status, message }) => {
    await expect(iam.send(new ListPoliciesGrantingServiceAccessCommand({ Arn: arn ?? customArn, ServiceNamespaces: ['s3'] }))).rejects.toMatchObject({
      name: error,
      $metadata: { httpStatusCode: status },
      ...(message !== undefined && { message }),
    })
  })

  it('takes up to 200 namespaces (the model\'s limit), one entry each, and rejects 201 and any Marker (it never issues one)', async () => {
    const namespaces = Array.from({ length: 200 }, (_, index) => `svc${index}`)
    const out = await iam.send(new ListPoliciesGrantingServiceAccessCommand({ Arn: `arn:aws:iam::${ACCOUNT}:role/web`, ServiceNamespaces: namespaces }))
    expect(out.PoliciesGrantingServiceAccess!.map((entry) => entry.ServiceNamespace)).toEqual(namespaces)
    expect(out.IsTruncated).toBe(false)
    await expect(iam.send(new ListPoliciesGrantingServiceAccessCommand({ Arn: `arn:aws:iam::${ACCOUNT}:role/web`, ServiceNamespaces: [...namespaces, 'one-more'] })))
      .rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } })
    await expect(iam.send(new ListPoliciesGrantingServiceAccessCommand({ Arn: `arn:aws:iam::${ACCOUNT}:role/web`, ServiceNamespaces: ['s3'], Marker: 'bm9wZQ' })))
      .rejects.toMatchObject({ name: 'InvalidInputException', $metadata: { httpStatusCode: 400 } })
  })

  it('is refused to a user whose policies do not allow it on that entity', async () => {
    const user = await createTestUser(palisade, 'pga-nosy')
    await expect(user.client.send(new ListPoliciesGrantingServiceAccessCommand({ Arn: `arn:aws:iam::${ACCOUNT}:user/gina`, ServiceNamespaces: ['s3'] })))
      .rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
  })
})
