import { describe, expect, it } from 'vitest'
import { ACCOUNT, OTHER_ACCOUNT, principals } from '../testing.js'
import type { AuthorizationRequest, DecisionEffect, PolicySourceSet, PolicyType, RequestPrincipal } from '../types.js'
import { compilePolicy, compilePolicySet } from './compile.js'
import { denialReason } from './denial-reason.js'
import { evaluate } from './evaluate.js'

const V = '2012-10-17'
const OBJECT = 'arn:aws:s3:::bucket/key'
const stmt = (effect: 'Allow' | 'Deny', extra: Record<string, unknown> = {}) => ({ Effect: effect, Action: 's3:GetObject', Resource: OBJECT, ...extra })
const policy = (id: string, ...statements: object[]) => ({ id, document: { Version: V, Statement: statements } })
const allowAll = (id: string) => policy(id, { Effect: 'Allow', Action: '*', Resource: '*' })
const allowS3 = policy('AllowGet', stmt('Allow'))
const denyS3 = policy('DenyGet', stmt('Deny'))
const nothing = policy('AllowOther', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' })
const bucketPolicy = (principal: unknown, effect: 'Allow' | 'Deny' = 'Allow', extra = {}) =>
  policy('BucketPolicy', { ...stmt(effect), Principal: principal, ...extra })

const user = principals.user('alice')
const session = principals.roleSession('Admin', 's1')
const fedUser = principals.federatedUser('bob', 'alice')

interface Case {
  name: string
  principal: RequestPrincipal
  policies: PolicySourceSet
  expected: DecisionEffect
  denial?: PolicyType
  request?: Partial<AuthorizationRequest>
}

function decide(c: Pick<Case, 'principal' | 'policies' | 'request'>) {
  const request: AuthorizationRequest = { principal: c.principal, action: 's3:GetObject', resource: OBJECT, resourceAccountId: ACCOUNT, ...c.request }
  return evaluate(request, compilePolicySet(c.policies))
}

function check(c: Case): void {
  const decision = decide(c)
  expect(decision.effect).toBe(c.expected)
  expect(decision.denial?.policyType).toBe(c.denial)
}

describe('evaluate', () => {
  describe('within one account', () => {
    it.each<Case>([
      { name: 'an identity-based allow grants', principal: user, policies: { identity: [allowS3] }, expected: 'Allow' },
      { name: 'no policy denies implicitly', principal: user, policies: {}, expected: 'ImplicitDeny', denial: 'identity' },
      { name: 'an allow for another action denies implicitly', principal: user, policies: { identity: [nothing] }, expected: 'ImplicitDeny', denial: 'identity' },
      { name: 'an explicit deny beats an allow', principal: user, policies: { identity: [allowS3, denyS3] }, expected: 'ExplicitDeny', denial: 'identity' },
      { name: 'a resource policy naming the user grants alone', principal: user, policies: { resource: [bucketPolicy({ AWS: user.arn })] }, expected: 'Allow' },
      { name: 'a resource policy naming the user is not capped by its boundary', principal: user, policies: { resource: [bucketPolicy({ AWS: user.arn })], boundary: nothing }, expected: 'Allow' },
      { name: 'a resource policy naming the role is capped by the boundary', principal: session, policies: { resource: [bucketPolicy({ AWS: session.issuerArn })], boundary: nothing }, expected: 'ImplicitDeny', denial: 'boundary' },
      { name: 'a resource policy naming the role is capped by session policies', principal: session, policies: { resource: [bucketPolicy({ AWS: session.issuerArn })], session: [nothing] }, expected: 'ImplicitDeny', denial: 'session' },
      { name: 'a resource policy naming the role grants without an identity policy', principal: session, policies: { resource: [bucketPolicy({ AWS: session.issuerArn })] }, expected: 'Allow' },
      { name: 'a resource policy naming the role session is not capped at all', principal: session, policies: { resource: [bucketPolicy({ AWS: session.arn })], boundary: nothing, session: [nothing] }, expected: 'Allow' },
      { name: 'a resource policy naming the federated user is not capped', principal: fedUser, policies: { resource: [bucketPolicy({ AWS: fedUser.arn })], session: [nothing] }, expected: 'Allow' },
      { name: 'a resource policy naming the user who federated is capped by session policies', principal: fedUser, policies: { resource: [bucketPolicy({ AWS: fedUser.issuerArn })], session: [nothing] }, expected: 'ImplicitDeny', denial: 'session' },
      { name: 'a resource policy naming the account only delegates to identity policies', principal: user, policies: { resource: [bucketPolicy({ AWS: ACCOUNT })] }, expected: 'ImplicitDeny', denial: 'identity' },
      { name: 'a resource policy naming the account plus an identity allow grants', principal: user, policies: { resource: [bucketPolicy({ AWS: `arn:aws:iam::${ACCOUNT}:root` })], identity: [allowS3] }, expected: 'Allow' },
      { name: 'a resource policy with Principal "*" grants', principal: user, policies: { resource: [bucketPolicy('*')] }, expected: 'Allow' },
      { name: 'a resource policy naming someone else does not grant', principal: user, policies: { resource: [bucketPolicy({ AWS: principals.user('carol').arn })] }, expected: 'ImplicitDeny', denial: 'identity' },
      { name: 'a resource policy deny beats an identity allow', principal: user, policies: { identity: [allowS3], resource: [bucketPolicy('*', 'Deny')] }, expected: 'ExplicitDeny', denial: 'resource' },
      { name: 'a boundary caps an identity allow', principal: user, policies: { identity: [allowS3], boundary: nothing }, expected: 'ImplicitDeny', denial: 'boundary' },
      { name: 'a boundary that allows lets an identity allow through', principal: user, policies: { identity: [allowS3], boundary: allowAll('Boundary') }, expected: 'Allow' },
      { name: 'a boundary alone grants nothing', principal: user, policies: { boundary: allowAll('Boundary') }, expected: 'ImplicitDeny', denial: 'identity' },
      { name: 'a boundary deny is explicit', principal: user, policies: { identity: [allowS3], boundary: denyS3 }, expected: 'ExplicitDeny', denial: 'boundary' },
      { name: 'session policies cap an identity allow', principal: session, policies: { identity: [allowS3], session: [nothing] }, expected: 'ImplicitDeny', denial: 'session' },
      { name: 'one allowing session policy suffices', principal: session, policies: { identity: [allowS3], session: [nothing, allowS3] }, expected: 'Allow' },
      { name: 'a session policy deny is explicit', principal: session, policies: { identity: [allowS3], session: [denyS3] }, expected: 'ExplicitDeny', denial: 'session' },
    ])('$name', check)
  })

  describe('across accounts', () => {
    const outsider = principals.user('dave', OTHER_ACCOUNT)
    it.each<Case>([
      { name: 'an identity allow alone is not enough', principal: outsider, policies: { identity: [allowS3] }, expected: 'ImplicitDeny', denial: 'resource' },
      { name: 'a resource allow alone is not enough', principal: outsider, policies: { resource: [bucketPolicy({ AWS: outsider.arn })] }, expected: 'ImplicitDeny', denial: 'identity' },
      { name: 'both together grant', principal: outsider, policies: { identity: [allowS3], resource: [bucketPolicy({ AWS: outsider.arn })] }, expected: 'Allow' },
      { name: 'a resource policy naming the other account plus an identity allow grants', principal: outsider, policies: { identity: [allowS3], resource: [bucketPolicy({ AWS: OTHER_ACCOUNT })] }, expected: 'Allow' },
      { name: 'the caller boundary still caps', principal: outsider, policies: { identity: [allowS3], resource: [bucketPolicy('*')], boundary: nothing }, expected: 'ImplicitDeny', denial: 'boundary' },
      { name: 'the resource account follows the resource ARN when not given', principal: user, policies: { identity: [allowAll('AllowAll')] }, expected: 'ImplicitDeny', denial: 'resource', request: { resource: `arn:aws:sqs:us-east-1:${OTHER_ACCOUNT}:queue`, resourceAccountId: undefined, action: 's3:GetObject' } },
    ])('$name', check)
  })

  describe('Organizations policies', () => {
    const scpRoot = allowAll('FullAWSAccess')
    it.each<Case>([
      { name: 'every SCP level allowing lets an identity allow through', principal: user, policies: { scps: [[scpRoot], [allowS3]], identity: [allowS3] }, expected: 'Allow' },
      { name: 'a level without an allow denies implicitly', principal: user, policies: { scps: [[scpRoot], [nothing]], identity: [allowS3] }, expected: 'ImplicitDeny', denial: 'scp' },
      { name: 'an SCP deny is explicit', principal: user, policies: { scps: [[scpRoot, denyS3]], identity: [allowS3] }, expected: 'ExplicitDeny', denial: 'scp' },
      { name: 'SCPs grant nothing on their own', principal: user, policies: { scps: [[scpRoot]] }, expected: 'ImplicitDeny', denial: 'identity' },
      { name: 'SCPs do not apply to the management account', principal: principals.user('m', ACCOUNT, { isManagementAccount: true }), policies: { scps: [[nothing]], identity: [allowS3] }, expected: 'Allow' },
      { name: 'SCPs do not apply to service-linked roles', principal: principals.roleSession('AWSServiceRoleForX', 's', ACCOUNT, { isServiceLinkedRole: true }), policies: { scps: [[denyS3]], identity: [allowS3] }, expected: 'Allow' },
      { name: 'SCPs limit the root user', principal: principals.root(), policies: { scps: [[nothing]] }, expected: 'ImplicitDeny', denial: 'scp' },
      { name: 'SCPs limit cross-account access by the caller', principal: principals.user('dave', OTHER_ACCOUNT), policies: { scps: [[nothing]], identity: [allowS3], resource: [bucketPolicy('*')] }, expected: 'ImplicitDeny', denial: 'scp' },
      { name: 'an RCP deny applies to callers from any account', principal: principals.user('dave', OTHER_ACCOUNT), policies: { rcps: [[policy('RCP', { ...stmt('Deny'), Principal: '*' })]], identity: [allowS3], resource: [bucketPolicy('*')] }, expected: 'ExplicitDeny', denial: 'rcp' },
      { name: 'RCPs do not apply to service-linked roles', principal: principals.roleSession('AWSServiceRoleForX', 's', ACCOUNT, { isServiceLinkedRole: true }), policies: { rcps: [[policy('RCP', { ...stmt('Deny'), Principal: '*' })]], identity: [allowS3] }, expected: 'Allow' },
      { name: 'RCPs do not apply to management-account resources', principal: user, policies: { rcps: [[policy('RCP', { ...stmt('Deny'), Principal: '*' })]], identity: [allowS3] }, expected: 'Allow', request: { resourceInManagementAccount: true } },
      { name: 'an RCP allow grants nothing by itself', principal: user, policies: { rcps: [[policy('RCPFullAWSAccess', { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' })]] }, expected: 'ImplicitDeny', denial: 'identity' },
      { name: 'an RCP level without an allow denies implicitly', principal: user, policies: { rcps: [[policy('RCP', { ...stmt('Deny'), Principal: '*', Action: 'kms:*', Resource: '*' })]], identity: [allowS3] }, expected: 'ImplicitDeny', denial: 'rcp' },
    ])('$name', check)

    it('counts a policy attached at several levels at each level', () => {
      const shared = compilePolicy('FullAWSAccess', 'scp', allowAll('x').document)
      const identity = compilePolicy('AllowGet', 'identity', allowS3.document)
      const decision = evaluate({ principal: user, action: 's3:GetObject', resource: OBJECT }, { scps: [[shared], [shared], [shared]], identity: [identity] })
      expect(decision.effect).toBe('Allow')
    })
  })

  describe('special principals', () => {
    it.each<Case>([
      { name: 'the root user needs no identity policy in its account', principal: principals.root(), policies: {}, expected: 'Allow' },
      { name: 'a resource policy deny still stops the root user', principal: principals.root(), policies: { resource: [bucketPolicy('*', 'Deny')] }, expected: 'ExplicitDeny', denial: 'resource' },
      { name: 'the root user of another account needs the resource policy', principal: principals.root(OTHER_ACCOUNT), policies: {}, expected: 'ImplicitDeny', denial: 'resource' },
      { name: 'the root user of another account named by account id', principal: principals.root(OTHER_ACCOUNT), policies: { resource: [bucketPolicy({ AWS: OTHER_ACCOUNT })] }, expected: 'Allow' },
      { name: 'an anonymous caller is allowed by Principal "*"', principal: principals.anonymous(), policies: { resource: [bucketPolicy('*')] }, expected: 'Allow' },
      { name: 'an anonymous caller is allowed by {"AWS": "*"}', principal: principals.anonymous(), policies: { resource: [bucketPolicy({ AWS: '*' })] }, expected: 'Allow' },
      { name: 'an anonymous caller is not allowed by an account principal', principal: principals.anonymous(), policies: { resource: [bucketPolicy({ AWS: ACCOUNT })] }, expected: 'ImplicitDeny', denial: 'resource' },
      { name: 'identity policies never apply to an anonymous caller', principal: principals.anonymous(), policies: { identity: [allowS3] }, expected: 'ImplicitDeny', denial: 'resource' },
      { name: 'a service principal named by the resource policy', principal: principals.service('cloudtrail.amazonaws.com'), policies: { resource: [bucketPolicy({ Service: 'cloudtrail.amazonaws.com' })] }, expected: 'Allow' },
      { name: 'a service principal not named', principal: principals.service('config.amazonaws.com'), policies: { resource: [bucketPolicy({ Service: 'cloudtrail.amazonaws.com' })] }, expected: 'ImplicitDeny', denial: 'resource' },
    ])('$name', check)
  })

  describe('role trust policies', () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/Target`
    const assume = { action: 'sts:AssumeRole', resource: role, resourceAccountId: ACCOUNT }
    const trust = (principal: unknown) => policy('Trust', { Effect: 'Allow', Principal: principal, Action: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity'] })
    const webIdentity: RequestPrincipal = { type: 'WebIdentityUser', arn: 'cognito-identity.amazonaws.com', accountId: '', userId: 'cognito-identity.amazonaws.com:us-east-1:abc', federatedProvider: 'cognito-identity.amazonaws.com' }
    const allowAssume = policy('AllowAssume', { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: role })
    it.each<Case>([
      { name: 'a trust policy naming the user grants without an identity policy', principal: user, policies: { trust: trust({ AWS: user.arn }) }, expected: 'Allow', request: assume },
      { name: 'a trust policy naming the account needs an identity allow', principal: user, policies: { trust: trust({ AWS: ACCOUNT }) }, expected: 'ImplicitDeny', denial: 'identity', request: assume },
      { name: 'a trust policy naming the account with an identity allow grants', principal: user, policies: { trust: trust({ AWS: ACCOUNT }), identity: [allowAssume] }, expected: 'Allow', request: assume },
      { name: 'an identity allow without trust is denied', principal: user, policies: { trust: trust({ AWS: principals.user('carol').arn }), identity: [allowAssume] }, expected: 'ImplicitDeny', denial: 'trust', request: assume },
      { name: 'a caller from another account trusted by account', principal: principals.user('dave', OTHER_ACCOUNT), policies: { trust: trust({ AWS: OTHER_ACCOUNT }), identity: [allowAssume] }, expected: 'Allow', request: assume },
      { name: 'a service trusted by the role', principal: principals.service('ec2.amazonaws.com'), policies: { trust: trust({ Service: 'ec2.amazonaws.com' }) }, expected: 'Allow', request: assume },
      { name: 'a web identity caller trusted through its provider', principal: webIdentity, policies: { trust: trust({ Federated: 'cognito-identity.amazonaws.com' }), scps: [[nothing]] }, expected: 'Allow', request: { ...assume, action: 'sts:AssumeRoleWithWebIdentity' } },
      { name: 'a web identity caller of another provider', principal: webIdentity, policies: { trust: trust({ Federated: 'accounts.google.com' }) }, expected: 'ImplicitDeny', denial: 'trust', request: { ...assume, action: 'sts:AssumeRoleWithWebIdentity' } },
    ])('$name', check)

    it('requires a KMS key policy to allow explicitly when asked', () => {
      const request = { action: 'kms:Decrypt', resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k` }
      const identity = [policy('AllowKms', { Effect: 'Allow', Action: 'kms:*', Resource: '*' })]
      const keyPolicy = (p: unknown) => policy('KeyPolicy', { Effect: 'Allow', Principal: p, Action: 'kms:*', Resource: '*' })
      check({ name: '', principal: user, policies: { identity, resource: [keyPolicy({ AWS: 'arn:aws:iam::444455556666:root' })], resourceMustAllow: true }, expected: 'ImplicitDeny', denial: 'resource', request })
      check({ name: '', principal: user, policies: { identity, resource: [keyPolicy({ AWS: `arn:aws:iam::${ACCOUNT}:root` })], resourceMustAllow: true }, expected: 'Allow', request })
    })
  })

  describe('NotAction, NotResource and NotPrincipal', () => {
    it.each<Case>([
      { name: 'Allow with NotAction grants other actions', principal: user, policies: { identity: [policy('P', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })] }, expected: 'Allow' },
      { name: 'Allow with NotAction does not grant the listed actions', principal: user, policies: { identity: [policy('P', { Effect: 'Allow', NotAction: 's3:Get*', Resource: '*' })] }, expected: 'ImplicitDeny', denial: 'identity' },
      { name: 'Deny with NotAction denies everything else', principal: user, policies: { identity: [allowS3, policy('P', { Effect: 'Deny', NotAction: 'iam:*', Resource: '*' })] }, expected: 'ExplicitDeny', denial: 'identity' },
      { name: 'Deny with NotResource denies other resources', principal: user, policies: { identity: [allowS3, policy('P', { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::other/*' })] }, expected: 'ExplicitDeny', denial: 'identity' },
      { name: 'Deny with NotResource spares the listed resources', principal: user, policies: { identity: [allowS3, policy('P', { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::bucket/*' })] }, expected: 'Allow' },
      { name: 'Deny with NotPrincipal spares a principal listed with its account', principal: user, policies: { identity: [allowS3], resource: [bucketPolicy(undefined, 'Deny', { Principal: undefined, NotPrincipal: { AWS: [user.arn, ACCOUNT] } })] }, expected: 'Allow' },
      { name: 'Deny with NotPrincipal denies a principal listed without its account', principal: user, policies: { identity: [allowS3], resource: [bucketPolicy(undefined, 'Deny', { Principal: undefined, NotPrincipal: { AWS: [user.arn] } })] }, expected: 'ExplicitDeny', denial: 'resource' },
      { name: 'Deny with NotPrincipal denies everyone else', principal: principals.user('carol'), policies: { identity: [allowS3], resource: [bucketPolicy(undefined, 'Deny', { Principal: undefined, NotPrincipal: { AWS: [user.arn, ACCOUNT] } })] }, expected: 'ExplicitDeny', denial: 'resource' },
      { name: 'Deny with NotPrincipal always denies a principal with a boundary', principal: user, policies: { identity: [allowS3], boundary: allowS3, resource: [bucketPolicy(undefined, 'Deny', { Principal: undefined, NotPrincipal: { AWS: [user.arn, ACCOUNT] } })] }, expected: 'ExplicitDeny', denial: 'resource' },
      { name: 'a role session is spared when its session ARN and account are listed', principal: session, policies: { identity: [allowS3], resource: [bucketPolicy(undefined, 'Deny', { Principal: undefined, NotPrincipal: { AWS: [session.arn, `arn:aws:iam::${ACCOUNT}:root`] } })] }, expected: 'Allow' },
    ])('$name', (c) => {
      // bucketPolicy(undefined, …) builds a NotPrincipal statement: drop the undefined Principal key.
      for (const p of c.policies.resource ?? []) delete ((p.document as { Statement: Record<string, unknown>[] }).Statement[0]!).Principal
      check(c)
    })
  })

  describe('matching actions and resources', () => {
    const allowWith = (extra: Record<string, unknown>) => ({ identity: [policy('P', stmt('Allow', extra))] })
    it.each<Case>([
      { name: 'action names are case-insensitive', principal: user, policies: allowWith({ Action: 'S3:getobject' }), expected: 'Allow' },
      { name: 'an action wildcard in the middle', principal: user, policies: allowWith({ Action: 's3:Get*ct' }), expected: 'Allow' },
      { name: 'an action ? wildcard', principal: user, policies: allowWith({ Action: 's3:GetObjec?' }), expected: 'Allow' },
      { name: 'a wildcard service prefix', principal: user, policies: allowWith({ Action: '*:GetObject' }), expected: 'Allow' },
      { name: 'a prefix of another action does not match', principal: user, policies: allowWith({ Action: 's3:GetObjectAcl' }), expected: 'ImplicitDeny', denial: 'identity' },
      { name: 'resource ARNs are case-sensitive', principal: user, policies: allowWith({ Resource: 'arn:aws:s3:::Bucket/key' }), expected: 'ImplicitDeny', denial: 'identity' },
      { name: 'a resource wildcard covers the rest of the path', principal: user, policies: allowWith({ Resource: 'arn:aws:s3:::buck*' }), expected: 'Allow' },
      { name: 'a wildcard in the region field does not cross a colon', principal: user, policies: allowWith({ Resource: 'arn:aws:sqs:*' }), expected: 'ImplicitDeny', denial: 'identity', request: { resource: 'arn:aws:s3:::bucket/key' } },
      { name: 'region and account wildcards match their fields', principal: user, policies: allowWith({ Action: 'sqs:*', Resource: 'arn:aws:sqs:*:*:queue' }), expected: 'Allow', request: { action: 'sqs:SendMessage', resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:queue` } },
      { name: 'a variable in Resource resolves per caller', principal: user, policies: allowWith({ Resource: 'arn:aws:s3:::bucket/home/${aws:username}/*' }), expected: 'Allow', request: { resource: 'arn:aws:s3:::bucket/home/alice/f' } },
      { name: 'a variable in Resource does not match another caller', principal: principals.user('bob'), policies: allowWith({ Resource: 'arn:aws:s3:::bucket/home/${aws:username}/*' }), expected: 'ImplicitDeny', denial: 'identity', request: { resource: 'arn:aws:s3:::bucket/home/alice/f' } },
      { name: 'an unresolvable variable in Resource matches nothing', principal: session, policies: allowWith({ Resource: 'arn:aws:s3:::bucket/home/${aws:username}/*' }), expected: 'ImplicitDeny', denial: 'identity', request: { resource: 'arn:aws:s3:::bucket/home//f' } },
      { name: 'variables are literal in 2008-10-17 policies', principal: user, policies: { identity: [{ id: 'P', document: { Version: '2008-10-17', Statement: stmt('Allow', { Resource: 'arn:aws:s3:::bucket/${aws:username}' }) } }] }, expected: 'Allow', request: { resource: 'arn:aws:s3:::bucket/${aws:username}' } },
    ])('$name', check)
  })

  describe('conditions', () => {
    const mfa = stmt('Allow', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })
    it('ANDs condition blocks', () => {
      const policies = { identity: [policy('P', mfa)] }
      expect(decide({ principal: user, policies, request: { context: { 'aws:MultiFactorAuthPresent': 'true', 'aws:SourceIp': '203.0.113.9' } } }).effect).toBe('Allow')
      expect(decide({ principal: user, policies, request: { context: { 'aws:MultiFactorAuthPresent': 'true', 'aws:SourceIp': '198.51.100.9' } } }).effect).toBe('ImplicitDeny')
    })

    it('reports the context keys a condition needed and the request lacked', () => {
      const decision = decide({ principal: user, policies: { identity: [policy('P', mfa)] }, request: { context: { 'aws:sourceip': '203.0.113.9' } } })
      expect(decision.missingContextKeys).toEqual(['aws:MultiFactorAuthPresent'])
    })

    it('derives principal keys the request leaves out', () => {
      const tagged = principals.user('alice', ACCOUNT, { tags: { Team: 'blue' } })
      const conditions = { StringEquals: { 'aws:PrincipalTag/team': 'blue', 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalType': 'User', 'aws:username': 'alice' }, ArnEquals: { 'aws:PrincipalArn': tagged.arn } }
      expect(decide({ principal: tagged, policies: { identity: [policy('P', stmt('Allow', { Condition: conditions }))] } }).effect).toBe('Allow')
    })

    it('takes the role ARN, not the session ARN, as aws:PrincipalArn', () => {
      const conditions = { ArnEquals: { 'aws:PrincipalArn': session.issuerArn } }
      expect(decide({ principal: session, policies: { identity: [policy('P', stmt('Allow', { Condition: conditions }))] } }).effect).toBe('Allow')
    })

    it('lets a context key given by the request win over a derived one', () => {
      const conditions = { StringEquals: { 'aws:PrincipalAccount': '999999999999' } }
      const request = { context: { 'aws:PrincipalAccount': '999999999999' } }
      expect(decide({ principal: user, policies: { identity: [policy('P', stmt('Allow', { Condition: conditions }))] }, request }).effect).toBe('Allow')
    })

    it('never grants from a statement whose condition value is invalid, and records the error', () => {
      const bad = stmt('Allow', { Sid: 'Bad', Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } })
      const decision = decide({ principal: user, policies: { identity: [policy('P', bad)] }, request: { context: { 's3:max-keys': '5' } } })
      expect(decision.effect).toBe('ImplicitDeny')
      expect(decision.errors).toEqual([{ statement: { policyId: 'P', policyType: 'identity', statementIndex: 0, sid: 'Bad', effect: 'Allow' }, message: 'invalid value `ten` for condition operator `NumericLessThan`' }])
    })

    it('applies a Deny whose condition value is invalid (fail closed)', () => {
      const bad = stmt('Deny', { Condition: { IpAddress: { 'aws:SourceIp': 'not-a-cidr' } } })
      const decision = decide({ principal: user, policies: { identity: [allowS3, policy('P', bad)] } })
      expect(decision.effect).toBe('ExplicitDeny')
      expect(decision.errors).toHaveLength(1)
    })
  })

  describe('the action index', () => {
    it('never looks at statements whose Action cannot match', () => {
      // A broken condition value in an ec2 statement would show up as an error if that statement were evaluated.
      const broken = { Effect: 'Deny', Action: ['ec2:*', 'iam:Get*'], Resource: '*', Condition: { NumericEquals: { 'ec2:x': 'NaN' } } }
      const decision = decide({ principal: user, policies: { identity: [policy('P', broken, stmt('Allow'))] } })
      expect(decision).toMatchObject({ effect: 'Allow', errors: [] })
      const ec2 = decide({ principal: user, policies: { identity: [policy('P', broken)] }, request: { action: 'ec2:RunInstances', resource: '*' } })
      expect(ec2.effect).toBe('ExplicitDeny')
      expect(ec2.errors).toHaveLength(1)
    })

    it('finds a statement once even when several of its actions match', () => {
      const decision = decide({ principal: user, policies: { identity: [policy('P', stmt('Allow', { Action: ['s3:GetObject', 's3:Get*', '*', 's3:*'] }))] } })
      expect(decision.matched).toHaveLength(1)
    })
  })

  describe('the explanation', () => {
    it('names the statements that decided it', () => {
      const decision = decide({ principal: user, policies: { identity: [policy('P', stmt('Allow', { Sid: 'Read' }), stmt('Deny', { Sid: 'NoRead' }))] } })
      expect(decision.matched).toEqual([{ policyId: 'P', policyType: 'identity', statementIndex: 1, sid: 'NoRead', effect: 'Deny' }])
    })

    it.each([
      { name: 'an SCP deny', policies: { scps: [[denyS3]], identity: [allowS3] }, text: 'with an explicit deny in a service control policy' },
      { name: 'an identity deny', policies: { identity: [denyS3] }, text: 'with an explicit deny in an identity-based policy' },
      { name: 'a resource policy deny', policies: { resource: [bucketPolicy('*', 'Deny')] }, text: 'with an explicit deny in a resource-based policy' },
      { name: 'a boundary deny', policies: { identity: [allowS3], boundary: denyS3 }, text: 'with an explicit deny in a permissions boundary' },
      { name: 'no identity allow', policies: {}, text: 'because no identity-based policy allows the s3:GetObject action' },
      { name: 'no SCP allow', policies: { scps: [[nothing]], identity: [allowS3] }, text: 'because no service control policy allows the s3:GetObject action' },
      { name: 'no boundary allow', policies: { identity: [allowS3], boundary: nothing }, text: 'because no permissions boundary allows the s3:GetObject action' },
      { name: 'no session policy allow', policies: { identity: [allowS3], session: [nothing] }, text: 'because no session policy allows the s3:GetObject action' },
    ])('builds AWS’s reason for $name', ({ policies, text }) => {
      expect(denialReason(decide({ principal: session, policies }), 's3:GetObject')).toBe(text)
    })

    it('gives no reason for an Allow', () => {
      expect(denialReason(decide({ principal: user, policies: { identity: [allowS3] } }), 's3:GetObject')).toBeUndefined()
    })
  })
})
