// Default bucket encryption: Put/Get/DeleteBucketEncryption. Every bucket encrypts with SSE-S3 unless configured
// otherwise, so Get answers AES256 for a bucket never configured and Delete returns it to that
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html).
import type { S3Api } from '../../../generated/s3/api.js'
import type { ServerSideEncryptionConfiguration, ServerSideEncryptionRule } from '../../../generated/s3/types.js'
import { ownedBucket } from '../access/bucket-policies.js'
import type { Bucket } from '../bucket-index.js'
import { setBucketConfig } from '../bucket-config.js'
import type { S3Deps } from '../s3-deps.js'
import { invalidArgument, malformedXml } from '../s3-errors.js'

const SSE_S3_DEFAULT: ServerSideEncryptionRule = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }

export function bucketEncryptionOperations(deps: S3Deps) {
  return {
    async PutBucketEncryption(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      const rule = validRule(input.ServerSideEncryptionConfiguration)
      await setBucketConfig(deps, bucket.name, { encryption: JSON.stringify({ Rules: [rule] }) })
    },

    async GetBucketEncryption(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      return { ServerSideEncryptionConfiguration: { Rules: [defaultEncryption(bucket)] } }
    },

    async DeleteBucketEncryption(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      await setBucketConfig(deps, bucket.name, { encryption: null })
    },
  } satisfies Partial<S3Api>
}

/** The rule new objects of the bucket are encrypted by when a write names no encryption. */
export function defaultEncryption(bucket: Bucket): ServerSideEncryptionRule {
  return (bucket.encryption as ServerSideEncryptionConfiguration | undefined)?.Rules?.[0] ?? SSE_S3_DEFAULT
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
function validRule(config: ServerSideEncryptionConfiguration): ServerSideEncryptionRule {
  if (config.Rules.length !== 1) throw malformedXml()
  const rule = config.Rules[0]!
  const byDefault = rule.ApplyServerSideEncryptionByDefault
  if (!byDefault) throw malformedXml()
  const algorithm = byDefault.SSEAlgorithm
  if (algorithm !== 'AES256' && algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') throw invalidArgument('Invalid server side encryption algorithm', 'SSEAlgorithm', algorithm)
  if (byDefault.KMSMasterKeyID !== undefined && algorithm === 'AES256') {
    throw invalidArgument('a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse', 'ApplyServerSideEncryptionByDefault', byDefault.KMSMasterKeyID)
  }
  return {
    ApplyServerSideEncryptionByDefault: { SSEAlgorithm: algorithm, ...(byDefault.KMSMasterKeyID !== undefined && { KMSMasterKeyID: byDefault.KMSMasterKeyID }) },
    BucketKeyEnabled: rule.BucketKeyEnabled === true,
  }
}
