// Cross-account S3 access needs both sides: the bucket policy must name the other account (or its principal) and,
// for that account's IAM users, their own identity policies must allow too
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
import { PutObjectAclCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, ListObjectsV2Command, UploadPartCommand, DeleteBucketPolicyCommand, GetBucketPolicyCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3'
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalUserId } from '../../src/services/s3/access/canonical-user.js'
import { iam, INVITED, MANAGEMENT, startTwoAccountPalisade, type Credentials, type TwoAccountPalisade } from '../organizations/enforcement-support.js'
import { s3Client } from './s3-support.js'

let server: TwoAccountPalisade
let owner: S3Client
let otherRoot: S3Client
let erin: S3Client

const client = (credentials: Credentials) => s3Client(server, credentials)

beforeAll(async () => {
  server = await startTwoAccountPalisade()
  owner = client(server.managementRoot)
  otherRoot = client(server.invitedRoot)
  // An IAM user of the other account, with no policy yet.
  const otherIam = iam(server, server.invitedRoot)
  await otherIam.send(new CreateUserCommand({ UserName: 'erin' }))
  const key = (await otherIam.send(new CreateAccessKeyCommand({ UserName: 'erin' }))).AccessKey!
  erin = client({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! })
  await owner.send(new CreateBucketCommand({ Bucket: 'xacct-data' }))
  await owner.send(new PutObjectCommand({ Bucket: 'xacct-data', Key: 'report.csv', Body: 'a,b\n1,2\n' }))
})
afterAll(async () => server.stop())

async function denied(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(() => undefined, (thrown: unknown) => thrown)
  expect(error).toBeInstanceOf(S3ServiceException)
  expect((error as S3ServiceException).name).toBe('AccessDenied')
  expect((error as S3ServiceException).$metadata.httpStatusCode).toBe(403)
}

const read = (s3: S3Client) => s3.send(new GetObjectCommand({ Bucket: 'xacct-data', Key: 'report.csv' })).then((out) => out.Body!.transformToString())

