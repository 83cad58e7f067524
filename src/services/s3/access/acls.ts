// ACL operations: Put/GetBucketAcl and Put/GetObjectAcl. With Object Ownership BucketOwnerEnforced, ACLs are
// disabled: reads show the owner's FULL_CONTROL and writes other than that fail with AccessControlListNotSupported
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html).
import type { S3Api } from '../../../generated/s3/api.js'
import { requireBucket } from '../bucket-lookup.js'
import type { Bucket } from '../bucket-index.js'
import { setBucketConfig } from '../bucket-config.js'
import { objectStore, type StoredObject } from '../object-store.js'
import type { S3Deps } from '../s3-deps.js'
import { noSuchKey, noSuchVersion } from '../s3-errors.js'
import { AccessControlListNotSupportedError, S3AccessDeniedError } from './access-errors.js'
import { isOwnerOnlyAcl, isPublicAcl, privateAcl, requestedAcl, toAccessControlPolicy, type AclRequest, type StoredAcl } from './acl.js'
import { blockFor, bucketAcl, isStoredAcl } from './bucket-access.js'
import { aclsEnabled } from './object-ownership.js'
import { invalidRequest } from '../s3-errors.js'

export function aclOperations(deps: S3Deps) {
  const { database, buckets } = deps

  return {
    async PutBucketAcl(input) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const acl = requiredAcl(input, bucket.ownerAccountId, bucket.ownerAccountId)
      checkAclAllowed(deps, bucket, acl)
      await setBucketConfig(deps, bucket.name, { acl: JSON.stringify(acl) })
    },

    async GetBucketAcl(input) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const acl = aclsEnabled(bucket.ownershipControls) ? bucketAcl(bucket) : privateAcl(bucket.ownerAccountId)
      return toAccessControlPolicy(acl)
    },

    async PutObjectAcl(input) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const object = await requireObject(deps, bucket.name, input.Key, input.VersionId)
      const acl = requiredAcl(input, object.ownerAccountId, bucket.ownerAccountId)
      checkAclAllowed(deps, bucket, acl)
      await database.transaction((tx) => objectStore(tx).setAcl(bucket.name, input.Key, object.versionId, acl))
      return {}
    },

    async GetObjectAcl(input) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const object = await requireObject(deps, bucket.name, input.Key, input.VersionId)
      return toAccessControlPolicy(objectAcl(bucket, object))
    },
  } satisfies Partial<S3Api>
}

/** The ACL in force for an object: its own while ACLs are enabled, else the bucket owner's FULL_CONTROL. */
export function objectAcl(bucket: Bucket, object: StoredObject): StoredAcl {
  if (!aclsEnabled(bucket.ownershipControls)) return privateAcl(bucket.ownerAccountId)
  return isStoredAcl(object.acl) ? object.acl : privateAcl(object.ownerAccountId)
}

/**
 * Whether `acl` may be set on `bucket` (or its objects): with ACLs disabled only the owner's FULL_CONTROL
 * (bucket-owner-full-control) is accepted; BlockPublicAcls refuses a public ACL with AccessDenied.
 */
export function checkAclAllowed(deps: S3Deps, bucket: Bucket, acl: StoredAcl): void {
  if (!aclsEnabled(bucket.ownershipControls) && !isOwnerOnlyAcl(acl, bucket.ownerAccountId)) throw new AccessControlListNotSupportedError()
  if (isPublicAcl(acl) && blockFor(bucket, deps.buckets.account(bucket.ownerAccountId)).BlockPublicAcls) throw new S3AccessDeniedError()
}

function requiredAcl(input: AclRequest, owner: string, bucketOwner: string): StoredAcl {
  const acl = requestedAcl(input, owner, bucketOwner)
  if (!acl) throw invalidRequest('Neither an ACL nor grants were given in the request')
  return acl
}

async function requireObject(deps: S3Deps, bucket: string, key: string, versionId: string | undefined): Promise<StoredObject> {
  const store = objectStore(deps.database.db)
  const object = versionId === undefined ? await store.latest(bucket, key) : await store.version(bucket, key, versionId)
  if (!object || object.isDeleteMarker) throw versionId === undefined ? noSuchKey(key) : noSuchVersion(key, versionId)
  return object
}
