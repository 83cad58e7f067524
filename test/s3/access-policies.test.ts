// S3 access control end to end through the SDK and unsigned HTTP: private by default, bucket policies (validation,
// IsPublic, BlockPublicPolicy), Block Public Access, same-account grants without IAM policies, ACLs and Object Ownership.
import {
  CreateBucketCommand, DeleteBucketPolicyCommand, DeletePublicAccessBlockCommand, GetBucketAclCommand, GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand, GetBucketPolicyCommand, GetBucketPolicyStatusCommand, GetPublicAccessBlockCommand,
  PutBucketAclCommand, PutBucketOwnershipControlsCommand, PutBucketPolicyCommand, PutPublicAccessBlockCommand, S3Client,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalUserId } from '../../src/services/s3/access/canonical-user.js'
import { createTestUser, type TestUser } from '../iam/enforcement-support.js'
import type { TestPalisade } from '../support/palisade.js'
import { failure, s3Client, startS3Palisade } from './s3-support.js'

let server: TestPalisade
let s3: S3Client
let alice: TestUser
let aliceS3: S3Client

beforeAll(async () => {
  ({ server, s3 } = await startS3Palisade())
  alice = await createTestUser(server, 'alice') // no IAM policy at all
  aliceS3 = s3Client(server, alice.credentials)
})
afterAll(async () => server.stop())

/** An unsigned request, as curl would send it. */
function anonymous(path: string, method = 'GET'): Promise<Response> {
  return fetch(`${server.url}${path}`, { method })
}

const publicRead = (bucket: string) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'PublicList', Effect: 'Allow', Principal: '*', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: `arn:aws:s3:::${bucket}` }],
})

describe('a new bucket', () => {
  it('is private: Block Public Access all on, ACLs disabled, anonymous requests denied with S3\'s AccessDenied XML', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'sec-private' }))
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'sec-private' }))
    expect(block.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true })
    const ownership = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'sec-private' }))
    expect(ownership.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }])
    const response = await anonymous('/sec-private?location')
    expect(response.status).toBe(403)
    const body = await response.text()
    expect(body).toContain('<Code>AccessDenied</Code>')
    expect(body).toContain('<Message>Access Denied</Message>')
    expect((await anonymous('/sec-private', 'HEAD')).status).toBe(403)
  })

  it('denies an IAM user of the account that has no policy', async () => {
    const error = await failure(aliceS3.send(new GetBucketLocationCommand({ Bucket: 'sec-private' })))
    expect(error.name).toBe('AccessDenied')
    expect(error.$metadata.httpStatusCode).toBe(403)
  })
})

