// requireBucket: the bucket a request names, or S3's NoSuchBucket; and the ExpectedBucketOwner check.
import { AccessDenied } from '../../generated/s3/errors.js'
import type { Bucket, BucketIndex } from './bucket-index.js'
import { noSuchBucket } from './s3-errors.js'

export function requireBucket(buckets: BucketIndex, name: string, expectedOwner?: string): Bucket {
  const bucket = buckets.get(name)
  if (!bucket) throw noSuchBucket(name)
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html: a mismatch is a 403.
  if (expectedOwner !== undefined && expectedOwner !== bucket.ownerAccountId) throw new AccessDenied('Access Denied')
  return bucket
}
