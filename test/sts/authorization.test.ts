// What the STS operations declare to the authorization stage: the role's trust policy as a resource policy that
// must allow, the sts: and aws: condition keys, and the extra actions tags and source identity need.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { CallFacts } from '../../src/core/authorization-target.js'
import type { Caller } from '../../src/core/caller.js'
import { compilePolicy } from '../../src/policy/index.js'
import { stsAuthorization, type TrustIndex } from '../../src/services/sts/index.js'
import type { RoleRecord } from '../../src/services/iam/index.js'

const ACCOUNT = '111122223333'
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ops/Deployer`
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] })
const role: RoleRecord = {
  accountId: ACCOUNT, roleName: 'Deployer', roleId: 'AROAEXAMPLEEXAMPLE01', path: '/ops/', arn: ROLE_ARN, createdAt: new Date(0),
  assumeRolePolicy: TRUST, maxSessionDuration: 3600, serviceLinked: false,
}
const compiled = compilePolicy(ROLE_ARN, 'trust', TRUST)
const trust: TrustIndex = {
  find: (arn) => (arn === ROLE_ARN ? { role, trustPolicy: () => compiled } : undefined),
  settled: async () => {},
  close: async () => {},
}
const table = stsAuthorization({ trust })
const user: Caller = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userId: 'AIDAEXAMPLE' }
const facts = (caller: Caller): CallFacts => ({ caller, accountId: caller.accountId, region: 'us-east-1', partition: 'aws' })

describe('AssumeRole authorization', () => {
  it('declares the role\'s compiled trust policy, which must allow, owned by the role\'s account', () => {
    const target = table.AssumeRole({ RoleArn: ROLE_ARN, RoleSessionName: 's1' }, facts(user))
    expect(target).toMatchObject({ action: 'sts:AssumeRole', resources: [ROLE_ARN], context: { 'sts:RoleSessionName': 's1' } })
    expect(target.resourcePolicies).toEqual({ kind: 'trust', policies: [compiled], ownerAccountId: ACCOUNT, mustAllow: true })
    expect(target.additionalActions).toBeUndefined()
  })

  it('declares no policy for an unknown role, so the trust decision can only deny', () => {
    const target = table.AssumeRole({ RoleArn: `arn:aws:iam::444455556666:role/Nope`, RoleSessionName: 's1' }, facts(user))
    expect(target.resourcePolicies).toEqual({ kind: 'trust', policies: [], ownerAccountId: '444455556666', mustAllow: true })
  })

  it('declares ExternalId, tags, transitive keys and source identity, with sts:TagSession and sts:SetSourceIdentity', () => {
    const target = table.AssumeRole({
      RoleArn: ROLE_ARN,
      RoleSessionName: 's1',
      ExternalId: 'ext-123',
      Tags: [{ Key: 'team', Value: 'blue' }, { Key: 'cost', Value: '42' }],
      TransitiveTagKeys: ['team'],
      SourceIdentity: 'alice',
    }, facts(user))
    expect(target.context).toEqual({
      'sts:RoleSessionName': 's1',
      'sts:ExternalId': 'ext-123',
      'sts:SourceIdentity': 'alice',
      'aws:TagKeys': ['team', 'cost'],
      'aws:RequestTag/team': 'blue',
      'aws:RequestTag/cost': '42',
      'sts:TransitiveTagKeys': ['team'],
    })
    expect(target.additionalActions).toEqual(['sts:TagSession', 'sts:SetSourceIdentity'])
  })

  it('needs sts:TagSession and sts:SetSourceIdentity again when a chained session carries them', () => {
    const session: Caller = {
      type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Other/s0`, accountId: ACCOUNT, userId: 'AROAOTHER:s0',
      session: {
        name: 's0', issuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/Other`, id: 'AROAOTHER' }, tags: { team: 'blue' },
        transitiveTagKeys: ['team'], sourceIdentity: 'alice', mfaAuthenticated: false, issuedAt: new Date(0), expiresAt: new Date(3600_000),
      },
    }
    const target = table.AssumeRole({ RoleArn: ROLE_ARN, RoleSessionName: 's1' }, facts(session))
    expect(target.context).toMatchObject({ 'sts:SourceIdentity': 'alice' })
    expect(target.additionalActions).toEqual(['sts:TagSession', 'sts:SetSourceIdentity'])
  })
})

const jwt = (claims: Record<string, unknown>) =>
  [{ alg: 'RS256' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.c2ln'

describe('AssumeRoleWithWebIdentity authorization', () => {
  it('declares the provider as aws:FederatedProvider and the claims as <issuer>:aud, :sub and :amr', () => {
    const token = jwt({ iss: 'https://Login.Example.com/tenant/', aud: ['app-1', 'app-2'], sub: 'user-7', amr: ['authenticated', 'mfa'] })
    const target = table.AssumeRoleWithWebIdentity({ RoleArn: ROLE_ARN, RoleSessionName: 'web', WebIdentityToken: token }, facts(user))
    expect(target.context).toEqual({
      'sts:RoleSessionName': 'web',
      'aws:FederatedProvider': `arn:aws:iam::${ACCOUNT}:oidc-provider/login.example.com/tenant`,
      'login.example.com/tenant:aud': ['app-1', 'app-2'],
      'login.example.com/tenant:sub': 'user-7',
      'login.example.com/tenant:amr': ['authenticated', 'mfa'],
    })
  })

  it('declares the IdP\'s session tags as request tags, with sts:TagSession', () => {
    const token = jwt({ iss: 'https://login.example.com', aud: 'app', sub: 'u', 'https://aws.amazon.com/tags': { principal_tags: { team: ['blue'] }, transitive_tag_keys: ['team'] } })
    const target = table.AssumeRoleWithWebIdentity({ RoleArn: ROLE_ARN, RoleSessionName: 'web', WebIdentityToken: token }, facts(user))
    expect(target.context).toMatchObject({ 'aws:RequestTag/team': 'blue', 'aws:TagKeys': ['team'], 'sts:TransitiveTagKeys': ['team'] })
    expect(target.additionalActions).toEqual(['sts:TagSession'])
  })

  // AWS checks the token before it weighs the trust policy (the decision this entry would hand over).
  it.each([
    { name: 'a token that is not a JWT', token: 'garbage' },
    { name: 'a JWT that names no issuer', token: jwt({ aud: 'app', sub: 'u' }) },
  ])('refuses $name with InvalidIdentityToken before any trust decision', ({ token }) => {
    expect(() => table.AssumeRoleWithWebIdentity({ RoleArn: ROLE_ARN, RoleSessionName: 'web', WebIdentityToken: token }, facts(user)))
      .toThrow(expect.objectContaining({ code: 'InvalidIdentityToken' }))
  })
})

describe('AssumeRoleWithSAML authorization', () => {
  it('declares the provider and the assertion\'s saml: keys', () => {
    const xml = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a">'
      + '<saml:Issuer>https://idp.example.test</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">u-1</saml:NameID>'
      + '<saml:SubjectConfirmation><saml:SubjectConfirmationData Recipient="https://signin.aws.amazon.com/saml"/></saml:SubjectConfirmation></saml:Subject></saml:Assertion></samlp:Response>'
    const providerArn = `arn:aws:iam::${ACCOUNT}:saml-provider/Idp`
    const target = table.AssumeRoleWithSAML({ RoleArn: ROLE_ARN, PrincipalArn: providerArn, SAMLAssertion: Buffer.from(xml).toString('base64') }, facts(user))
    expect(target.context).toEqual({
      'aws:FederatedProvider': providerArn,
      'saml:iss': 'https://idp.example.test',
      'saml:sub': 'u-1',
      'saml:sub_type': 'transient',
      'saml:aud': 'https://signin.aws.amazon.com/saml',
      'saml:namequalifier': createHash('sha1').update(`https://idp.example.test${ACCOUNT}/Idp`).digest('base64'),
    })
    expect(target.resourcePolicies).toMatchObject({ kind: 'trust', mustAllow: true })
  })
})