describe('bucket policies', () => {
  it('refuses a public policy while BlockPublicPolicy is on, and serves anonymous callers once Block Public Access is off', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'sec-public' }))
    const refused = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: 'sec-public', Policy: publicRead('sec-public') })))
    expect(refused.name).toBe('AccessDenied')
    expect(refused.$metadata.httpStatusCode).toBe(403)
    await failure(s3.send(new GetBucketPolicyCommand({ Bucket: 'sec-public' }))).then((error) => expect(error.name).toBe('NoSuchBucketPolicy'))

    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'sec-public' }))
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'sec-public', Policy: publicRead('sec-public') }))
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: 'sec-public' }))).PolicyStatus?.IsPublic).toBe(true)
    expect((await anonymous('/sec-public', 'HEAD')).status).toBe(200)
    const location = await anonymous('/sec-public?location')
    expect(location.status).toBe(200)
    expect(await location.text()).toContain('LocationConstraint')
  })

  it('ignores a public policy for anonymous callers under RestrictPublicBuckets, and serves them again without it', async () => {
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'sec-public', PublicAccessBlockConfiguration: { RestrictPublicBuckets: true } }))
    expect((await anonymous('/sec-public', 'HEAD')).status).toBe(403)
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'sec-public', PublicAccessBlockConfiguration: { BlockPublicAcls: true } }))
    expect((await anonymous('/sec-public', 'HEAD')).status).toBe(200)
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'sec-public' }))
    expect((await anonymous('/sec-public', 'HEAD')).status).toBe(403)
  })

  it('grants a same-account user that has no IAM policy', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'sec-alice' }))
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 's3:GetBucketLocation', Resource: 'arn:aws:s3:::sec-alice' }],
    })
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'sec-alice', Policy: policy }))
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: 'sec-alice' }))).PolicyStatus?.IsPublic).toBe(false)
    await aliceS3.send(new GetBucketLocationCommand({ Bucket: 'sec-alice' }))
    // The grant names one action: others stay denied.
    expect((await failure(aliceS3.send(new GetBucketPolicyCommand({ Bucket: 'sec-alice' })))).name).toBe('AccessDenied')
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: 'sec-alice' }))).Policy).toBe(policy)
  })

  it('lets an explicit deny in the bucket policy win over the grant', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 's3:GetBucketLocation', Resource: 'arn:aws:s3:::sec-alice' },
        { Effect: 'Deny', Principal: '*', Action: 's3:GetBucketLocation', Resource: 'arn:aws:s3:::sec-alice', Condition: { StringEquals: { 'aws:username': 'alice' } } },
      ],
    })
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'sec-alice', Policy: policy }))
    expect((await failure(aliceS3.send(new GetBucketLocationCommand({ Bucket: 'sec-alice' })))).name).toBe('AccessDenied')
  })

  it.each([
    { name: 'not JSON', policy: 'nope', message: /./ },
    { name: 'a statement without Principal', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::sec-alice/*' }] }), message: /Principal/ },
    { name: 'a resource in another bucket', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::elsewhere/*' }] }), message: /invalid resource/ },
    { name: 'more than 20 KB', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x'.repeat(21_000), Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::sec-alice/*' }] }), message: /20480/ },
  ])('refuses $name with MalformedPolicy', async ({ policy, message }) => {
    const error = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: 'sec-alice', Policy: policy })))
    expect(error.name).toBe('MalformedPolicy')
    expect(error.$metadata.httpStatusCode).toBe(400)
    expect(error.message).toMatch(message)
  })

  it('lets the owner\'s root user remove a policy that denies everyone everything', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'sec-lockout' }))
    await s3.send(new PutBucketPolicyCommand({
      Bucket: 'sec-lockout',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::sec-lockout', 'arn:aws:s3:::sec-lockout/*'] }] }),
    }))
    expect((await failure(s3.send(new GetBucketLocationCommand({ Bucket: 'sec-lockout' })))).name).toBe('AccessDenied')
    await s3.send(new GetBucketPolicyCommand({ Bucket: 'sec-lockout' }))
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'sec-lockout' }))
    await s3.send(new GetBucketLocationCommand({ Bucket: 'sec-lockout' }))
  })

  it('answers NoSuchBucket for a bucket that does not exist', async () => {
    expect((await failure(s3.send(new GetBucketPolicyCommand({ Bucket: 'sec-missing' })))).name).toBe('NoSuchBucket')
  })
})

describe('ACLs and Object Ownership', () => {
  it('refuses ACLs other than the owner\'s under BucketOwnerEnforced and shows the owner\'s FULL_CONTROL', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'sec-acl' }))
    const error = await failure(s3.send(new PutBucketAclCommand({ Bucket: 'sec-acl', GrantRead: `id="${canonicalUserId('000000000000')}", uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"` })))
    expect(error.name).toBe('AccessControlListNotSupported')
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'sec-acl' }))
    expect(acl.Owner?.ID).toBe(canonicalUserId('000000000000'))
    expect(acl.Grants).toEqual([{ Grantee: { Type: 'CanonicalUser', ID: canonicalUserId('000000000000') }, Permission: 'FULL_CONTROL' }])
  })

  it('puts ACL grants in effect under ObjectWriter: a public-read bucket ACL lets anonymous callers list', async () => {
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: 'sec-acl', OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } }))
    // BlockPublicAcls is still on: a public ACL is refused.
    expect((await failure(s3.send(new PutBucketAclCommand({ Bucket: 'sec-acl', ACL: 'public-read' })))).name).toBe('AccessDenied')
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'sec-acl', PublicAccessBlockConfiguration: { IgnorePublicAcls: true } }))
    await s3.send(new PutBucketAclCommand({ Bucket: 'sec-acl', ACL: 'public-read' }))
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'sec-acl' }))
    expect(acl.Grants).toContainEqual({ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' })
    // IgnorePublicAcls: the grant is kept but counts for nothing.
    expect((await anonymous('/sec-acl', 'HEAD')).status).toBe(403)
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'sec-acl' }))
    expect((await anonymous('/sec-acl', 'HEAD')).status).toBe(200)
    // Back to BucketOwnerEnforced is refused while the ACL grants others; private first, then it is accepted.
    expect((await failure(s3.send(new PutBucketOwnershipControlsCommand({ Bucket: 'sec-acl', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } })))).name)
      .toBe('InvalidBucketAclWithObjectOwnership')
    await s3.send(new PutBucketAclCommand({ Bucket: 'sec-acl', ACL: 'private' }))
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: 'sec-acl', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }))
    expect((await anonymous('/sec-acl', 'HEAD')).status).toBe(403)
  })

  it('refuses a canned ACL with grant headers (InvalidRequest) and an unknown canonical id (InvalidArgument)', async () => {
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: 'sec-acl', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] } }))
    expect((await failure(s3.send(new PutBucketAclCommand({ Bucket: 'sec-acl', ACL: 'private', GrantRead: 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' })))).name).toBe('InvalidRequest')
    expect((await failure(s3.send(new PutBucketAclCommand({ Bucket: 'sec-acl', GrantRead: `id="${'a'.repeat(64)}"` })))).name).toBe('InvalidArgument')
  })
})
