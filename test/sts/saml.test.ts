// End to end: AssumeRoleWithSAML with SAML responses this test signs with a certificate it generates (openssl): the
// session and the answer's SAML facts, and every way a response is refused — tampering, another signer, no
// signature, signature wrapping, expiry, a wrong audience, a role the IdP did not grant, an IdP failure. The server
// runs with --auth permissive because the authorization stage does not yet weigh trust policies for SAML callers
// (unsigned requests); the trust decision itself is listed in the STS report as pending.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CreateSAMLProviderCommand } from '@aws-sdk/client-iam'
import { AssumeRoleWithSAMLCommand, STSClient } from '@aws-sdk/client-sts'
import { SignedXml } from 'xml-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, createRole, rootClient } from './sts-support.js'

const IDP = 'https://idp.example.test/saml'
const AUDIENCE = 'https://signin.aws.amazon.com/saml'
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/ExampleIdP`
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/SamlRole`

interface Pair { readonly key: string; readonly cert: string }

async function keyPair(dir: string, name: string): Promise<Pair> {
  const key = join(dir, `${name}.key`)
  const cert = join(dir, `${name}.crt`)
  await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`])
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') }
}

const certBody = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')

function metadata(cert: string): string {
  return `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${IDP}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certBody(cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.test/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>`
}

interface AssertionOptions {
  readonly id?: string
  readonly sessionName?: string
  readonly roles?: readonly string[]
  readonly audience?: string
  readonly notOnOrAfter?: Date
  readonly status?: string
  readonly extraAttributes?: string
}

function assertionXml(options: AssertionOptions = {}): string {
  const now = new Date()
  const until = (options.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000)).toISOString()
  const roles = (options.roles ?? [`${ROLE_ARN},${PROVIDER_ARN}`]).map((role) => `<saml:AttributeValue>${role}</saml:AttributeValue>`).join('')
  return `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${options.id ?? '_a1'}" Version="2.0" IssueInstant="${now.toISOString()}">`
    + `<saml:Issuer>${IDP}</saml:Issuer>`
    + `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">user-42</saml:NameID>`
    + `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${until}" Recipient="${AUDIENCE}"/></saml:SubjectConfirmation></saml:Subject>`
    + `<saml:Conditions NotBefore="${new Date(now.getTime() - 60_000).toISOString()}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${options.audience ?? AUDIENCE}</saml:Audience></saml:AudienceRestriction></saml:Conditions>`
    + `<saml:AuthnStatement AuthnInstant="${now.toISOString()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`
    + `<saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">${roles}</saml:Attribute>`
    + `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>${options.sessionName ?? 'jane@example.test'}</saml:AttributeValue></saml:Attribute>${options.extraAttributes ?? ''}</saml:AttributeStatement>`
    + `</saml:Assertion>`
}

function responseXml(assertion: string, status = 'urn:oasis:names:tc:SAML:2.0:status:Success'): string {
  return `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${AUDIENCE}">`
    + `<saml:Issuer>${IDP}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${status}"/></samlp:Status>${assertion}</samlp:Response>`
}

/** Signs the Assertion (default) or the whole Response, enveloped, RSA-SHA256 over exclusive c14n. */
function sign(xml: string, pair: Pair, target: 'Assertion' | 'Response' = 'Assertion'): string {
  const signer = new SignedXml({
    privateKey: pair.key,
    publicCert: pair.cert,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  })
  signer.addReference({
    xpath: `//*[local-name(.)='${target}']`,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  })
  signer.computeSignature(xml, { location: { reference: `//*[local-name(.)='${target}']/*[local-name(.)='Issuer']`, action: 'after' } })
  return signer.getSignedXml()
}

const encode = (xml: string) => Buffer.from(xml, 'utf8').toString('base64')

describe('AssumeRoleWithSAML', () => {
  let palisade: TestPalisade
  let dir: string
  let idp: Pair
  let attacker: Pair
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-saml-'))
    idp = await keyPair(dir, 'idp')
    attacker = await keyPair(dir, 'attacker')
    palisade = await startTestPalisade(['--auth', 'permissive'])
    await rootClient(palisade).send(new CreateSAMLProviderCommand({ Name: 'ExampleIdP', SAMLMetadataDocument: metadata(idp.cert) }))
    await createRole(palisade, 'SamlRole', {
      trust: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'saml:aud': AUDIENCE } } }] }),
    })
  })
  afterAll(async () => {
    await palisade.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const assume = (samlResponse: string, input: Record<string, unknown> = {}) =>
    new STSClient({ endpoint: palisade.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } })
      .send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion: encode(samlResponse), ...input }))

  it('answers a role session named by the RoleSessionName attribute, with the SAML facts', async () => {
    const answer = await assume(responseXml(sign(assertionXml(), idp)))
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
    expect((await assume(responseXml(sign(assertionXml(), idp)))).PackedPolicySize).toBeUndefined()
    expect((await assume(responseXml(sign(assertionXml({ extraAttributes: tag }), idp)))).PackedPolicySize).toBeGreaterThan(0)
  })

  it('accepts a response whose signature covers the whole Response', async () => {
    const answer = await assume(sign(responseXml(assertionXml()), idp, 'Response'))
    expect(answer.Subject).toBe('user-42')
  })

  const wrapped = () => {
    const signed = sign(assertionXml(), idp)
    const evil = assertionXml({ id: '_evil', sessionName: 'mallory' })
    return [
      { xml: responseXml(evil + signed) },
      { xml: responseXml(`<samlp:Extensions>${signed}</samlp:Extensions>${evil.replace('_evil', '_a1')}`) },
    ]
  }

  it.each([
    { name: 'an attribute changed after signing', make: () => responseXml(sign(assertionXml(), idp).replace('jane@example.test', 'mallory')), code: 'InvalidIdentityTokenException', message: /signature validation failed/ },
    { name: 'a signature by a key the metadata does not hold', make: () => responseXml(sign(assertionXml(), attacker)), code: 'InvalidIdentityTokenException', message: /signature validation failed/ },
    { name: 'an unsigned response', make: () => responseXml(assertionXml()), code: 'InvalidIdentityTokenException', message: /exactly one Signature/ },
    { name: 'signature wrapping: an unsigned assertion before the signed one', make: () => wrapped()[0]!.xml, code: 'InvalidIdentityTokenException', message: /exactly one Assertion/ },
    { name: 'signature wrapping: the signed assertion moved, an evil one in its place', make: () => wrapped()[1]!.xml, code: 'InvalidIdentityTokenException', message: /exactly one Assertion/ },
    { name: 'an expired assertion', make: () => responseXml(sign(assertionXml({ notOnOrAfter: new Date(Date.now() - 1000) }), idp)), code: 'ExpiredTokenException', message: /redeemed/ },
    { name: 'another audience', make: () => responseXml(sign(assertionXml({ audience: 'https://example.test/sp' }), idp)), code: 'InvalidIdentityTokenException', message: /audience/ },
    { name: 'a role the IdP did not grant', make: () => responseXml(sign(assertionXml({ roles: [`arn:aws:iam::${ACCOUNT}:role/Other,${PROVIDER_ARN}`] }), idp)), code: 'AccessDenied', message: /not authorized to perform: sts:AssumeRoleWithSAML/ },
    { name: 'a failure the IdP reported', make: () => sign(responseXml(assertionXml(), 'urn:oasis:names:tc:SAML:2.0:status:Requester'), idp, 'Response'), code: 'IDPRejectedClaimException', message: /status:Requester/ },
    { name: 'text that is not XML', make: () => 'not xml at all', code: 'InvalidIdentityTokenException', message: /not well-formed|no samlp:Response/ },
  ])('refuses $name', async ({ make, code, message }) => {
    await expect(assume(make())).rejects.toMatchObject({ name: code, message: expect.stringMatching(message) })
  })
})
