// createAuthorizer: root, permissive mode and free actions pass; everyone else is decided by the policy engine.
import { describe, expect, it } from 'vitest'
import type { AuthorizationTarget, CallFacts } from '../core/authorization-target.js'
import type { Caller } from '../core/caller.js'
import { fixedClock } from '../core/clock.js'
import { AccessDeniedError } from '../core/common-errors.js'
import type { HttpRequest } from '../core/http.js'
import { compilePolicy } from '../policy/index.js'
import { createAuthorizer, type IdentityPolicySource, type ResourceFacts } from './authorize.js'

const ACCOUNT = '111122223333'
const alice: Caller = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userId: 'AIDAALICE' }
const root: Caller = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT }
const request: HttpRequest = { method: 'POST', path: '/', query: '', headers: {}, body: Buffer.alloc(0), remoteAddress: '127.0.0.1', secure: false }
const facts = (caller: Caller): CallFacts => ({ caller, accountId: caller.accountId, region: 'us-east-1', partition: 'aws' })

function source(statements: unknown[], entities: Record<string, ResourceFacts> = {}): IdentityPolicySource {
  const identity = [compilePolicy('inline', 'identity', { Version: '2012-10-17', Statement: statements })]
  return {
    forCaller: (caller) => (caller.arn === alice.arn ? { principal: { type: 'IAMUser', arn: alice.arn, accountId: ACCOUNT, userId: alice.userId }, policies: { identity } } : undefined),
    resourceFacts: (arn) => entities[arn],
  }
}

function outcome(identities: IdentityPolicySource, caller: Caller, target: AuthorizationTarget, mode: 'strict' | 'permissive' = 'strict', call = facts(caller)): string {
  try {
    createAuthorizer({ mode, identities, clock: fixedClock('2026-11-22T12:00:00Z') })(caller, target, request, call)
    return 'allowed'
  } catch (error) {
    if (error instanceof AccessDeniedError) return error.message
    throw error
  }
}

const nothing = source([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }])
const createUser: AuthorizationTarget = { action: 'iam:CreateUser', resources: [`arn:aws:iam::${ACCOUNT}:user/bob`] }

