// Bucket policies: PutBucketPolicy (validated, refused when public under BlockPublicPolicy), GetBucketPolicy,
// DeleteBucketPolicy and GetBucketPolicyStatus (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html).
import type { OperationContext } from '../../../core/operation.js'
import type { S3Api } from '../../../generated/s3/api.js'
import { parsePolicy, policySizeWithoutWhitespace, PolicySyntaxError, type PolicyDocument } from '../../../policy/index.js'
import { requireBucket } from '../bucket-lookup.js'
import type { Bucket } from '../bucket-index.js'
import { setBucketConfig } from '../bucket-config.js'
import type { S3Deps } from '../s3-deps.js'
import { MalformedPolicyError, NoSuchBucketPolicyError, S3AccessDeniedError } from './access-errors.js'
import { blockFor, isBucketPolicyPublic } from './bucket-access.js'
import { isPublicPolicy } from './policy-status.js'
import { AwsError } from '../../../core/aws-error.js'

// "The maximum size of a policy is 20 KB" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html).
const MAX_POLICY_BYTES = 20 * 1024

export function bucketPolicyOperations(deps: S3Deps) {
  const { buckets } = deps

  return {
    async PutBucketPolicy(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      const document = validateBucketPolicy(input.Policy, bucket.name, ctx.partition)
      if (blockFor(bucket, buckets.account(bucket.ownerAccountId)).BlockPublicPolicy && isPublicPolicy(document)) {
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-options
        throw new S3AccessDeniedError('User: ' + ctx.caller.arn + ' is not authorized to perform: s3:PutBucketPolicy on resource: "arn:' +
          ctx.partition + ':s3:::' + bucket.name + '" because public policies are blocked by the BlockPublicPolicy block public access setting.')
      }
      await setBucketConfig(deps, bucket.name, { policy: input.Policy })
    },

    async GetBucketPolicy(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      if (!bucket.policy) throw new NoSuchBucketPolicyError()
      return { Policy: bucket.policy.text }
    },

    async DeleteBucketPolicy(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      await setBucketConfig(deps, bucket.name, { policy: null })
    },

    async GetBucketPolicyStatus(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      if (!bucket.policy) throw new NoSuchBucketPolicyError()
      return { PolicyStatus: { IsPublic: isBucketPolicyPublic(bucket) } }
    },
  } satisfies Partial<S3Api>
}

/**
 * Bucket configuration is the owner's: a caller of another account that IAM lets through gets 405 MethodNotAllowed
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html).
 */
export function ownedBucket(deps: S3Deps, name: string, expectedOwner: string | undefined, ctx: OperationContext): Bucket {
  const bucket = requireBucket(deps.buckets, name, expectedOwner)
  if (ctx.caller.accountId !== bucket.ownerAccountId) {
    throw new AwsError('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', { fields: { Method: 'PUT', ResourceType: 'BUCKETPOLICY' } })
  }
  return bucket
}

/**
 * A bucket policy S3 accepts: a resource policy (Principal required) of at most 20 KB whose resources all lie in
 * this bucket; anything else is MalformedPolicy with S3's or IAM's text.
 */
export function validateBucketPolicy(text: string, bucket: string, partition: string): PolicyDocument {
  if (policySizeWithoutWhitespace(text) > MAX_POLICY_BYTES) throw new MalformedPolicyError('Policies must be no more than 20480 bytes')
  let document: PolicyDocument
  try {
    document = parsePolicy(text, 'resource')
  } catch (error) {
    if (error instanceof PolicySyntaxError) throw new MalformedPolicyError(error.message)
    throw error
  }
  const bucketArn = `arn:${partition}:s3:::${bucket}`
  for (const statement of document.statements) {
    for (const resource of [...(statement.resource ?? []), ...(statement.notResource ?? [])]) {
      if (resource !== bucketArn && !resource.startsWith(`${bucketArn}/`)) throw new MalformedPolicyError('Policy has invalid resource')
    }
  }
  return document
}
