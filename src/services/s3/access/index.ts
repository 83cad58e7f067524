// S3 access control: bucket policies, Block Public Access, Object Ownership and ACLs; and the settings a new bucket
// starts with.
import type { CreateBucketRequest } from '../../../generated/s3/types.js'
import type { S3Deps } from '../s3-deps.js'
import { InvalidBucketAclWithObjectOwnershipError, S3AccessDeniedError } from './access-errors.js'
import { isOwnerOnlyAcl, isPublicAcl, privateAcl, requestedAcl } from './acl.js'
import { aclOperations } from './acls.js'
import { bucketPolicyOperations } from './bucket-policies.js'
import { DEFAULT_OWNERSHIP, OWNERSHIP_VALUES, type ObjectOwnership } from './object-ownership.js'
import { ownershipControlsOperations } from './ownership-controls.js'
import { ALL_BLOCKED } from './public-access-block.js'
import { publicAccessBlockOperations } from './public-access-blocks.js'
import { invalidRequest } from '../s3-errors.js'

export function accessOperations(deps: S3Deps) {
  return {
    ...bucketPolicyOperations(deps),
    ...publicAccessBlockOperations(deps),
    ...ownershipControlsOperations(deps),
    ...aclOperations(deps),
  }
}

/**
 * The access columns of a new bucket: Block Public Access all on, Object Ownership BucketOwnerEnforced unless the
 * request says otherwise, and the ACL it asks for (https://docs.aws.amazon.com/AmazonS3/latest/userguide/create-bucket-faq.html).
 * A public ACL is refused, since the new bucket blocks public ACLs; any ACL but the owner's under
 * BucketOwnerEnforced is InvalidBucketAclWithObjectOwnership.
 */
export function newBucketAccessColumns(input: CreateBucketRequest, ownerAccountId: string): { acl: string; public_access_block: string; ownership_controls: string } {
  const ownership = (input.ObjectOwnership ?? DEFAULT_OWNERSHIP) as ObjectOwnership
  if (!OWNERSHIP_VALUES.includes(ownership)) throw invalidRequest('Invalid x-amz-object-ownership header')
  const acl = requestedAcl(input, ownerAccountId, ownerAccountId) ?? privateAcl(ownerAccountId)
  if (ownership === 'BucketOwnerEnforced' && !isOwnerOnlyAcl(acl, ownerAccountId)) {
    throw new InvalidBucketAclWithObjectOwnershipError()
  }
  if (isPublicAcl(acl)) throw new S3AccessDeniedError()
  return {
    acl: JSON.stringify(acl),
    public_access_block: JSON.stringify(ALL_BLOCKED),
    ownership_controls: JSON.stringify({ Rules: [{ ObjectOwnership: ownership }] }),
  }
}
