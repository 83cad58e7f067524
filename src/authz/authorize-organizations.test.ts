// createAuthorizer with AWS Organizations: SCPs limit member accounts' principals (root user included), RCPs limit
// access to member accounts' resources, the management account and service-linked roles are exempt, and the
// organization condition keys are filled.
import { describe, expect, it } from 'vitest'
import type { AuthorizationTarget, CallFacts } from '../core/authorization-target.js'
import type { Caller } from '../core/caller.js'
import { fixedClock } from '../core/clock.js'
import { AccessDeniedError } from '../core/common-errors.js'
import type { HttpRequest } from '../core/http.js'
import { compilePolicy, type CompiledPolicy } from '../policy/index.js'
import { createAuthorizer, type IdentityPolicySource } from './authorize.js'
import type { OrganizationMembership, OrganizationPolicySource } from './organization-policies.js'

const MANAGEMENT = '111111111111'
const MEMBER = '222222222222'
const OUTSIDER = '333333333333'
const ORG = 'o-a1b2c3d4e5'
const PATH = `${ORG}/r-ab12/ou-ab12-11111111/ou-ab12-22222222/`
const request: HttpRequest = { method: 'POST', path: '/', query: '', headers: {}, body: Buffer.alloc(0), remoteAddress: '127.0.0.1', secure: false }

const user = (account: string, name = 'alice'): Caller => ({ type: 'IAMUser', arn: `arn:aws:iam::${account}:user/${name}`, accountId: account, userId: `AIDA${account}` })
const root = (account: string): Caller => ({ type: 'Root', arn: `arn:aws:iam::${account}:root`, accountId: account, userId: account })

