// Object Ownership: whether a bucket's ACLs are in force (https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html).
import type { OwnershipControls } from '../../../generated/s3/types.js'

export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter'
export const OWNERSHIP_VALUES: readonly ObjectOwnership[] = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']

/** New buckets default to BucketOwnerEnforced (ACLs disabled). */
export const DEFAULT_OWNERSHIP: ObjectOwnership = 'BucketOwnerEnforced'

/**
 * The setting a bucket's stored controls give. A bucket whose controls were deleted behaves as ObjectWriter, as in
 * S3 (GetBucketOwnershipControls then answers OwnershipControlsNotFoundError).
 */
export function objectOwnership(stored: unknown): ObjectOwnership {
  const rule = (stored as OwnershipControls | undefined)?.Rules?.[0]?.ObjectOwnership
  return rule === 'BucketOwnerEnforced' || rule === 'BucketOwnerPreferred' || rule === 'ObjectWriter' ? rule : 'ObjectWriter'
}

export function aclsEnabled(stored: unknown): boolean {
  return objectOwnership(stored) !== 'BucketOwnerEnforced'
}
