// Object Ownership: Put/Get/DeleteBucketOwnershipControls (https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html).
import type { S3Api } from '../../../generated/s3/api.js'
import { setBucketConfig } from '../bucket-config.js'
import type { S3Deps } from '../s3-deps.js'
import { InvalidBucketAclWithObjectOwnershipError, MalformedAclError, OwnershipControlsNotFoundError } from './access-errors.js'
import { isOwnerOnlyAcl } from './acl.js'
import { bucketAcl } from './bucket-access.js'
import { ownedBucket } from './bucket-policies.js'
import { OWNERSHIP_VALUES, type ObjectOwnership } from './object-ownership.js'

export function ownershipControlsOperations(deps: S3Deps) {
  return {
    async PutBucketOwnershipControls(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      const rules = input.OwnershipControls.Rules
      if (rules.length !== 1 || !OWNERSHIP_VALUES.includes(rules[0]!.ObjectOwnership as ObjectOwnership)) throw new MalformedAclError()
      // Disabling ACLs is refused while the bucket ACL grants anyone but the owner
      // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-migrating-acls-prerequisites.html).
      if (rules[0]!.ObjectOwnership === 'BucketOwnerEnforced' && !isOwnerOnlyAcl(bucketAcl(bucket), bucket.ownerAccountId)) {
        throw new InvalidBucketAclWithObjectOwnershipError()
      }
      await setBucketConfig(deps, bucket.name, { ownership_controls: JSON.stringify({ Rules: [{ ObjectOwnership: rules[0]!.ObjectOwnership }] }) })
    },

    async GetBucketOwnershipControls(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      if (bucket.ownershipControls === undefined) throw new OwnershipControlsNotFoundError()
      return { OwnershipControls: bucket.ownershipControls as { Rules: { ObjectOwnership: ObjectOwnership }[] } }
    },

    async DeleteBucketOwnershipControls(input, ctx) {
      const bucket = ownedBucket(deps, input.Bucket, input.ExpectedBucketOwner, ctx)
      await setBucketConfig(deps, bucket.name, { ownership_controls: null })
    },
  } satisfies Partial<S3Api>
}
