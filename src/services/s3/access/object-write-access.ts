// Who owns a newly written object and which ACL it gets, as Object Ownership says
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html): BucketOwnerEnforced — the
// bucket owner, ACLs disabled (only bucket-owner-full-control accepted); BucketOwnerPreferred — the bucket owner
// when the writer sends bucket-owner-full-control; ObjectWriter — the writer.
import type { OperationContext } from '../../../core/operation.js'
import type { Bucket } from '../bucket-index.js'
import type { S3Deps } from '../s3-deps.js'
import { AccessControlListNotSupportedError } from './access-errors.js'
import { requestedAcl, type AclRequest, type StoredAcl } from './acl.js'
import { checkAclAllowed } from './acls.js'
import { objectOwnership } from './object-ownership.js'

export interface ObjectWriteAccess {
  readonly ownerAccountId: string
  /** Undefined: the owner's FULL_CONTROL (and always so while ACLs are disabled). */
  readonly acl?: StoredAcl
}

export function objectWriteAccess(deps: S3Deps, bucket: Bucket, input: AclRequest, ctx: OperationContext): ObjectWriteAccess {
  const ownership = objectOwnership(bucket.ownershipControls)
  const bucketOwnerFullControl = input.ACL === 'bucket-owner-full-control'
  if (ownership === 'BucketOwnerEnforced') {
    const asksForAcl = input.ACL !== undefined || input.GrantFullControl !== undefined || input.GrantRead !== undefined ||
      input.GrantReadACP !== undefined || input.GrantWrite !== undefined || input.GrantWriteACP !== undefined || input.AccessControlPolicy !== undefined
    if (asksForAcl && !bucketOwnerFullControl && input.ACL !== 'private') throw new AccessControlListNotSupportedError()
    return { ownerAccountId: bucket.ownerAccountId }
  }
  const ownerAccountId = ownership === 'BucketOwnerPreferred' && bucketOwnerFullControl ? bucket.ownerAccountId : ctx.accountId
  const acl = requestedAcl(input, ownerAccountId, bucket.ownerAccountId)
  if (acl) checkAclAllowed(deps, bucket, acl)
  return { ownerAccountId, ...(acl && { acl }) }
}
