// End to end: the role's trust policy decides AssumeRole in the authorization stage — the principals it names, its
// conditions on sts:ExternalId and the caller's tags, and the extra actions session tags need.
import { AssumeRoleCommand } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import type { TestUser } from '../iam/enforcement-support.js'
import { ACCOUNT, allowUserToAssumeRoles, createRole, createTestUser, expectDenied, signingCredentials, stsClient } from './sts-support.js'

const trust = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', ...statement }] })

describe('the trust policy decides AssumeRole', () => {
  let palisade: TestPalisade
  let alice: TestUser
  let bob: TestUser
  beforeAll(async () => {
    palisade = await startTestPalisade()
    alice = await createTestUser(palisade, 'alice', [{ Key: 'team', Value: 'blue' }])
    bob = await createTestUser(palisade, 'bob', [{ Key: 'team', Value: 'red' }])
    await allowUserToAssumeRoles(palisade, alice.name)
    await allowUserToAssumeRoles(palisade, bob.name)
  })
  afterAll(() => palisade.stop())

  const assume = (user: TestUser, roleArn: string, input: Record<string, unknown> = {}) =>
    stsClient(palisade, user.credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'session', ...input }))

  it('lets the user the trust policy names assume the role, and no one else', async () => {
    const roleArn = await createRole(palisade, 'AliceOnly', { trust: trust({ Principal: { AWS: alice.arn } }) })
    await expect(assume(alice, roleArn)).resolves.toMatchObject({ AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AliceOnly/session` } })
    await expectDenied(assume(bob, roleArn), `User: ${bob.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`)
  })

  it('needs no identity policy when the trust policy names the user (same account)', async () => {
    const carol = await createTestUser(palisade, 'carol')
    const roleArn = await createRole(palisade, 'CarolDirect', { trust: trust({ Principal: { AWS: carol.arn } }) })
    await expect(assume(carol, roleArn)).resolves.toBeDefined()
  })

  it('needs the caller\'s identity policy when the trust policy names only the account', async () => {
    const dave = await createTestUser(palisade, 'dave')
    const roleArn = await createRole(palisade, 'AccountTrust', { trust: trust({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }) })
    await expectDenied(assume(dave, roleArn))
    await expect(assume(alice, roleArn)).resolves.toBeDefined()
  })

  it('checks sts:ExternalId', async () => {
    const roleArn = await createRole(palisade, 'Vendor', { trust: trust({ Principal: { AWS: alice.arn }, Condition: { StringEquals: { 'sts:ExternalId': 'ext-7731' } } }) })
    await expectDenied(assume(alice, roleArn))
    await expectDenied(assume(alice, roleArn, { ExternalId: 'ext-0000' }))
    await expect(assume(alice, roleArn, { ExternalId: 'ext-7731' })).resolves.toBeDefined()
  })

  it('checks the caller\'s aws:PrincipalTag', async () => {
    const roleArn = await createRole(palisade, 'BlueTeam', { trust: trust({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }) })
    await expect(assume(alice, roleArn)).resolves.toBeDefined()
    await expectDenied(assume(bob, roleArn))
  })

  it('needs sts:TagSession in the trust policy to pass session tags, and checks aws:RequestTag', async () => {
    const untagged = await createRole(palisade, 'NoTags', { trust: trust({ Principal: { AWS: alice.arn } }) })
    await expect(assume(alice, untagged)).resolves.toBeDefined()
    await expectDenied(assume(alice, untagged, { Tags: [{ Key: 'project', Value: 'x' }] }), 'sts:TagSession')
    const tagged = await createRole(palisade, 'ProjectTags', {
      trust: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'sts:TagSession', Condition: { StringEquals: { 'aws:RequestTag/project': 'x' } } },
        ],
      }),
    })
    await expect(assume(alice, tagged, { Tags: [{ Key: 'project', Value: 'x' }] })).resolves.toBeDefined()
    await expectDenied(assume(alice, tagged, { Tags: [{ Key: 'project', Value: 'y' }] }), 'sts:TagSession')
  })

  it('needs sts:SetSourceIdentity in the trust policy to set a source identity, and checks sts:SourceIdentity', async () => {
    const plain = await createRole(palisade, 'NoSource', { trust: trust({ Principal: { AWS: alice.arn } }) })
    await expectDenied(assume(alice, plain, { SourceIdentity: 'alice' }), 'sts:SetSourceIdentity')
    const sourced = await createRole(palisade, 'Sourced', {
      trust: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'sts:SetSourceIdentity', Condition: { StringLike: { 'sts:SourceIdentity': '*@example.com' } } },
        ],
      }),
    })
    await expect(assume(alice, sourced, { SourceIdentity: 'alice@example.com' })).resolves.toMatchObject({ SourceIdentity: 'alice@example.com' })
    await expectDenied(assume(alice, sourced, { SourceIdentity: 'alice' }), 'sts:SetSourceIdentity')
  })

  it('lets a role session assume a role whose trust policy names the first role', async () => {
    const first = await createRole(palisade, 'First', { trust: trust({ Principal: { AWS: alice.arn } }), permissions: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }) })
    const second = await createRole(palisade, 'Second', { trust: trust({ Principal: { AWS: first } }) })
    const session = signingCredentials((await assume(alice, first)).Credentials)
    await expect(stsClient(palisade, session).send(new AssumeRoleCommand({ RoleArn: second, RoleSessionName: 'hop' }))).resolves.toMatchObject({
      AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Second/hop` },
    })
    await expectDenied(assume(alice, second))
  })
})
