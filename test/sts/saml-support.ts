// Helpers for the SAML suites: an IdP certificate (openssl), its metadata, signed SAML responses, and a started server with the provider and role.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CreateSAMLProviderCommand } from '@aws-sdk/client-iam'
import { AssumeRoleWithSAMLCommand, STSClient, type AssumeRoleWithSAMLCommandOutput } from '@aws-sdk/client-sts'
import { SignedXml } from 'xml-crypto'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, createRole, rootClient } from './sts-support.js'

export const IDP = 'https://idp.example.test/saml'
export const AUDIENCE = 'https://signin.aws.amazon.com/saml'
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/ExampleIdP`
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/SamlRole`

export interface Pair { readonly key: string; readonly cert: string }

export interface AssertionOptions {
  readonly id?: string
  readonly sessionName?: string
  readonly roles?: readonly string[]
  readonly audience?: string
  readonly notOnOrAfter?: Date
  readonly status?: string
  readonly extraAttributes?: string
}

/** A started server holding the ExampleIdP provider (trusting `idp`) and SamlRole, plus a second key pair that no metadata holds. */
export interface SamlWorld {
  readonly palisade: TestPalisade
  readonly idp: Pair
  readonly attacker: Pair
  assume(samlResponse: string, input?: Record<string, unknown>): Promise<AssumeRoleWithSAMLCommandOutput>
  stop(): Promise<void>
}

export async function startSamlWorld(serverArgs: readonly string[] = []): Promise<SamlWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-saml-'))
  const idp = await keyPair(dir, 'idp')
  const attacker = await keyPair(dir, 'attacker')
  const palisade = await startTestPalisade(serverArgs)
  await rootClient(palisade).send(new CreateSAMLProviderCommand({ Name: 'ExampleIdP', SAMLMetadataDocument: metadata(idp.cert) }))
  await createRole(palisade, 'SamlRole', {
    trust: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'saml:aud': AUDIENCE } } }] }),
  })
  return {
    palisade,
    idp,
    attacker,
    // AssumeRoleWithSAML is unsigned; the SDK still wants credentials to build the request.
    assume: (samlResponse, input = {}) =>
      new STSClient({ endpoint: palisade.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } })
        .send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion: encode(samlResponse), ...input })),
    async stop() {
      await palisade.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function assertionXml(options: AssertionOptions = {}): string {
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

export function responseXml(assertion: string, status = 'urn:oasis:names:tc:SAML:2.0:status:Success'): string {
  return `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${AUDIENCE}">`
    + `<saml:Issuer>${IDP}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${status}"/></samlp:Status>${assertion}</samlp:Response>`
}

/** Signs the Assertion (default) or the whole Response, enveloped, RSA-SHA256 over exclusive c14n. */
export function sign(xml: string, pair: Pair, target: 'Assertion' | 'Response' = 'Assertion'): string {
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

const encode = (xml: string) => Buffer.from(xml, 'utf8').toString('base64')
