// DeleteObjects as S3 answers it: per-key Deleted and Errors (quiet mode reporting only errors), delete markers in a
// versioned bucket, at most 1,000 keys, and the body checksum S3 requires (Content-MD5 or x-amz-checksum-*); and
// InvalidArgument errors that name the offending argument (ArgumentName, ArgumentValue).
import {
  CreateBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, PutBucketAclCommand, PutBucketOwnershipControlsCommand,
  PutBucketVersioningCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3'
import { PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestUser, rootClient } from '../iam/enforcement-support.js'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import type { TestPalisade } from '../support/palisade.js'
import { sendRaw, serializeRequest, signRaw } from '../support/raw-http.js'
import { failure, s3Client, startS3Palisade } from './s3-support.js'

let server: TestPalisade
let s3: S3Client

beforeAll(async () => {
  ({ server, s3 } = await startS3Palisade({ buckets: ['plain', 'versioned'] }))
  await s3.send(new PutBucketVersioningCommand({ Bucket: 'versioned', VersioningConfiguration: { Status: 'Enabled' } }))
})
afterAll(async () => server.stop())

async function put(bucket: string, ...keys: string[]): Promise<void> {
  for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }))
}

async function keysOf(bucket: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))
  return [...(listed.Versions ?? []).map((version) => version.Key!), ...(listed.DeleteMarkers ?? []).map((marker) => `${marker.Key!} (marker)`)].sort()
}

/** A DeleteObjects request signed as the root user, with `headers` beside the signature's. */
async function rawDeleteObjects(bucket: string, xml: string, headers: Record<string, string> = {}) {
  const signed = await signRaw({ method: 'POST', target: `/${bucket}?delete`, headers: { host: `127.0.0.1:${server.port}`, ...headers }, body: xml }, { ...server.root, service: 's3', s3: true })
  const { responses } = await sendRaw(server.port, serializeRequest(signed), { responses: 1 })
  return responses[0]!
}

