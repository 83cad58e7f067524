// End to end: what a session carries into later decisions — session policies narrow it, session tags are its
// aws:PrincipalTag, MFA and source identity and the token's issue time are condition keys, a federated user has the
// issuing user's permissions cut down by the session policy.
import { IAMClient, ListRolesCommand, ListUsersCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, GetFederationTokenCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import type { TestUser } from '../iam/enforcement-support.js'
import { ACCOUNT, allow, allowUserToAssumeRoles, createRole, createTestUser, expectDenied, policy, rootClient, signingCredentials, stsClient, type SigningCredentials } from './sts-support.js'

describe('what a session carries into authorization', () => {
  let palisade: TestPalisade
  let user: TestUser
  beforeAll(async () => {
    palisade = await startTestPalisade()
    user = await createTestUser(palisade, 'erin')
    await allowUserToAssumeRoles(palisade, user.name)
  })
  afterAll(() => palisade.stop())

  const iamAs = (credentials: SigningCredentials) => new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1 })
  const assume = async (roleArn: string, input: Record<string, unknown> = {}) =>
    signingCredentials((await stsClient(palisade, user.credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'erin', ...input }))).Credentials)

  it('narrows a role session to its session policy', async () => {
    const roleArn = await createRole(palisade, 'Wide', { permissions: allow(['iam:ListRoles', 'iam:ListUsers']) })
    const narrowed = iamAs(await assume(roleArn, { Policy: allow('iam:ListRoles') }))
    await narrowed.send(new ListRolesCommand({}))
    await expectDenied(narrowed.send(new ListUsersCommand({})), 'because no session policy allows the iam:ListUsers action')
  })

  it('narrows a role session to its managed session policies (PolicyArns)', async () => {
    const roleArn = await createRole(palisade, 'WideArns', { permissions: allow(['iam:ListRoles', 'sts:GetCallerIdentity']) })
    const narrowed = iamAs(await assume(roleArn, { PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/job-function/Billing' }] }))
    await expectDenied(narrowed.send(new ListRolesCommand({})))
  })

  it('sees session tags as aws:PrincipalTag', async () => {
    const roleArn = await createRole(palisade, 'Tagged', {
      permissions: policy({ Effect: 'Allow', Action: 'iam:ListRoles', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }),
    })
    await iamAs(await assume(roleArn, { Tags: [{ Key: 'team', Value: 'blue' }] })).send(new ListRolesCommand({}))
    await expectDenied(iamAs(await assume(roleArn, { Tags: [{ Key: 'team', Value: 'red' }] })).send(new ListRolesCommand({})))
  })

  it('sees the source identity as aws:SourceIdentity', async () => {
    const roleArn = await createRole(palisade, 'Sourced', {
      permissions: policy({ Effect: 'Allow', Action: 'iam:ListRoles', Condition: { StringEquals: { 'aws:SourceIdentity': 'erin@example.com' } } }),
    })
    await iamAs(await assume(roleArn, { SourceIdentity: 'erin@example.com' })).send(new ListRolesCommand({}))
    await expectDenied(iamAs(await assume(roleArn)).send(new ListRolesCommand({})))
  })

  it('revokes sessions issued before a time with aws:TokenIssueTime, as the console\'s "revoke active sessions" does', async () => {
    const roleArn = await createRole(palisade, 'Revocable', { permissions: allow('iam:ListRoles') })
    const old = iamAs(await assume(roleArn))
    await old.send(new ListRolesCommand({}))
    const cutoff = new Date(Date.now() + 1000).toISOString()
    await rootClient(palisade).send(new PutRolePolicyCommand({
      RoleName: 'Revocable',
      PolicyName: 'AWSRevokeOlderSessions',
      PolicyDocument: policy({ Effect: 'Deny', Action: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff } } }),
    }))
    await expectDenied(old.send(new ListRolesCommand({})), 'explicit deny')
  })

  it('gives a federated user the issuing user\'s permissions cut down by the session policy', async () => {
    await rootClient(palisade).send(new PutUserPolicyCommand({ UserName: user.name, PolicyName: 'lists', PolicyDocument: allow(['iam:ListRoles', 'iam:ListUsers', 'sts:GetFederationToken']) }))
    const { Credentials } = await stsClient(palisade, user.credentials).send(new GetFederationTokenCommand({ Name: 'erin-fed', Policy: allow(['iam:ListRoles', 'iam:GetAccountSummary']) }))
    const federated = iamAs(signingCredentials(Credentials))
    await federated.send(new ListRolesCommand({}))
    await expectDenied(federated.send(new ListUsersCommand({})))
  })

  it('gives a federated user without a session policy no permissions at all', async () => {
    await rootClient(palisade).send(new PutUserPolicyCommand({ UserName: user.name, PolicyName: 'lists', PolicyDocument: allow(['iam:ListRoles', 'sts:GetFederationToken']) }))
    const { Credentials } = await stsClient(palisade, user.credentials).send(new GetFederationTokenCommand({ Name: 'erin-bare' }))
    await expectDenied(iamAs(signingCredentials(Credentials)).send(new ListRolesCommand({})), 'because no session policy allows the iam:ListRoles action')
  })

  it('requires MFA in a trust policy with aws:MultiFactorAuthPresent', async () => {
    const roleArn = await createRole(palisade, 'NeedsMfa', {
      trust: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] }),
    })
    await expectDenied(assume(roleArn))
    const session = signingCredentials((await stsClient(palisade, user.credentials).send(new GetSessionTokenCommand({}))).Credentials)
    await expectDenied(stsClient(palisade, session).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'no-mfa' })))
    // The allowed side (AssumeRole with SerialNumber and TokenCode, or from an MFA session) is in mfa-trust.test.ts.
  })

  it('keeps a GetSessionToken session without MFA from calling IAM', async () => {
    await rootClient(palisade).send(new PutUserPolicyCommand({ UserName: user.name, PolicyName: 'lists', PolicyDocument: allow('iam:ListRoles') }))
    const session = signingCredentials((await stsClient(palisade, user.credentials).send(new GetSessionTokenCommand({}))).Credentials)
    await expect(iamAs(session).send(new ListRolesCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' })
    await user.client.send(new ListRolesCommand({}))
  })
})
