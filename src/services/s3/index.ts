// The S3 service: buckets, objects, versions, multipart uploads and tags; the bucket index the authorization table
// reads; object bytes on disk, encrypted at rest. Operations without a module here answer NotImplemented (501).
import type { S3Api } from '../../generated/s3/api.js'
import { accessOperations } from './access/index.js'
import { bucketOperations } from './bucket-operations.js'
import { objectOperations } from './object-operations.js'
import { listOperations } from './list-objects.js'
import { copyObjectOperations } from './copy-object.js'
import { objectTaggingOperations } from './object-tagging.js'
import { multipartOperations } from './multipart.js'
import { objectAttributeOperations } from './object-attributes.js'
import { bucketEncryptionOperations } from './encryption/bucket-encryption.js'
import type { S3Deps } from './s3-deps.js'
import { s3AuthorizationWithObjects } from './authorization.js'
import { withObjectAuthorization } from './access/object-authorization.js'

export { loadBucketIndex, type Bucket, type BucketIndex, type BucketPolicy, type AccountS3Settings } from './bucket-index.js'
export { bucketStore, S3_BUCKETS_CHANGED, type BucketConfigPatch, type BucketStore } from './bucket-store.js'
export { requireBucket } from './bucket-lookup.js'
export { ownerOf } from './owner.js'
export { canonicalUserId } from './access/canonical-user.js'
export { objectStore, type StoredObject } from './object-store.js'
export { objectCipher, type CipherEnvelope, type ObjectCipher, type SealSetting } from './encryption/object-cipher.js'
export { openS3Storage, type S3Storage } from './s3-storage.js'
export { s3Authorization } from './authorization.js'
export { cloudTrailDelivery, DeliveryRefusedError, trailBucketPolicy, type DeliveryPort, type DeliveryRefusal, type ServiceDelivery } from './delivery.js'
export { accountPublicAccessBlockAuthorization as s3controlAuthorization, accountPublicAccessBlockOperations as s3controlService } from './access/account-public-access-block.js'
export type { S3Deps } from './s3-deps.js'

/** The implemented operations; S3-security's modules (policies, ACLs, Block Public Access, encryption) join here. */
export function s3Service(deps: S3Deps): Partial<S3Api> {
  // Operations decided on the object they name (its ACL and tags) are authorized once it is looked up.
  return withObjectAuthorization({
    ...bucketOperations(deps),
    ...objectOperations(deps),
    ...listOperations(deps),
    ...copyObjectOperations(deps),
    ...objectTaggingOperations(deps),
    ...multipartOperations(deps),
    ...objectAttributeOperations(deps),
    ...accessOperations(deps),
    ...bucketEncryptionOperations(deps),
  }, deps, s3AuthorizationWithObjects(deps.buckets).objectTarget)
}
