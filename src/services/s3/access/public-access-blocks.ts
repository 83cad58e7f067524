// Block Public Access at bucket level: PutPublicAccessBlock, GetPublicAccessBlock, DeletePublicAccessBlock
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html).
import type { S3Api } from '../../../generated/s3/api.js'
import { setBucketConfig } from '../bucket-config.js'
import type { S3Deps } from '../s3-deps.js'
import { NoSuchPublicAccessBlockConfigurationError } from './access-errors.js'
import { ownedBucket } from './bucket-policies.js'
import { normalizeBlock } from './public-access-block.js'

export function publicAccessBlockOperations(deps: S3Deps) {
  return {
    async PutPublicAccessBlock(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      const block = normalizeBlock(input.PublicAccessBlockConfiguration)
      await setBucketConfig(deps, bucket.name, { public_access_block: JSON.stringify(block) })
    },

    async GetPublicAccessBlock(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      if (bucket.publicAccessBlock === undefined) throw new NoSuchPublicAccessBlockConfigurationError()
      return { PublicAccessBlockConfiguration: normalizeBlock(bucket.publicAccessBlock) }
    },

    async DeletePublicAccessBlock(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      await setBucketConfig(deps, bucket.name, { public_access_block: null })
    },
  } satisfies Partial<S3Api>
}