const scp = (id: string, statement: Record<string, unknown>): CompiledPolicy => compilePolicy(id, 'scp', { Version: '2012-10-17', Statement: [statement] })
const rcp = (id: string, statement: Record<string, unknown>): CompiledPolicy => compilePolicy(id, 'rcp', { Version: '2012-10-17', Statement: [statement] })
const fullAccess = scp('p-FullAWSAccess', { Effect: 'Allow', Action: '*', Resource: '*' })
const rcpFullAccess = rcp('p-RCPFullAWSAccess', { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' })

/** Every IAM user here has AdministratorAccess-like identity permissions. */
const admins: IdentityPolicySource = {
  forCaller: (caller) =>
    caller.type === 'IAMUser' || caller.type === 'AssumedRole'
      ? {
          principal: { type: caller.type, arn: caller.arn, accountId: caller.accountId, userId: caller.userId },
          policies: { identity: [compilePolicy('admin', 'identity', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })] },
        }
      : undefined,
}

function organization(scps: CompiledPolicy[][], rcps?: CompiledPolicy[][], extra: Record<string, OrganizationMembership> = {}): OrganizationPolicySource & { set(account: string, m: OrganizationMembership): void } {
  const memberships = new Map<string, OrganizationMembership>([
    [MANAGEMENT, { organizationId: ORG, managementAccountId: MANAGEMENT, orgPath: `${ORG}/r-ab12/` }],
    [MEMBER, { organizationId: ORG, managementAccountId: MANAGEMENT, orgPath: PATH, scps, ...(rcps && { rcps }) }],
    ...Object.entries(extra),
  ])
  return { membership: (account) => memberships.get(account), set: (account, m) => memberships.set(account, m) }
}

function outcome(organizations: OrganizationPolicySource | undefined, caller: Caller, target: AuthorizationTarget, accountId = caller.accountId, identities = admins): string {
  const call: CallFacts = { caller, accountId, region: 'us-east-1', partition: 'aws' }
  try {
    createAuthorizer({ mode: 'strict', identities, clock: fixedClock('2026-11-22T12:00:00Z'), organizations })(caller, target, request, call)
    return 'allowed'
  } catch (error) {
    if (error instanceof AccessDeniedError) return error.message
    throw error
  }
}

const createUser = (account: string): AuthorizationTarget => ({ action: 'iam:CreateUser', resources: [`arn:aws:iam::${account}:user/bob`] })
const putObject: AuthorizationTarget = { action: 's3:PutObject', resources: ['arn:aws:s3:::bucket/key'] }
const denyIamAtOu = [[fullAccess], [fullAccess, scp('deny-iam', { Effect: 'Deny', Action: 'iam:*', Resource: '*' })], [fullAccess]]

describe('service control policies', () => {
  it.each([
    { name: "a member account's IAM user", caller: user(MEMBER) },
    { name: "a member account's root user", caller: root(MEMBER) },
    { name: "a member account's role session", caller: { type: 'AssumedRole', arn: `arn:aws:sts::${MEMBER}:assumed-role/OrganizationAccountAccessRole/s`, accountId: MEMBER, userId: 'AROAX:s', session: { issuer: { type: 'Role', arn: `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`, id: 'AROAX' }, mfaAuthenticated: false, issuedAt: new Date(0), expiresAt: new Date(0) } } as Caller },
  ])('deny $name with an explicit deny at an OU, naming the policy type', ({ caller }) => {
    expect(outcome(organization(denyIamAtOu), caller, createUser(MEMBER))).toBe(
      `User: ${caller.arn} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${MEMBER}:user/bob with an explicit deny in a service control policy`,
    )
    expect(outcome(organization(denyIamAtOu), caller, putObject)).toBe('allowed')
  })

  it.each([
    { name: 'the management account', caller: user(MANAGEMENT) },
    { name: "the management account's root user", caller: root(MANAGEMENT) },
    { name: 'an account outside the organization', caller: user(OUTSIDER) },
    { name: 'a service-linked role session of a member account', caller: { type: 'AssumedRole', arn: `arn:aws:sts::${MEMBER}:assumed-role/AWSServiceRoleForSupport/s`, accountId: MEMBER, userId: 'AROAY:s', session: { issuer: { type: 'Role', arn: `arn:aws:iam::${MEMBER}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`, id: 'AROAY' }, mfaAuthenticated: false, issuedAt: new Date(0), expiresAt: new Date(0) } } as Caller },
  ])('never restrict $name', ({ caller }) => {
    expect(outcome(organization(denyIamAtOu), caller, createUser(caller.accountId))).toBe('allowed')
  })

  it('needs an allow at every level: the intersection of allow lists', () => {
    const allowS3AndIam = scp('s3-and-iam', { Effect: 'Allow', Action: ['s3:*', 'iam:*'], Resource: '*' })
    const allowS3 = scp('s3-only', { Effect: 'Allow', Action: 's3:*', Resource: '*' })
    const org = organization([[allowS3AndIam], [allowS3], [allowS3AndIam]])
    expect(outcome(org, user(MEMBER), putObject)).toBe('allowed')
    expect(outcome(org, user(MEMBER), createUser(MEMBER))).toBe(
      `User: arn:aws:iam::${MEMBER}:user/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${MEMBER}:user/bob because no service control policy allows the iam:CreateUser action`,
    )
    expect(outcome(org, root(MEMBER), { action: 'kms:CreateKey', resources: ['*'] })).toMatch(/because no service control policy allows the kms:CreateKey action$/)
  })

  it('takes a new membership (a changed SCP or attachment) on the next call', () => {
    const org = organization(denyIamAtOu)
    const authorize = createAuthorizer({ mode: 'strict', identities: admins, clock: fixedClock('2026-11-22T12:00:00Z'), organizations: org })
    const alice = user(MEMBER)
    const call: CallFacts = { caller: alice, accountId: MEMBER, region: 'us-east-1', partition: 'aws' }
    expect(() => authorize(alice, createUser(MEMBER), request, call)).toThrow(AccessDeniedError)
    org.set(MEMBER, { organizationId: ORG, managementAccountId: MANAGEMENT, orgPath: PATH, scps: [[fullAccess], [fullAccess], [fullAccess]] })
    expect(() => authorize(alice, createUser(MEMBER), request, call)).not.toThrow()
  })

  it('limits permissions the call needs on other resources (iam:PassRole) too', () => {
    const denyPassRole = organization([[fullAccess, scp('no-pass', { Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' })]])
    const target: AuthorizationTarget = {
      action: 'ec2:RunInstances',
      resources: ['*'],
      alsoRequires: [{ action: 'iam:PassRole', resources: [`arn:aws:iam::${MEMBER}:role/app`] }],
    }
    expect(outcome(denyPassRole, user(MEMBER), target)).toMatch(/perform: iam:PassRole on resource: arn:aws:iam::222222222222:role\/app with an explicit deny in a service control policy$/)
  })
})

describe('resource control policies', () => {
  const key = (account: string) => `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`
  const openKeyPolicy = compilePolicy('key-policy', 'resource', {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }],
  })
  const decrypt = (account: string): AuthorizationTarget => ({
    action: 'kms:Decrypt',
    resources: [key(account)],
    resourcePolicies: { kind: 'resource', policies: [openKeyPolicy], ownerAccountId: account, mustAllow: true },
  })
  const orgOnly = rcp('org-only', {
    Effect: 'Deny',
    Principal: '*',
    Action: ['kms:*', 'iam:*'],
    Resource: '*',
    Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG } },
  })
  const org = organization([[fullAccess]], [[rcpFullAccess, orgOnly]])

  it("denies a principal outside the organization access to a member account's key, naming the policy type", () => {
    expect(outcome(org, user(OUTSIDER), decrypt(MEMBER))).toBe(
      `User: arn:aws:iam::${OUTSIDER}:user/alice is not authorized to perform: kms:Decrypt on resource: ${key(MEMBER)} with an explicit deny in a resource control policy`,
    )
  })

  it.each([
    { name: 'a principal of the organization (its management account)', caller: user(MANAGEMENT), owner: MEMBER },
    { name: "an outsider on the management account's key (RCPs never apply there)", caller: user(OUTSIDER), owner: MANAGEMENT },
  ])('allows $name', ({ caller, owner }) => {
    expect(outcome(org, caller, decrypt(owner))).toBe('allowed')
  })

  it('never limits kms:RetireGrant, as KMS documents', () => {
    const retire: AuthorizationTarget = { ...decrypt(MEMBER), action: 'kms:RetireGrant' }
    expect(outcome(org, user(OUTSIDER), retire)).toBe('allowed')
    expect(outcome(org, user(OUTSIDER), decrypt(MEMBER))).toMatch(/with an explicit deny in a resource control policy$/)
  })

  it('applies only to the services that support RCPs (not IAM)', () => {
    expect(outcome(org, user(MEMBER), createUser(MEMBER))).toBe('allowed')
    const denyAllIam = organization([[fullAccess]], [[rcpFullAccess, rcp('no-iam', { Effect: 'Deny', Principal: '*', Action: 'iam:*', Resource: '*' })]])
    expect(outcome(denyAllIam, root(MEMBER), createUser(MEMBER))).toBe('allowed')
  })

  it("guards a member account's role trust (sts:AssumeRole) and spares service-linked role sessions", () => {
    const roleArn = `arn:aws:iam::${MEMBER}:role/shared`
    const trust = compilePolicy('trust', 'trust', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] })
    const assume: AuthorizationTarget = { action: 'sts:AssumeRole', resources: [roleArn], resourcePolicies: { kind: 'trust', policies: [trust], ownerAccountId: MEMBER, mustAllow: true } }
    const denyOutsiders = organization([[fullAccess]], [[rcpFullAccess, rcp('org-only-sts', { Effect: 'Deny', Principal: '*', Action: 'sts:*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG } } })]])
    expect(outcome(denyOutsiders, user(OUTSIDER), assume)).toMatch(/perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role\/shared with an explicit deny in a resource control policy$/)
    expect(outcome(denyOutsiders, user(MANAGEMENT), assume)).toBe('allowed')
    const serviceLinked = {
      type: 'AssumedRole', arn: `arn:aws:sts::${OUTSIDER}:assumed-role/AWSServiceRoleForSupport/s`, accountId: OUTSIDER, userId: 'AROAZ:s',
      session: { issuer: { type: 'Role', arn: `arn:aws:iam::${OUTSIDER}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`, id: 'AROAZ' }, mfaAuthenticated: false, issuedAt: new Date(0), expiresAt: new Date(0) },
    } as Caller
    expect(outcome(denyOutsiders, serviceLinked, assume)).toBe('allowed')
  })

  it("restricts the member account's own root user on its own resources", () => {
    const denyS3 = organization([[fullAccess]], [[rcpFullAccess, rcp('no-s3', { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' })]])
    expect(outcome(denyS3, root(MEMBER), putObject)).toMatch(/with an explicit deny in a resource control policy$/)
  })
})

describe('organization condition keys', () => {
  const conditioned = (condition: Record<string, unknown>): IdentityPolicySource => ({
    forCaller: (caller) => ({
      principal: { type: 'IAMUser', arn: caller.arn, accountId: caller.accountId, userId: caller.userId },
      policies: { identity: [compilePolicy('cond', 'identity', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition }] })] },
    }),
  })

  it.each([
    { name: 'aws:PrincipalOrgID', condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } },
    { name: 'aws:PrincipalOrgPaths', condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/ou-ab12-11111111/*` } } },
    { name: 'aws:ResourceOrgID', condition: { StringEquals: { 'aws:ResourceOrgID': ORG } } },
    { name: 'aws:ResourceOrgPaths', condition: { 'ForAnyValue:StringEquals': { 'aws:ResourceOrgPaths': PATH } } },
  ])('fills $name for a member account', ({ condition }) => {
    const org = organization([[fullAccess]])
    expect(outcome(org, user(MEMBER), createUser(MEMBER), MEMBER, conditioned(condition))).toBe('allowed')
    expect(outcome(undefined, user(MEMBER), createUser(MEMBER), MEMBER, conditioned(condition))).toMatch(/because no identity-based policy allows/)
  })

  it("fills aws:ResourceAccount with the resource owner's account", () => {
    const org = organization([[fullAccess]])
    expect(outcome(org, user(MEMBER), createUser(MEMBER), MEMBER, conditioned({ StringEquals: { 'aws:ResourceAccount': MEMBER } }))).toBe('allowed')
    expect(outcome(org, user(MEMBER), createUser(MEMBER), MEMBER, conditioned({ StringEquals: { 'aws:ResourceAccount': OUTSIDER } }))).toMatch(/because no identity-based policy allows/)
  })

  it('leaves aws:PrincipalOrgID out for an account outside every organization', () => {
    const org = organization([[fullAccess]])
    const absent = conditioned({ Null: { 'aws:PrincipalOrgID': 'true' } })
    expect(outcome(org, user(OUTSIDER), createUser(OUTSIDER), OUTSIDER, absent)).toBe('allowed')
    expect(outcome(org, user(MEMBER), createUser(MEMBER), MEMBER, absent)).toMatch(/because no identity-based policy allows/)
  })
})
