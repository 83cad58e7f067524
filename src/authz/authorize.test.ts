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