describe('DeleteObjects', () => {
  it('deletes every key named, reporting each one (absent keys count as deleted, as in S3)', async () => {
    await put('plain', 'a', 'b', 'c')
    const result = await s3.send(new DeleteObjectsCommand({ Bucket: 'plain', Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }, { Key: 'never-written' }] } }))
    expect(result.Deleted?.map((deleted) => deleted.Key).sort()).toEqual(['a', 'b', 'never-written'])
    expect(result.Errors).toBeUndefined()
    expect(await keysOf('plain')).toEqual(['c'])
  })

  it('adds delete markers in a versioned bucket and removes named versions, markers included', async () => {
    await put('versioned', 'doc')
    const marked = await s3.send(new DeleteObjectsCommand({ Bucket: 'versioned', Delete: { Objects: [{ Key: 'doc' }] } }))
    const marker = marked.Deleted![0]!
    expect(marker).toMatchObject({ Key: 'doc', DeleteMarker: true })
    expect(marker.DeleteMarkerVersionId).toEqual(expect.any(String))
    expect(await keysOf('versioned')).toEqual(['doc', 'doc (marker)'])
    const versionId = (await s3.send(new ListObjectVersionsCommand({ Bucket: 'versioned' }))).Versions![0]!.VersionId!
    const removed = await s3.send(new DeleteObjectsCommand({
      Bucket: 'versioned', Delete: { Objects: [{ Key: 'doc', VersionId: marker.DeleteMarkerVersionId! }, { Key: 'doc', VersionId: versionId }] },
    }))
    expect(removed.Deleted).toEqual([
      { Key: 'doc', VersionId: marker.DeleteMarkerVersionId, DeleteMarker: true, DeleteMarkerVersionId: marker.DeleteMarkerVersionId },
      { Key: 'doc', VersionId: versionId },
    ])
    expect(await keysOf('versioned')).toEqual([])
  })

  it('reports refused keys as AccessDenied errors beside the deleted ones; quiet mode lists only the errors', async () => {
    const carol = await createTestUser(server, 'carol')
    await rootClient(server).send(new PutUserPolicyCommand({
      UserName: 'carol', PolicyName: 'delete-public-only',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::plain/public/*' }] }),
    }))
    await put('plain', 'public/1', 'public/2', 'secret/1')
    const asCarol = s3Client(server, carol.credentials)
    const loud = await asCarol.send(new DeleteObjectsCommand({ Bucket: 'plain', Delete: { Objects: [{ Key: 'public/1' }, { Key: 'secret/1' }] } }))
    expect(loud.Deleted).toEqual([{ Key: 'public/1' }])
    expect(loud.Errors).toEqual([{ Key: 'secret/1', Code: 'AccessDenied', Message: expect.stringMatching(/not authorized|Access Denied/) }])
    const quiet = await asCarol.send(new DeleteObjectsCommand({ Bucket: 'plain', Delete: { Quiet: true, Objects: [{ Key: 'public/2' }, { Key: 'secret/1' }] } }))
    expect(quiet.Deleted).toBeUndefined()
    expect(quiet.Errors?.map((error) => [error.Key, error.Code])).toEqual([['secret/1', 'AccessDenied']])
    expect(await keysOf('plain')).toEqual(['c', 'secret/1'])
  })

  it('refuses more than 1,000 keys with MalformedXML and deletes nothing', async () => {
    await put('plain', 'k0')
    const objects = Array.from({ length: 1001 }, (_, index) => ({ Key: `k${index}` }))
    const error = await failure(s3.send(new DeleteObjectsCommand({ Bucket: 'plain', Delete: { Objects: objects } })))
    expect(error.name).toBe('MalformedXML')
    expect(error.$metadata.httpStatusCode).toBe(400)
    expect(await keysOf('plain')).toContain('k0')
  })

  it('requires Content-MD5 or an x-amz-checksum-* header (InvalidRequest without), and checks the one given', async () => {
    const xml = '<Delete><Object><Key>k0</Key></Object></Delete>'
    const missing = await rawDeleteObjects('plain', xml)
    expect(missing.status).toBe(400)
    expect(missing.body).toContain('<Code>InvalidRequest</Code>')
    expect(missing.body).toContain('<Message>Missing required header for this request: Content-MD5</Message>')
    const wrong = await rawDeleteObjects('plain', xml, { 'content-md5': createHash('md5').update('other').digest('base64') })
    expect(wrong.body).toContain('<Code>BadDigest</Code>')
    expect(await keysOf('plain')).toContain('k0')
    const withMd5 = await rawDeleteObjects('plain', xml, { 'content-md5': createHash('md5').update(xml).digest('base64') })
    expect(withMd5.status).toBe(200)
    expect(withMd5.body).toContain('<Deleted><Key>k0</Key></Deleted>')
    await put('plain', 'k0')
    const withSha256 = await rawDeleteObjects('plain', xml, { 'x-amz-checksum-sha256': createHash('sha256').update(xml).digest('base64') })
    expect(withSha256.status).toBe(200)
    expect(await keysOf('plain')).not.toContain('k0')
  })

  it.skipIf(!awsCliAvailable)('works from the AWS CLI (s3api delete-objects and s3 rm --recursive)', async () => {
    await put('plain', 'cli/1', 'cli/2', 'cli/3')
    const deleted = await awsCli(server.url, server.root, ['s3api', 'delete-objects', '--bucket', 'plain', '--delete', '{"Objects":[{"Key":"cli/1"}]}'])
    expect(deleted.code, deleted.stderr).toBe(0)
    expect(JSON.parse(deleted.stdout)).toEqual({ Deleted: [{ Key: 'cli/1' }] })
    const removed = await awsCli(server.url, server.root, ['s3', 'rm', 's3://plain/cli/', '--recursive'])
    expect(removed.code, removed.stderr).toBe(0)
    expect((await keysOf('plain')).filter((key) => key.startsWith('cli/'))).toEqual([])
  })
})

describe('InvalidArgument names the argument', () => {
  it('for an unknown canned ACL and a grant to an unknown id or group', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'acls' }))
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: 'acls', OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } }))
    const canned = await failure(s3.send(new PutBucketAclCommand({ Bucket: 'acls', ACL: 'everyone' as 'private' })))
    expect(canned.name).toBe('InvalidArgument')
    expect(canned).toMatchObject({ ArgumentName: 'x-amz-acl', ArgumentValue: 'everyone' })
    const group = await failure(s3.send(new PutBucketAclCommand({ Bucket: 'acls', GrantRead: 'uri="http://acs.amazonaws.com/groups/global/Nobody"' })))
    expect(group).toMatchObject({ name: 'InvalidArgument', ArgumentName: 'x-amz-grant-read', ArgumentValue: 'http://acs.amazonaws.com/groups/global/Nobody' })
    const id = await failure(s3.send(new PutBucketAclCommand({
      Bucket: 'acls',
      AccessControlPolicy: { Owner: { ID: 'f'.repeat(64) }, Grants: [] },
    })))
    expect(id).toMatchObject({ name: 'InvalidArgument', ArgumentName: 'CanonicalUser/ID', ArgumentValue: 'f'.repeat(64) })
  })
})
