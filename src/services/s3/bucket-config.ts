// setBucketConfig: how a bucket's configuration (policy, ACL, Block Public Access, ownership, encryption, tags,
// versioning) changes: written in its own transaction, then awaited in this process's bucket index, so the request
// after the call is already decided by the new configuration.
import { bucketStore, type BucketConfigPatch } from './bucket-store.js'
import type { S3Deps } from './s3-deps.js'

export async function setBucketConfig(deps: Pick<S3Deps, 'database' | 'buckets'>, bucketName: string, patch: BucketConfigPatch): Promise<void> {
  await deps.database.transaction((tx) => bucketStore(deps.database).updateBucketConfig(tx, bucketName, patch))
  await deps.buckets.settled()
}
