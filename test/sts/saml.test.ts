// End to end: AssumeRoleWithSAML with SAML responses this test signs with a certificate it generates (openssl): the
// session and the answer's SAML facts, and every way a response is refused — tampering, another signer, no
// signature, signature wrapping, expiry, a wrong audience, a role the IdP did not grant, an IdP failure. The server
// runs with --auth permissive because the authorization stage does not yet weigh trust policies for SAML callers
// (unsigned requests); the trust decision itself is listed in the STS report as pending.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCOUNT } from './sts-support.js'
import { assertionXml, AUDIENCE, IDP, PROVIDER_ARN, responseXml, sign, startSamlWorld, type SamlWorld } from './saml-support.js'

describe('AssumeRoleWithSAML', () => {
  let saml: SamlWorld
  beforeAll(async () => { saml = await startSamlWorld(['--auth', 'permissive']) })
  afterAll(() => saml.stop())

  const assume = (samlResponse: string, input: Record<string, unknown> = {}) => saml.assume(samlResponse, input)

  it('answers a role session named by the RoleSessionName attribute, with the SAML facts', async () => {
    const answer = await assume(responseXml(sign(assertionXml(), saml.idp)))
    expect(answer).toMatchObject({
      AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/SamlRole/jane@example.test`, AssumedRoleId: expect.stringMatching(/^AROA[A-Z0-9]{17}:jane@example\.test$/) },
      Subject: 'user-42',
      SubjectType: 'persistent',
      Issuer: IDP,
      Audience: AUDIENCE,
      NameQualifier: createHash('sha1').update(`${IDP}${ACCOUNT}/ExampleIdP`).digest('base64'),
    })
    expect(answer.Credentials!.AccessKeyId).toMatch(/^ASIA/)
  })

  it('takes session tags from PrincipalTag attributes', async () => {
    const tag = '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/PrincipalTag:team"><saml:AttributeValue>blue</saml:AttributeValue></saml:Attribute>'
    expect((await assume(responseXml(sign(assertionXml(), saml.idp)))).PackedPolicySize).toBeUndefined()
    expect((await assume(responseXml(sign(assertionXml({ extraAttributes: tag }), saml.idp)))).PackedPolicySize).toBeGreaterThan(0)
  })

  it('accepts a response whose signature covers the whole Response', async () => {
    const answer = await assume(sign(responseXml(assertionXml()), saml.idp, 'Response'))
    expect(answer.Subject).toBe('user-42')
  })

  const wrapped = () => {
    const signed = sign(assertionXml(), saml.idp)
    const evil = assertionXml({ id: '_evil', sessionName: 'mallory' })
    return [
      { xml: responseXml(evil + signed) },
      { xml: responseXml(`<samlp:Extensions>${signed}</samlp:Extensions>${evil.replace('_evil', '_a1')}`) },
    ]
  }

  it.each([
    { name: 'an attribute changed after signing', make: () => responseXml(sign(assertionXml(), saml.idp).replace('jane@example.test', 'mallory')), code: 'InvalidIdentityTokenException', message: /signature validation failed/ },
    { name: 'a signature by a key the metadata does not hold', make: () => responseXml(sign(assertionXml(), saml.attacker)), code: 'InvalidIdentityTokenException', message: /signature validation failed/ },
    { name: 'an unsigned response', make: () => responseXml(assertionXml()), code: 'InvalidIdentityTokenException', message: /exactly one Signature/ },
    { name: 'signature wrapping: an unsigned assertion before the signed one', make: () => wrapped()[0]!.xml, code: 'InvalidIdentityTokenException', message: /exactly one Assertion/ },
    { name: 'signature wrapping: the signed assertion moved, an evil one in its place', make: () => wrapped()[1]!.xml, code: 'InvalidIdentityTokenException', message: /exactly one Assertion/ },
    { name: 'an expired assertion', make: () => responseXml(sign(assertionXml({ notOnOrAfter: new Date(Date.now() - 1000) }), saml.idp)), code: 'ExpiredTokenException', message: /redeemed/ },
    { name: 'another audience', make: () => responseXml(sign(assertionXml({ audience: 'https://example.test/sp' }), saml.idp)), code: 'InvalidIdentityTokenException', message: /audience/ },
    { name: 'a role the IdP did not grant', make: () => responseXml(sign(assertionXml({ roles: [`arn:aws:iam::${ACCOUNT}:role/Other,${PROVIDER_ARN}`] }), saml.idp)), code: 'AccessDenied', message: /not authorized to perform: sts:AssumeRoleWithSAML/ },
    { name: 'a failure the IdP reported', make: () => sign(responseXml(assertionXml(), 'urn:oasis:names:tc:SAML:2.0:status:Requester'), saml.idp, 'Response'), code: 'IDPRejectedClaimException', message: /status:Requester/ },
    { name: 'text that is not XML', make: () => 'not xml at all', code: 'InvalidIdentityTokenException', message: /not well-formed|no samlp:Response/ },
  ])('refuses $name', async ({ make, code, message }) => {
    await expect(assume(make())).rejects.toMatchObject({ name: code, message: expect.stringMatching(message) })
  })
})