describe('the other operations', () => {
  it.each([
    { name: 'GetSessionToken needs no permission', target: () => table.GetSessionToken({}, facts(user)), expected: { action: 'sts:GetSessionToken', requiresPermission: false } },
    { name: 'GetAccessKeyInfo needs no permission', target: () => table.GetAccessKeyInfo({ AccessKeyId: 'AKIAEXAMPLEEXAMPLE00' }, facts(user)), expected: { action: 'sts:GetAccessKeyInfo', requiresPermission: false } },
    {
      name: 'GetFederationToken acts on the federated user, and tags need sts:TagSession',
      target: () => table.GetFederationToken({ Name: 'Bob', Tags: [{ Key: 'k', Value: 'v' }] }, facts(user)),
      expected: { resources: [`arn:aws:sts::${ACCOUNT}:federated-user/Bob`], context: { 'aws:TagKeys': ['k'], 'aws:RequestTag/k': 'v' }, additionalActions: ['sts:TagSession'] },
    },
    {
      name: 'AssumeRoleWithWebIdentity declares the trust policy',
      target: () => table.AssumeRoleWithWebIdentity({ RoleArn: ROLE_ARN, RoleSessionName: 's', WebIdentityToken: jwt({ iss: 'https://login.example.com' }) }, facts(user)),
      expected: { action: 'sts:AssumeRoleWithWebIdentity', resourcePolicies: { kind: 'trust', policies: [compiled], ownerAccountId: ACCOUNT, mustAllow: true } },
    },
  ])('$name', ({ target, expected }) => {
    expect(target()).toMatchObject(expected)
  })
})
