// Object-level access end to end: anonymous reads through a public bucket policy, object ACLs under ObjectWriter
// (and refused under BucketOwnerEnforced), s3:ExistingObjectTag conditions, and presigned URL expiry.
import {
  CreateBucketCommand, DeleteObjectsCommand, DeletePublicAccessBlockCommand, GetObjectAclCommand, GetObjectCommand, PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand, PutObjectAclCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3'
import { PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { createTestUser, rootClient } from '../iam/enforcement-support.js'
import type { TestPalisade } from '../support/palisade.js'
import { failure, s3Client, startS3Palisade } from './s3-support.js'

const clock = fixedClock(Date.now())
let server: TestPalisade
let s3: S3Client

beforeAll(async () => { ({ server, s3 } = await startS3Palisade({ overrides: { clock } })) })
afterAll(async () => server.stop())

const get = (path: string) => fetch(`${server.url}${path}`)

describe('anonymous object reads', () => {
  it('are denied on a new bucket and served through a public bucket policy once Block Public Access is off', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'obj-public' }))
    await s3.send(new PutObjectCommand({ Bucket: 'obj-public', Key: 'site/index.html', Body: '<h1>hello</h1>' }))
    const denied = await get('/obj-public/site/index.html')
    expect(denied.status).toBe(403)
    expect(await denied.text()).toContain('<Code>AccessDenied</Code>')
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'obj-public' }))
    await s3.send(new PutBucketPolicyCommand({
      Bucket: 'obj-public',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::obj-public/site/*' }] }),
    }))
    const served = await get('/obj-public/site/index.html')
    expect(served.status).toBe(200)
    expect(await served.text()).toBe('<h1>hello</h1>')
    // aws:Referer: a policy can limit anonymous reads to requests from a site.
    await s3.send(new PutBucketPolicyCommand({
      Bucket: 'obj-public',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::obj-public/site/*', Condition: { StringLike: { 'aws:Referer': 'https://example.com/*' } } }] }),
    }))
    expect((await get('/obj-public/site/index.html')).status).toBe(403)
    expect((await fetch(`${server.url}/obj-public/site/index.html`, { headers: { referer: 'https://example.com/page' } })).status).toBe(200)
    // Outside the granted prefix nothing changes.
    await s3.send(new PutObjectCommand({ Bucket: 'obj-public', Key: 'private.txt', Body: 'no' }))
    expect((await get('/obj-public/private.txt')).status).toBe(403)
  })
})

describe('object ACLs', () => {
  it('are refused under BucketOwnerEnforced except bucket-owner-full-control', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'obj-enforced' }))
    expect((await failure(s3.send(new PutObjectCommand({ Bucket: 'obj-enforced', Key: 'a', Body: 'a', ACL: 'public-read' })))).name).toBe('AccessControlListNotSupported')
    await s3.send(new PutObjectCommand({ Bucket: 'obj-enforced', Key: 'a', Body: 'a', ACL: 'bucket-owner-full-control' }))
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: 'obj-enforced', Key: 'a' }))
    expect(acl.Grants).toHaveLength(1)
    expect(acl.Grants?.[0]?.Permission).toBe('FULL_CONTROL')
  })

  it('grant anonymous reads under ObjectWriter once public ACLs are not blocked, object by object', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'obj-writer', ObjectOwnership: 'ObjectWriter' }))
    // Block Public Access is on by default: a public ACL is refused.
    expect((await failure(s3.send(new PutObjectCommand({ Bucket: 'obj-writer', Key: 'public.txt', Body: 'for all', ACL: 'public-read' })))).name).toBe('AccessDenied')
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'obj-writer' }))
    await s3.send(new PutObjectCommand({ Bucket: 'obj-writer', Key: 'public.txt', Body: 'for all', ACL: 'public-read' }))
    await s3.send(new PutObjectCommand({ Bucket: 'obj-writer', Key: 'private.txt', Body: 'for me' }))
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: 'obj-writer', Key: 'public.txt' }))
    expect(acl.Grants).toContainEqual({ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' })
    const served = await get('/obj-writer/public.txt')
    expect(served.status).toBe(200)
    expect(await served.text()).toBe('for all')
    expect((await get('/obj-writer/private.txt')).status).toBe(403)
    // PutObjectAcl takes the grant back.
    await s3.send(new PutObjectAclCommand({ Bucket: 'obj-writer', Key: 'public.txt', ACL: 'private' }))
    expect((await get('/obj-writer/public.txt')).status).toBe(403)
  })

  it('stop counting when ownership returns to BucketOwnerEnforced', async () => {
    await s3.send(new PutObjectAclCommand({ Bucket: 'obj-writer', Key: 'public.txt', ACL: 'public-read' }))
    expect((await get('/obj-writer/public.txt')).status).toBe(200)
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: 'obj-writer', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }))
    expect((await get('/obj-writer/public.txt')).status).toBe(403)
  })
})

describe('s3:ExistingObjectTag', () => {
  it('lets a policy decide on the tags of the object read', async () => {
    const carol = await createTestUser(server, 'carol')
    await rootClient(server).send(new PutUserPolicyCommand({
      UserName: 'carol', PolicyName: 'public-class-only',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::obj-tags/*', Condition: { StringEquals: { 's3:ExistingObjectTag/class': 'public' } } }],
      }),
    }))
    await s3.send(new CreateBucketCommand({ Bucket: 'obj-tags' }))
    await s3.send(new PutObjectCommand({ Bucket: 'obj-tags', Key: 'open.txt', Body: 'open', Tagging: 'class=public' }))
    await s3.send(new PutObjectCommand({ Bucket: 'obj-tags', Key: 'closed.txt', Body: 'closed', Tagging: 'class=secret' }))
    const carolS3 = s3Client(server, carol.credentials)
    expect(await (await carolS3.send(new GetObjectCommand({ Bucket: 'obj-tags', Key: 'open.txt' }))).Body!.transformToString()).toBe('open')
    expect((await failure(carolS3.send(new GetObjectCommand({ Bucket: 'obj-tags', Key: 'closed.txt' })))).name).toBe('AccessDenied')
  })
})

describe('DeleteObjects', () => {
  it('decides each key with the bucket policy and reports refused keys as AccessDenied entries', async () => {
    const dave = await createTestUser(server, 'dave') // no IAM policy: the bucket policy alone grants
    await s3.send(new CreateBucketCommand({ Bucket: 'obj-batch' }))
    await s3.send(new PutBucketPolicyCommand({
      Bucket: 'obj-batch',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: dave.arn }, Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::obj-batch/tmp/*' }] }),
    }))
    await s3.send(new PutObjectCommand({ Bucket: 'obj-batch', Key: 'tmp/a', Body: 'a' }))
    await s3.send(new PutObjectCommand({ Bucket: 'obj-batch', Key: 'keep/b', Body: 'b' }))
    const result = await s3Client(server, dave.credentials).send(new DeleteObjectsCommand({ Bucket: 'obj-batch', Delete: { Objects: [{ Key: 'tmp/a' }, { Key: 'keep/b' }] } }))
    expect(result.Deleted?.map((entry) => entry.Key)).toEqual(['tmp/a'])
    expect(result.Errors?.map((entry) => [entry.Key, entry.Code])).toEqual([['keep/b', 'AccessDenied']])
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'obj-batch', Key: 'keep/b' }))).Body!.transformToString()).toBe('b')
  })
})

describe('presigned URLs', () => {
  it('work until they expire, then answer AccessDenied', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'obj-presigned' }))
    await s3.send(new PutObjectCommand({ Bucket: 'obj-presigned', Key: 'shared.txt', Body: 'shared for a minute' }))
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'obj-presigned', Key: 'shared.txt' }), { expiresIn: 60, signingDate: clock.now() })
    const fresh = await fetch(url)
    expect(fresh.status).toBe(200)
    expect(await fresh.text()).toBe('shared for a minute')
    clock.advance(61_000)
    const expired = await fetch(url)
    expect(expired.status).toBe(403)
    const body = await expired.text()
    expect(body).toContain('<Code>AccessDenied</Code>')
    expect(body).toContain('Request has expired')
  })

  it('are refused by a bucket policy denying s3:authType REST-QUERY-STRING, while header-signed requests pass', async () => {
    await s3.send(new PutBucketPolicyCommand({
      Bucket: 'obj-presigned',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::obj-presigned/*', Condition: { StringEquals: { 's3:authType': 'REST-QUERY-STRING' } } }],
      }),
    }))
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'obj-presigned', Key: 'shared.txt' }), { expiresIn: 60, signingDate: clock.now() })
    expect((await fetch(url)).status).toBe(403)
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'obj-presigned', Key: 'shared.txt' }))).Body!.transformToString()).toBe('shared for a minute')
  })
})