describe('createAuthorizer', () => {
  it.each([
    { name: 'the root user in its own account', caller: root, mode: 'strict' as const, target: createUser },
    { name: 'anyone in permissive mode', caller: alice, mode: 'permissive' as const, target: createUser },
    { name: 'an action AWS lets everyone call', caller: alice, mode: 'strict' as const, target: { action: 'sts:GetCallerIdentity', resources: ['*'], requiresPermission: false } },
  ])('allows $name without consulting policies', ({ caller, mode, target }) => {
    expect(outcome(nothing, caller, target, mode)).toBe('allowed')
  })

  it('denies the root user of another account acting in this one', () => {
    const other: Caller = { ...root, accountId: '999988887777', arn: 'arn:aws:iam::999988887777:root' }
    expect(outcome(nothing, other, createUser, 'strict', { ...facts(other), accountId: ACCOUNT })).toMatch(/^User: arn:aws:iam::999988887777:root is not authorized to perform: iam:CreateUser/)
  })

  it('denies a principal the index does not know with AWS message', () => {
    const stranger: Caller = { ...alice, arn: `arn:aws:iam::${ACCOUNT}:user/stranger` }
    expect(outcome(nothing, stranger, createUser)).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/stranger is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/bob because no identity-based policy allows the iam:CreateUser action`,
    )
  })

  it('needs an allow for every resource the operation touches, and names the first one denied', () => {
    const identities = source([{ Effect: 'Allow', Action: 's3:CopyObject', Resource: 'arn:aws:s3:::src/*' }])
    const target = { action: 's3:CopyObject', resources: ['arn:aws:s3:::src/a', 'arn:aws:s3:::dst/a'] }
    expect(outcome(identities, alice, target)).toBe(
      `User: ${alice.arn} is not authorized to perform: s3:CopyObject on resource: arn:aws:s3:::dst/a because no identity-based policy allows the s3:CopyObject action`,
    )
  })

  it('matches a user named at the root path with its real path and fills its tags and boundary', () => {
    const bob = `arn:aws:iam::${ACCOUNT}:user/bob`
    const identities = source(
      [{
        Effect: 'Allow',
        Action: 'iam:PutUserPolicy',
        Resource: `arn:aws:iam::${ACCOUNT}:user/ops/*`,
        Condition: { StringEquals: { 'aws:ResourceTag/team': 'red', 'iam:ResourceTag/team': 'red', 'iam:PermissionsBoundary': 'arn:aws:iam::111122223333:policy/B' } },
      }],
      { [bob]: { arn: `arn:aws:iam::${ACCOUNT}:user/ops/bob`, tags: { team: 'red' }, boundaryArn: 'arn:aws:iam::111122223333:policy/B' } },
    )
    expect(outcome(identities, alice, { action: 'iam:PutUserPolicy', resources: [bob] })).toBe('allowed')
    // iam:PermissionsBoundary comes from the entity only for the actions AWS lists it on.
    const getUser = source([{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::111122223333:policy/B' } } }],
      { [bob]: { arn: bob, tags: {}, boundaryArn: 'arn:aws:iam::111122223333:policy/B' } })
    expect(outcome(getUser, alice, { action: 'iam:GetUser', resources: [bob] })).toMatch(/because no identity-based policy allows the iam:GetUser action$/)
  })

  it('reports an explicit deny', () => {
    const identities = source([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' }])
    expect(outcome(identities, alice, createUser)).toMatch(/with an explicit deny in an identity-based policy$/)
  })
})

describe('createAuthorizer with resource-based policies', () => {
  const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`
  const keyPolicy = (principal: unknown) =>
    compilePolicy('key-policy', 'resource', {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: principal, Action: 'kms:*', Resource: '*' }],
    })
  const decrypt = (policy: ReturnType<typeof keyPolicy>): AuthorizationTarget => ({
    action: 'kms:Decrypt',
    resources: [KEY],
    resourcePolicies: { kind: 'resource', policies: [policy], ownerAccountId: ACCOUNT, mustAllow: true },
  })
  const delegating = keyPolicy({ AWS: `arn:aws:iam::${ACCOUNT}:root` })
  const elsewhere = keyPolicy({ AWS: 'arn:aws:iam::999988887777:root' })

  it.each([
    { name: 'the root user when the key policy names its account', caller: root, policy: delegating, identities: nothing, expected: 'allowed' },
    { name: 'a user whose identity policy allows, when the key policy delegates to the account', caller: alice, policy: delegating, identities: source([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }]), expected: 'allowed' },
  ])('allows $name', ({ caller, policy, identities, expected }) => {
    expect(outcome(identities, caller, decrypt(policy))).toBe(expected)
  })

  it.each([
    { name: 'the root user when the key policy does not name its account', caller: root, identities: nothing },
    { name: 'a user whose identity policy allows, when the key policy does not delegate', caller: alice, identities: source([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }]) },
  ])('denies $name, because no resource-based policy allows it', ({ caller, identities }) => {
    expect(outcome(identities, caller, decrypt(elsewhere))).toMatch(/because no resource-based policy allows the kms:Decrypt action$/)
  })

  it.each([
    { name: 'allows a user of another account whose identity policy allows, when the key policy names that account', principal: { AWS: 'arn:aws:iam::999988887777:root' }, allows: true },
    { name: 'denies a user of another account when the key policy names only the owner', principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, allows: false },
  ])('cross account: $name', ({ principal, allows }) => {
    const outsider: Caller = { type: 'IAMUser', arn: 'arn:aws:iam::999988887777:user/olga', accountId: '999988887777', userId: 'AIDAOLGA' }
    const identity = [compilePolicy('olga', 'identity', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY }] })]
    const identities: IdentityPolicySource = {
      forCaller: (caller) => (caller.arn === outsider.arn ? { principal: { type: 'IAMUser', arn: outsider.arn, accountId: outsider.accountId, userId: outsider.userId }, policies: { identity } } : undefined),
    }
    const result = outcome(identities, outsider, decrypt(keyPolicy(principal)), 'strict', { ...facts(outsider), accountId: outsider.accountId })
    if (allows) expect(result).toBe('allowed')
    else expect(result).toMatch(/because no resource-based policy allows the kms:Decrypt action$/)
  })

  it('denies a user of another account whose own identity policy does not allow, even when the key policy names it', () => {
    const outsider: Caller = { type: 'IAMUser', arn: 'arn:aws:iam::999988887777:user/olga', accountId: '999988887777', userId: 'AIDAOLGA' }
    const identities: IdentityPolicySource = {
      forCaller: (caller) => (caller.arn === outsider.arn ? { principal: { type: 'IAMUser', arn: outsider.arn, accountId: outsider.accountId, userId: outsider.userId }, policies: { identity: [] } } : undefined),
    }
    const result = outcome(identities, outsider, decrypt(keyPolicy({ AWS: outsider.arn })), 'strict', { ...facts(outsider), accountId: outsider.accountId })
    expect(result).toMatch(/because no identity-based policy allows the kms:Decrypt action$/)
  })

  it('lets a key policy naming the user grant without any identity policy', () => {
    expect(outcome(nothing, alice, decrypt(keyPolicy({ AWS: alice.arn })))).toBe('allowed')
  })

  it('decides a trust policy for the role it guards', () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/deployer`
    const trust = (principal: string) =>
      compilePolicy('trust', 'trust', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }] })
    const assume = (policy: ReturnType<typeof trust>): AuthorizationTarget => ({
      action: 'sts:AssumeRole',
      resources: [roleArn],
      resourcePolicies: { kind: 'trust', policies: [policy], ownerAccountId: ACCOUNT, mustAllow: true },
    })
    expect(outcome(nothing, alice, assume(trust(alice.arn)))).toBe('allowed')
    expect(outcome(nothing, alice, assume(trust(`arn:aws:iam::${ACCOUNT}:user/someone-else`)))).toMatch(/is not authorized to perform: sts:AssumeRole/)
  })

  it('weighs an anonymous caller against the resource policy alone', () => {
    const anonymous: Caller = { type: 'Anonymous', arn: '*', accountId: ACCOUNT, userId: 'anonymous' }
    const bucketPolicy = compilePolicy('bucket', 'resource', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' }],
    })
    const get = (key: string): AuthorizationTarget => ({
      action: 's3:GetObject',
      resources: [`arn:aws:s3:::public/${key}`],
      resourcePolicies: { kind: 'resource', policies: [bucketPolicy], ownerAccountId: ACCOUNT },
    })
    expect(outcome(nothing, anonymous, get('a.txt'))).toBe('allowed')
    // S3's plain text for anonymous callers, who have no principal to name.
    expect(outcome(nothing, anonymous, { ...get('a.txt'), action: 's3:PutObject' })).toBe('Access Denied')
  })

  it('needs every additional action the call declares', () => {
    const identities = source([{ Effect: 'Allow', Action: 'iam:AddRoleToInstanceProfile', Resource: '*' }])
    const target: AuthorizationTarget = { action: 'iam:AddRoleToInstanceProfile', additionalActions: ['iam:PassRole'], resources: ['*'] }
    expect(outcome(identities, alice, target)).toMatch(/is not authorized to perform: iam:PassRole on resource: \* because no identity-based policy allows the iam:PassRole action$/)
  })
})
