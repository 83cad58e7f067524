// End to end: OpenID Connect and SAML identity providers with the AWS SDK v3 and the AWS CLI.
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateSAMLProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteSAMLProviderCommand,
  GetOpenIDConnectProviderCommand,
  GetSAMLProviderCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListOpenIDConnectProviderTagsCommand,
  ListSAMLProvidersCommand,
  ListSAMLProviderTagsCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  TagOpenIDConnectProviderCommand,
  TagSAMLProviderCommand,
  UntagOpenIDConnectProviderCommand,
  UntagSAMLProviderCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
  UpdateSAMLProviderCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

// A fixed clock anchored at the real time: SigV4 (and the AWS CLI, which cannot shift its clock) needs them close.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000)
const THUMB_A = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280'
const THUMB_B = 'A031C46782E6E6C662C2C87C76DA9AA62CCABD8E'

let palisade: TestPalisade
let iam: IAMClient
beforeAll(async () => {
  palisade = await startTestPalisade([], { clock: fixedClock(NOW) })
  iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
})
afterAll(() => palisade.stop())

describe('CreateOpenIDConnectProvider and GetOpenIDConnectProvider', () => {
  it('creates a provider whose ARN is the issuer without https:// and reads it back', async () => {
    const created = await iam.send(new CreateOpenIDConnectProviderCommand({
      Url: 'https://Token.Actions.example.com/org/',
      ClientIDList: ['sts.amazonaws.com', 'sts.amazonaws.com', 'app'],
      ThumbprintList: [THUMB_A],
      Tags: [{ Key: 'ci', Value: 'yes' }],
    }))
    expect(created).toMatchObject({
      OpenIDConnectProviderArn: 'arn:aws:iam::000000000000:oidc-provider/token.actions.example.com/org',
      Tags: [{ Key: 'ci', Value: 'yes' }],
    })
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: created.OpenIDConnectProviderArn }))
    expect(got).toMatchObject({
      Url: 'Token.Actions.example.com/org/',
      ClientIDList: ['sts.amazonaws.com', 'app'],
      ThumbprintList: [THUMB_A],
      CreateDate: NOW,
      Tags: [{ Key: 'ci', Value: 'yes' }],
    })
  })

  it('refuses a second provider for the same issuer with EntityAlreadyExists', async () => {
    await expect(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://token.actions.example.com/org', ThumbprintList: [THUMB_A] })))
      .rejects.toMatchObject({ name: 'EntityAlreadyExistsException', $metadata: { httpStatusCode: 409 } })
  })

  it.each([
    { name: 'an http URL', url: 'http://idp.example.com' },
    { name: 'a URL with a query', url: 'https://idp.example.com/?a=b' },
    { name: 'no URL at all', url: 'idp.example.com' },
  ])('rejects $name with InvalidInput', async ({ url }) => {
    await expect(iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ThumbprintList: [THUMB_A] }))).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: 'Invalid Open ID Connect Provider URL',
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('accepts five thumbprints and rejects six with InvalidInput', async () => {
    const thumbprints = Array.from({ length: 6 }, (_, i) => String(i).repeat(40))
    await expect(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://six.example.com', ThumbprintList: thumbprints }))).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: 'Thumbprint list must contain fewer than 5 entries.',
    })
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://five.example.com', ThumbprintList: thumbprints.slice(0, 5) }))
  })

  it('rejects a thumbprint that is not 40 hex digits', async () => {
    await expect(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://hex.example.com', ThumbprintList: ['z'.repeat(40)] })))
      .rejects.toMatchObject({ name: 'InvalidInputException' })
  })

  it('rejects more than 100 client ids with LimitExceeded', async () => {
    const clientIds = Array.from({ length: 101 }, (_, i) => `client-${i}`)
    await expect(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://many.example.com', ClientIDList: clientIds, ThumbprintList: [THUMB_A] })))
      .rejects.toMatchObject({ name: 'LimitExceededException', message: 'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100' })
  })

  it('reports a missing provider with NoSuchEntity', async () => {
    const arn = 'arn:aws:iam::000000000000:oidc-provider/missing.example.com'
    await expect(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: `OpenIDConnect Provider not found for arn ${arn}`,
      $metadata: { httpStatusCode: 404 },
    })
  })
})

