// E2E support for the trail suites: SDK clients for a started Palisade and a bucket with CloudTrail's documented
// bucket policy (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html).
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail'
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3'
import { gunzipSync } from 'node:zlib'

interface Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

interface Server {
  readonly url: string
  readonly root: Credentials
}

export function cloudTrailClient(server: Server, credentials: Credentials = server.root): CloudTrailClient {
  return new CloudTrailClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 })
}

export function s3Client(server: Server, credentials: Credentials = server.root): S3Client {
  return new S3Client({ endpoint: server.url, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 })
}

/** The policy AWS documents for a trail's bucket: CloudTrail may read the ACL and write under AWSLogs/ACCOUNT/. */
export function trailBucketPolicy(bucket: string, account: string, trailName: string, prefix?: string): string {
  const sourceArn = `arn:aws:cloudtrail:us-east-1:${account}:trail/${trailName}`
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl',
        Resource: `arn:aws:s3:::${bucket}`, Condition: { StringEquals: { 'aws:SourceArn': sourceArn } },
      },
      {
        Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/${account}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': sourceArn } },
      },
    ],
  })
}

/** Creates `bucket`, with the trail bucket policy for `trailName` unless `policy` is false. */
export async function trailBucket(s3: S3Client, bucket: string, account: string, trailName: string, policy = true): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  if (policy) await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: trailBucketPolicy(bucket, account, trailName) }))
}

export async function listKeys(s3: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))
  return (listed.Contents ?? []).map((object) => object.Key!).sort()
}

/** A gzipped JSON object's content, and its user metadata. */
export async function readGzipJson<T>(s3: S3Client, bucket: string, key: string): Promise<{ json: T; metadata: Record<string, string>; encryption?: string; kmsKeyId?: string }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  const bytes = await object.Body!.transformToByteArray()
  return {
    json: JSON.parse(gunzipSync(bytes).toString('utf8')) as T,
    metadata: object.Metadata ?? {},
    ...(object.ServerSideEncryption && { encryption: object.ServerSideEncryption }),
    ...(object.SSEKMSKeyId && { kmsKeyId: object.SSEKMSKeyId }),
  }
}
