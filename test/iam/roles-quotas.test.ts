// End to end: the account quotas on roles, instance profiles and identity providers, with AWS's LimitExceeded texts.
// The rows up to the limit are written straight into the server's database (a thousand API calls would only be slow).
import {
  CreateInstanceProfileCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateSAMLProviderCommand,
  CreateServiceLinkedRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../src/storage/database.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

const ACCOUNT = '000000000000'
const NOW = '2026-01-01T00:00:00.000Z'
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] })

let palisade: TestPalisade
let iam: IAMClient
let database: Database
beforeAll(async () => {
  palisade = await startTestPalisade()
  iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
  database = await openDatabase({ url: join(palisade.dataDir, 'palisade.db') })
})
afterAll(async () => {
  await database.close()
  await palisade.stop()
})

const numbered = (count: number) => Array.from({ length: count }, (_, i) => `n${String(i).padStart(4, '0')}`)

describe('account quotas', () => {
  it('allows 1,000 roles, then refuses CreateRole and CreateServiceLinkedRole with RolesPerAccount', async () => {
    await database.transaction(async (tx) => {
      for (const name of numbered(999)) {
        await tx.insertInto('iam_roles').values({
          account_id: ACCOUNT, name_key: name, role_name: name, role_id: `AROA${name.toUpperCase().padEnd(17, '0')}`, path: '/',
          arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, created_at: NOW, assume_role_policy: TRUST, description: null,
          max_session_duration: 3600, permissions_boundary_arn: null, last_used_at: null, last_used_region: null, service_linked: 0,
        }).execute()
      }
    })
    await iam.send(new CreateRoleCommand({ RoleName: 'TheThousandth', AssumeRolePolicyDocument: TRUST }))
    const over = { name: 'LimitExceededException', message: 'Cannot exceed quota for RolesPerAccount: 1000', $metadata: { httpStatusCode: 409 } }
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'OneTooMany', AssumeRolePolicyDocument: TRUST }))).rejects.toMatchObject(over)
    await expect(iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com' }))).rejects.toMatchObject(over)
  })

  it('allows 1,000 instance profiles, then refuses with InstanceProfilesPerAccount', async () => {
    await database.transaction(async (tx) => {
      for (const name of numbered(999)) {
        await tx.insertInto('iam_instance_profiles').values({
          account_id: ACCOUNT, name_key: name, instance_profile_name: name, instance_profile_id: `AIPA${name.toUpperCase().padEnd(17, '0')}`,
          path: '/', arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${name}`, created_at: NOW,
        }).execute()
      }
    })
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'TheThousandth' }))
    await expect(iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'OneTooMany' }))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for InstanceProfilesPerAccount: 1000',
    })
  })

  it('allows 100 OIDC providers, then refuses with OpenIdConnectProvidersPerAccount', async () => {
    await database.transaction(async (tx) => {
      for (const name of numbered(99)) {
        await tx.insertInto('iam_oidc_providers').values({
          account_id: ACCOUNT, url_key: `${name}.example.com`, url: `https://${name}.example.com`, arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${name}.example.com`,
          client_ids: '[]', thumbprints: '[]', created_at: NOW,
        }).execute()
      }
    })
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://hundredth.example.com' }))
    await expect(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://one-too-many.example.com' }))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100',
    })
  })

  it('allows 100 SAML providers, then refuses with SAMLProvidersPerAccount', async () => {
    const metadata = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/></md:IDPSSODescriptor><!--${'x'.repeat(1000)}--></md:EntityDescriptor>`
    await database.transaction(async (tx) => {
      for (const name of numbered(99)) {
        await tx.insertInto('iam_saml_providers').values({
          account_id: ACCOUNT, name_key: name, name, arn: `arn:aws:iam::${ACCOUNT}:saml-provider/${name}`, metadata_document: metadata, created_at: NOW, valid_until: null,
        }).execute()
      }
    })
    await iam.send(new CreateSAMLProviderCommand({ Name: 'Hundredth', SAMLMetadataDocument: metadata }))
    await expect(iam.send(new CreateSAMLProviderCommand({ Name: 'OneTooMany', SAMLMetadataDocument: metadata }))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for SAMLProvidersPerAccount: 100',
    })
  })
})