describe('OIDC client ids, thumbprints, tags, list and delete', () => {
  const arn = 'arn:aws:iam::000000000000:oidc-provider/token.actions.example.com/org'
  const missing = 'arn:aws:iam::000000000000:oidc-provider/missing.example.com'

  it.each([
    { name: 'AddClientIDToOpenIDConnectProvider', send: () => iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: missing, ClientID: 'x' })) },
    { name: 'RemoveClientIDFromOpenIDConnectProvider', send: () => iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: missing, ClientID: 'x' })) },
    { name: 'UpdateOpenIDConnectProviderThumbprint', send: () => iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: missing, ThumbprintList: [THUMB_A] })) },
    { name: 'TagOpenIDConnectProvider', send: () => iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: missing, Tags: [{ Key: 'a', Value: 'b' }] })) },
  ])('$name reports a missing provider with NoSuchEntity', async ({ send }) => {
    await expect(send()).rejects.toMatchObject({ name: 'NoSuchEntityException', message: `OpenIDConnect Provider not found for arn ${missing}` })
  })

  it('refuses a thumbprint update that breaks the thumbprint rules', async () => {
    await expect(iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: ['g'.repeat(40)] })))
      .rejects.toMatchObject({ name: 'InvalidInputException' })
  })

  it('refuses the 101st client id with LimitExceeded', async () => {
    const url = 'https://clients.example.com'
    const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: Array.from({ length: 100 }, (_, i) => `c${i}`) }))
    await expect(iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn, ClientID: 'one-more' }))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100',
    })
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn }))
  })

  it('adds and removes client ids, both idempotently', async () => {
    await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'extra' }))
    await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'extra' }))
    await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'app' }))
    await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'never-added' }))
    expect((await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))).ClientIDList).toEqual(['sts.amazonaws.com', 'extra'])
  })

  it('replaces the thumbprint list', async () => {
    await iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: [THUMB_B, THUMB_A] }))
    expect((await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))).ThumbprintList).toEqual([THUMB_B, THUMB_A])
  })

  it('tags and untags the provider', async () => {
    await iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: [{ Key: 'team', Value: 'infra' }] }))
    await iam.send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, TagKeys: ['ci'] }))
    expect((await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }))).Tags).toEqual([{ Key: 'team', Value: 'infra' }])
  })

  it('lists providers by ARN and deletes one, idempotently', async () => {
    const before = await iam.send(new ListOpenIDConnectProvidersCommand({}))
    expect(before.OpenIDConnectProviderList!.map((entry) => entry.Arn)).toContain(arn)
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))
    const after = await iam.send(new ListOpenIDConnectProvidersCommand({}))
    expect(after.OpenIDConnectProviderList!.map((entry) => entry.Arn)).not.toContain(arn)
  })
})

function hundredYearsAfter(date: Date): Date {
  const later = new Date(date.getTime())
  later.setUTCFullYear(later.getUTCFullYear() + 100)
  return later
}

