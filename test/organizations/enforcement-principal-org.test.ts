// End to end: aws:PrincipalOrgID in a KMS key policy admits exactly the organization's accounts — an account is let in
// when it joins and shut out when it leaves — and the organization's other condition keys reach policies.
import { CreateKeyCommand, DescribeKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms'
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { CreateOrganizationalUnitCommand, RemoveAccountFromOrganizationCommand, type OrganizationsClient } from '@aws-sdk/client-organizations'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildTree, expectDenied, inviteAndAccept, INVITED, managementAdmin, MANAGEMENT, memberAdminRole, organizations, startTwoAccountPalisade,
  type Credentials, type OrganizationTree, type TwoAccountPalisade,
} from './enforcement-support.js'

const s3 = (server: { url: string }, credentials: Credentials) => new S3Client({ endpoint: server.url, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 })
const kms = (server: { url: string }, credentials: Credentials) => new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 })

describe('organization condition keys', () => {
  let server: TwoAccountPalisade
  let tree: OrganizationTree
  let org: OrganizationsClient
  let role: Credentials

  beforeAll(async () => {
    server = await startTwoAccountPalisade()
    tree = await buildTree(server, { invite: false })
    org = organizations(server, server.managementRoot)
    role = await memberAdminRole(server, await managementAdmin(server), tree.createdAccountId)
  })
  afterAll(() => server?.stop())

  /** A key of the management account whose policy admits every principal of the organization, and only them. */
  async function organizationKey(condition: Record<string, unknown>): Promise<string> {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Owner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'Organization', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['kms:DescribeKey', 'kms:Encrypt'], Resource: '*', Condition: condition },
      ],
    }
    const { KeyMetadata } = await kms(server, server.managementRoot).send(new CreateKeyCommand({ Policy: JSON.stringify(policy) }))
    return KeyMetadata!.Arn!
  }

  it('admits exactly the accounts of the organization, following joins and departures', async () => {
    const keyArn = await organizationKey({ StringEquals: { 'aws:PrincipalOrgID': tree.organizationId } })
    const outsider = kms(server, server.invitedRoot)
    await expectDenied(outsider.send(new DescribeKeyCommand({ KeyId: keyArn })), new RegExp(`^User: arn:aws:iam::${INVITED}:root is not authorized to perform: kms:DescribeKey on resource: ${keyArn} because no resource-based policy allows the kms:DescribeKey action$`))

    // A member account's role session is in the organization.
    expect((await kms(server, role).send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata?.Arn).toBe(keyArn)
    await kms(server, role).send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('in the family') }))

    // The invited account joins: admitted on its next request.
    await inviteAndAccept(server)
    expect((await outsider.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata?.Arn).toBe(keyArn)

    // And leaves: shut out again.
    await org.send(new RemoveAccountFromOrganizationCommand({ AccountId: INVITED }))
    await expectDenied(outsider.send(new DescribeKeyCommand({ KeyId: keyArn })), /because no resource-based policy allows the kms:DescribeKey action$/)
  })

  it('admits exactly the accounts of the organization through an S3 bucket policy', async () => {
    const bucket = 'org-shared-reports'
    const owner = s3(server, server.managementRoot)
    await owner.send(new CreateBucketCommand({ Bucket: bucket }))
    await owner.send(new PutObjectCommand({ Bucket: bucket, Key: 'q3.txt', Body: 'figures' }))
    await owner.send(new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'Organization', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*`,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': tree.organizationId } },
        }],
      }),
    }))
    const read = (credentials: Credentials) => s3(server, credentials).send(new GetObjectCommand({ Bucket: bucket, Key: 'q3.txt' })).then((object) => object.Body!.transformToString())
    expect(await read(role)).toBe('figures')
    // The invited account left the organization in the test above: outside, it is refused.
    const refused = await read(server.invitedRoot).then(() => undefined, (error: { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }) => error)
    expect(refused?.name).toBe('AccessDenied')
    expect(refused?.$metadata?.httpStatusCode).toBe(403)
    await inviteAndAccept(server)
    expect(await read(server.invitedRoot)).toBe('figures')
    await org.send(new RemoveAccountFromOrganizationCommand({ AccountId: INVITED }))
  })

  it("fills aws:PrincipalOrgPaths with the path down to the account's OU", async () => {
    const prod = `${tree.organizationId}/${tree.rootId}/${tree.prodId}/`
    const underProd = await organizationKey({ 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${prod}*` } })
    expect((await kms(server, role).send(new DescribeKeyCommand({ KeyId: underProd }))).KeyMetadata?.Arn).toBe(underProd)
    const regulated = await organizationKey({ 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgPaths': `${prod}${tree.regulatedId}/` } })
    expect((await kms(server, role).send(new DescribeKeyCommand({ KeyId: regulated }))).KeyMetadata?.Arn).toBe(regulated)
    const { OrganizationalUnit } = await org.send(new CreateOrganizationalUnitCommand({ ParentId: tree.rootId, Name: 'Dev' }))
    const dev = await organizationKey({ 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${tree.organizationId}/${tree.rootId}/${OrganizationalUnit!.Id}/*` } })
    await expectDenied(kms(server, role).send(new DescribeKeyCommand({ KeyId: dev })), /because no resource-based policy allows the kms:DescribeKey action$/)
  })
})
