// End to end: what the role, service-linked role and provider operations declare to the authorization stage —
// actions, resource ARNs and condition keys (iam:PermissionsBoundary, iam:AWSServiceName, aws:RequestTag, aws:TagKeys).
import {
  CreateInstanceProfileCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateServiceLinkedRoleCommand,
  GetRoleCommand,
  PutUserPolicyCommand,
  TagRoleCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allow, createTestUser, expectDenied, policy, rootClient, type TestUser } from './enforcement-support.js'

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] })
const BOUNDARY = 'arn:aws:iam::aws:policy/PowerUserAccess'

let palisade: TestPalisade
let user: TestUser
beforeAll(async () => {
  palisade = await startTestPalisade()
  user = await createTestUser(palisade, 'builder')
})
afterAll(() => palisade.stop())

async function grant(document: string): Promise<void> {
  await rootClient(palisade).send(new PutUserPolicyCommand({ UserName: user.name, PolicyName: 'grant', PolicyDocument: document }))
}

describe('role operations under the authorization stage', () => {
  it('denies a user without permissions, naming the action and the role ARN', async () => {
    await expectDenied(
      user.client.send(new CreateRoleCommand({ RoleName: 'Web', AssumeRolePolicyDocument: TRUST })),
      `User: ${user.arn} is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCOUNT}:role/Web`,
    )
    await expectDenied(user.client.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'P' })), 'iam:CreateInstanceProfile')
    await expectDenied(user.client.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.example.com' })), `oidc-provider/idp.example.com`)
  })

  it('lets CreateRole through only with the boundary a condition on iam:PermissionsBoundary requires', async () => {
    await grant(policy({ Effect: 'Allow', Action: 'iam:CreateRole', Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': BOUNDARY } } }))
    await expectDenied(user.client.send(new CreateRoleCommand({ RoleName: 'Unbounded', AssumeRolePolicyDocument: TRUST })), 'iam:CreateRole')
    await user.client.send(new CreateRoleCommand({ RoleName: 'Bounded', AssumeRolePolicyDocument: TRUST, PermissionsBoundary: BOUNDARY }))
  })

  it('matches the role ARN with its path on CreateRole', async () => {
    await grant(allow('iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/teams/*`))
    await user.client.send(new CreateRoleCommand({ RoleName: 'TeamRole', Path: '/teams/', AssumeRolePolicyDocument: TRUST }))
    await expectDenied(user.client.send(new CreateRoleCommand({ RoleName: 'Elsewhere', AssumeRolePolicyDocument: TRUST })), 'iam:CreateRole')
  })

  it('carries request tags to aws:RequestTag and aws:TagKeys', async () => {
    await grant(policy({ Effect: 'Allow', Action: 'iam:TagRole', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/team': 'web' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } }))
    await user.client.send(new TagRoleCommand({ RoleName: 'Bounded', Tags: [{ Key: 'team', Value: 'web' }] }))
    await expectDenied(user.client.send(new TagRoleCommand({ RoleName: 'Bounded', Tags: [{ Key: 'team', Value: 'data' }] })), 'iam:TagRole')
    await expectDenied(user.client.send(new TagRoleCommand({ RoleName: 'Bounded', Tags: [{ Key: 'team', Value: 'web' }, { Key: 'cost', Value: '1' }] })), 'iam:TagRole')
  })

  it('scopes CreateServiceLinkedRole by iam:AWSServiceName', async () => {
    await grant(policy({ Effect: 'Allow', Action: 'iam:CreateServiceLinkedRole', Resource: '*', Condition: { StringEquals: { 'iam:AWSServiceName': 'autoscaling.amazonaws.com' } } }))
    await user.client.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com' }))
    await expectDenied(user.client.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com' })),
      `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`)
  })

  it('allows GetRole on the role ARN it grants and no other', async () => {
    await grant(allow('iam:GetRole', `arn:aws:iam::${ACCOUNT}:role/Bounded`))
    await user.client.send(new GetRoleCommand({ RoleName: 'Bounded' }))
    await expectDenied(user.client.send(new GetRoleCommand({ RoleName: 'TeamRole' })), 'iam:GetRole')
  })
})