describe('cross-account access to a bucket', () => {
  it('is denied to another account, even its root user, without a bucket policy', async () => {
    await denied(read(otherRoot))
  })

  it('is allowed to the other account\'s root once the bucket policy names the account, but not to its users without their own allow', async () => {
    await owner.send(new PutBucketPolicyCommand({
      Bucket: 'xacct-data',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${INVITED}:root` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::xacct-data/*' }] }),
    }))
    expect(await read(otherRoot)).toBe('a,b\n1,2\n')
    await denied(read(erin))
  })

  it('is allowed to the user once its own account grants it too, and denied again when the bucket policy goes', async () => {
    await iam(server, server.invitedRoot).send(new PutUserPolicyCommand({
      UserName: 'erin', PolicyName: 'read-partner-bucket',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::xacct-data/*' }] }),
    }))
    expect(await read(erin)).toBe('a,b\n1,2\n')
    await owner.send(new DeleteBucketPolicyCommand({ Bucket: 'xacct-data' }))
    await denied(read(erin))
  })

  it('lets a copy read another account\'s object only while that bucket\'s policy grants it', async () => {
    await otherRoot.send(new CreateBucketCommand({ Bucket: 'xacct-dest' }))
    await iam(server, server.invitedRoot).send(new PutUserPolicyCommand({
      UserName: 'erin', PolicyName: 'read-partner-bucket',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::xacct-data/*' },
        { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::xacct-dest/*' },
      ] }),
    }))
    const copy = () => erin.send(new CopyObjectCommand({ Bucket: 'xacct-dest', Key: 'copy.csv', CopySource: 'xacct-data/report.csv' }))
    // No bucket policy on the source: erin's own allow is not enough across accounts.
    await denied(copy())
    await owner.send(new PutBucketPolicyCommand({
      Bucket: 'xacct-data',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${INVITED}:root` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::xacct-data/*' }] }),
    }))
    await copy()
    expect(await erin.send(new GetObjectCommand({ Bucket: 'xacct-dest', Key: 'copy.csv' })).then(() => 'read', () => 'denied')).toBe('denied') // no s3:GetObject on xacct-dest
    expect(await otherRoot.send(new GetObjectCommand({ Bucket: 'xacct-dest', Key: 'copy.csv' })).then((out) => out.Body!.transformToString())).toBe('a,b\n1,2\n')
    await owner.send(new DeleteBucketPolicyCommand({ Bucket: 'xacct-data' }))
  })

  it('gives objects another account writes to the bucket owner under BucketOwnerEnforced, and to the writer under ObjectWriter', async () => {
    const grantWrite = (bucket: string) => owner.send(new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${INVITED}:root` }, Action: ['s3:PutObject', 's3:GetObject'], Resource: `arn:aws:s3:::${bucket}/*` }] }),
    }))
    await owner.send(new CreateBucketCommand({ Bucket: 'xacct-enforced' }))
    await owner.send(new CreateBucketCommand({ Bucket: 'xacct-writer', ObjectOwnership: 'ObjectWriter' }))
    await grantWrite('xacct-enforced')
    await grantWrite('xacct-writer')
    await otherRoot.send(new PutObjectCommand({ Bucket: 'xacct-enforced', Key: 'put.txt', Body: 'p' }))
    await otherRoot.send(new CopyObjectCommand({ Bucket: 'xacct-enforced', Key: 'copy.txt', CopySource: 'xacct-enforced/put.txt' }))
    const upload = await otherRoot.send(new CreateMultipartUploadCommand({ Bucket: 'xacct-enforced', Key: 'multi.txt' }))
    const part = await otherRoot.send(new UploadPartCommand({ Bucket: 'xacct-enforced', Key: 'multi.txt', UploadId: upload.UploadId!, PartNumber: 1, Body: 'm' }))
    await otherRoot.send(new CompleteMultipartUploadCommand({ Bucket: 'xacct-enforced', Key: 'multi.txt', UploadId: upload.UploadId!, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] } }))
    await otherRoot.send(new PutObjectCommand({ Bucket: 'xacct-writer', Key: 'put.txt', Body: 'p' }))
    const owners = async (bucket: string) => Object.fromEntries(((await owner.send(new ListObjectsV2Command({ Bucket: bucket, FetchOwner: true }))).Contents ?? []).map((object) => [object.Key, object.Owner?.ID]))
    expect(await owners('xacct-enforced')).toEqual({ 'copy.txt': canonicalUserId(MANAGEMENT), 'multi.txt': canonicalUserId(MANAGEMENT), 'put.txt': canonicalUserId(MANAGEMENT) })
    expect(await owners('xacct-writer')).toEqual({ 'put.txt': canonicalUserId(INVITED) })

    // The writer's object is the writer's: the bucket owner reads it only once its ACL grants the bucket owner.
    await denied(owner.send(new GetObjectCommand({ Bucket: 'xacct-writer', Key: 'put.txt' })))
    await otherRoot.send(new PutObjectAclCommand({ Bucket: 'xacct-writer', Key: 'put.txt', ACL: 'bucket-owner-full-control' }))
    expect(await (await owner.send(new GetObjectCommand({ Bucket: 'xacct-writer', Key: 'put.txt' }))).Body!.transformToString()).toBe('p')
  })

  it('keeps bucket policy operations to the owner: another account is denied writing it and refused reading it even when the policy allows', async () => {
    await owner.send(new PutBucketPolicyCommand({
      Bucket: 'xacct-data',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${INVITED}:root` }, Action: 's3:GetBucketPolicy', Resource: 'arn:aws:s3:::xacct-data' }] }),
    }))
    const error = await otherRoot.send(new PutBucketPolicyCommand({ Bucket: 'xacct-data', Policy: '{}' })).then(() => undefined, (thrown: unknown) => thrown)
    expect((error as S3ServiceException).name).toBe('AccessDenied')
    // Allowed by IAM and the bucket policy, but not the owner: 405 MethodNotAllowed.
    const refused = await otherRoot.send(new GetBucketPolicyCommand({ Bucket: 'xacct-data' })).then(() => undefined, (thrown: unknown) => thrown)
    expect((refused as S3ServiceException).name).toBe('MethodNotAllowed')
    expect((refused as S3ServiceException).$metadata.httpStatusCode).toBe(405)
  })
})