function idpMetadata(entityId: string, extra = ''): string {
  const certificate = 'MIIC' + 'A'.repeat(900)
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}"${extra}>
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`
}

describe('SAML providers', () => {
  const arn = 'arn:aws:iam::000000000000:saml-provider/Corp'

  it('creates a provider and returns its document, CreateDate and a ValidUntil 100 years on', async () => {
    const created = await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: idpMetadata('https://idp.example.com'), Tags: [{ Key: 'a', Value: '1' }] }))
    expect(created).toMatchObject({ SAMLProviderArn: arn, Tags: [{ Key: 'a', Value: '1' }] })
    const got = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }))
    expect(got).toMatchObject({ SAMLMetadataDocument: idpMetadata('https://idp.example.com'), CreateDate: NOW, ValidUntil: hundredYearsAfter(NOW) })
  })

  it('takes ValidUntil from the metadata when it has one', async () => {
    await iam.send(new CreateSAMLProviderCommand({ Name: 'Expiring', SAMLMetadataDocument: idpMetadata('https://other.example.com', ' validUntil="2027-01-01T00:00:00Z"') }))
    const { SAMLProviderList } = await iam.send(new ListSAMLProvidersCommand({}))
    expect(SAMLProviderList).toEqual(expect.arrayContaining([
      { Arn: 'arn:aws:iam::000000000000:saml-provider/Expiring', CreateDate: NOW, ValidUntil: new Date('2027-01-01T00:00:00.000Z') },
    ]))
  })

  it.each([
    { name: 'a document that is not XML', document: 'not xml at all '.repeat(80) },
    { name: 'XML that is not SAML metadata', document: `<root xmlns="urn:example">${'<x/>'.repeat(300)}</root>` },
    { name: 'metadata of a service provider, not an identity provider', document: idpMetadata('https://sp.example.com').replaceAll('IDPSSODescriptor', 'SPSSODescriptor') },
    { name: 'a DOCTYPE', document: `<!DOCTYPE x [<!ENTITY e "e">]>${idpMetadata('https://idp.example.com').replace(/^<\?xml[^>]*>/, '')}` },
  ])('rejects $name with InvalidInput', async ({ document }) => {
    await expect(iam.send(new CreateSAMLProviderCommand({ Name: 'Bad', SAMLMetadataDocument: document }))).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: 'Could not parse metadata',
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('refuses a taken name with EntityAlreadyExists', async () => {
    await expect(iam.send(new CreateSAMLProviderCommand({ Name: 'corp', SAMLMetadataDocument: idpMetadata('https://idp.example.com') })))
      .rejects.toMatchObject({ name: 'EntityAlreadyExistsException' })
  })

  it('updates the metadata after validating it', async () => {
    const updated = await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, SAMLMetadataDocument: idpMetadata('https://new.example.com') }))
    expect(updated.SAMLProviderArn).toBe(arn)
    expect((await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }))).SAMLMetadataDocument).toContain('https://new.example.com')
    await expect(iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, SAMLMetadataDocument: '<x/>'.repeat(300) })))
      .rejects.toMatchObject({ name: 'InvalidInputException' })
  })

  it('tags, untags and lists tags', async () => {
    await iam.send(new TagSAMLProviderCommand({ SAMLProviderArn: arn, Tags: [{ Key: 'b', Value: '2' }] }))
    await iam.send(new UntagSAMLProviderCommand({ SAMLProviderArn: arn, TagKeys: ['a'] }))
    expect((await iam.send(new ListSAMLProviderTagsCommand({ SAMLProviderArn: arn }))).Tags).toEqual([{ Key: 'b', Value: '2' }])
  })

  it('deletes the provider, after which it cannot be found', async () => {
    await iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: arn }))
    await expect(iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: `Manifest not found for arn ${arn}`,
      $metadata: { httpStatusCode: 404 },
    })
    await expect(iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: arn }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })
})

describe.skipIf(!awsCliAvailable)('providers with the AWS CLI', () => {
  it('creates and reads an OIDC provider', async () => {
    const created = await awsCli(palisade.url, palisade.root, [
      'iam', 'create-open-id-connect-provider', '--url', 'https://cli.example.com', '--client-id-list', 'sts.amazonaws.com', '--thumbprint-list', THUMB_A,
    ])
    expect(created.code).toBe(0)
    const arn = JSON.parse(created.stdout).OpenIDConnectProviderArn
    expect(arn).toBe('arn:aws:iam::000000000000:oidc-provider/cli.example.com')
    const got = await awsCli(palisade.url, palisade.root, ['iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', arn])
    expect(JSON.parse(got.stdout)).toMatchObject({ Url: 'cli.example.com', ClientIDList: ['sts.amazonaws.com'], ThumbprintList: [THUMB_A] })
  })

  it('creates a SAML provider from metadata', async () => {
    const created = await awsCli(palisade.url, palisade.root, ['iam', 'create-saml-provider', '--name', 'CliIdp', '--saml-metadata-document', idpMetadata('https://cli-idp.example.com')])
    expect(created.code).toBe(0)
    expect(JSON.parse(created.stdout).SAMLProviderArn).toBe('arn:aws:iam::000000000000:saml-provider/CliIdp')
  })
})
