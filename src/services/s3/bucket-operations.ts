// Bucket lifecycle: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation, bucket tags, versioning.
import { AwsError } from '../../core/aws-error.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import { BucketAlreadyExists, BucketAlreadyOwnedByYou } from '../../generated/s3/errors.js'
import type { S3Api } from '../../generated/s3/api.js'
import type { BucketLocationConstraint } from '../../generated/s3/types.js'
import { newBucketAccessColumns } from './access/index.js'
import { requireBucket } from './bucket-lookup.js'
import { isValidNewBucketName } from './bucket-names.js'
import { setBucketConfig } from './bucket-config.js'
import { bucketStore } from './bucket-store.js'
import { objectStore } from './object-store.js'
import { ownerOf } from './owner.js'
import { abortUploadsOf } from './multipart-store.js'
import type { S3Deps } from './s3-deps.js'
import { invalidBucketName, invalidRequest } from './s3-errors.js'
import { MAX_BUCKET_TAGS, tagMap, tagSet } from './tags.js'

/** ListBuckets pages: AWS's default and maximum MaxBuckets (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html). */
const MAX_BUCKETS_PER_PAGE = 10_000

export function bucketOperations(deps: S3Deps) {
  const { database, buckets, clock } = deps
  const store = bucketStore(database)

  return {
    async CreateBucket(input, ctx) {
      if (!isValidNewBucketName(input.Bucket)) throw invalidBucketName(input.Bucket)
      checkLocationConstraint(input.CreateBucketConfiguration?.LocationConstraint, ctx.region)
      const existing = buckets.get(input.Bucket)
      if (existing) return answerExisting(existing.ownerAccountId === ctx.accountId, input.Bucket, ctx.region)
      try {
        await database.transaction((tx) => store.insertBucket(tx, {
          name: input.Bucket, account_id: ctx.accountId, region: ctx.region, created_at: clock.now().toISOString(), versioning: '',
          policy: null, encryption: null, tags: null, ...newBucketAccessColumns(input, ctx.accountId),
        }))
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error
        await buckets.settled()
        return answerExisting(buckets.get(input.Bucket)?.ownerAccountId === ctx.accountId, input.Bucket, ctx.region)
      }
      await buckets.settled()
      return { Location: `/${input.Bucket}` }
    },

    async HeadBucket(input) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      return { BucketRegion: bucket.region, AccessPointAlias: false }
    },

    async DeleteBucket(input) {
      requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const freed = await database.transaction(async (tx) => {
        // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html: every object, version and delete
        // marker must be deleted first.
        if (await objectStore(tx).bucketHasObjects(input.Bucket)) {
          throw new AwsError('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty', { fields: { BucketName: input.Bucket } })
        }
        const files = await abortUploadsOf(tx, input.Bucket)
        await store.deleteBucket(tx, input.Bucket)
        return files
      })
      await deps.files.remove(freed)
      await buckets.settled()
    },

    async ListBuckets(input, ctx) {
      const limit = input.MaxBuckets ?? MAX_BUCKETS_PER_PAGE
      if (limit < 1 || limit > MAX_BUCKETS_PER_PAGE) throw invalidRequest('MaxBuckets must be between 1 and 10000')
      const after = input.ContinuationToken === undefined ? '' : Buffer.from(input.ContinuationToken, 'base64url').toString('utf8')
      const owned = buckets.ownedBy(ctx.accountId)
        .filter((bucket) => bucket.name > after && (input.Prefix === undefined || bucket.name.startsWith(input.Prefix)))
        .filter((bucket) => input.BucketRegion === undefined || bucket.region === input.BucketRegion)
      const page = owned.slice(0, limit)
      const more = owned.length > limit
      return {
        Buckets: page.map((bucket) => ({ Name: bucket.name, CreationDate: bucket.createdAt, BucketRegion: bucket.region })),
        Owner: ownerOf(ctx.accountId),
        ...(input.Prefix !== undefined && { Prefix: input.Prefix }),
        ...(more && { ContinuationToken: Buffer.from(page.at(-1)!.name).toString('base64url') }),
      }
    },

    async GetBucketLocation(input) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      // us-east-1 buckets report no LocationConstraint (an empty element).
      return bucket.region === 'us-east-1' ? {} : { LocationConstraint: bucket.region as BucketLocationConstraint }
    },

    async PutBucketTagging(input) {
      requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const tags = tagMap(input.Tagging.TagSet, MAX_BUCKET_TAGS)
      await setBucketConfig(deps, input.Bucket, { tags: JSON.stringify(tags) })
    },

    async GetBucketTagging(input) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      if (!bucket.tags) throw new AwsError('NoSuchTagSet', 404, 'The TagSet does not exist', { fields: { BucketName: input.Bucket } })
      return { TagSet: tagSet(bucket.tags) }
    },

    async DeleteBucketTagging(input) {
      requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      await setBucketConfig(deps, input.Bucket, { tags: null })
    },

    async PutBucketVersioning(input) {
      requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      const { Status, MFADelete } = input.VersioningConfiguration
      // MFA delete needs the root user's MFA device serial and code in x-amz-mfa; Palisade does not offer it.
      if (MFADelete === 'Enabled') throw new AwsError('NotImplemented', 501, 'MFA delete is not supported by Palisade.')
      if (Status === undefined) return // no change, as S3 treats an empty configuration
      await setBucketConfig(deps, input.Bucket, { versioning: Status })
    },

    async GetBucketVersioning(input) {
      const bucket = requireBucket(buckets, input.Bucket, input.ExpectedBucketOwner)
      return bucket.versioning === undefined ? {} : { Status: bucket.versioning }
    },
  } satisfies Partial<S3Api>
}

/**
 * The Region comes from the endpoint (the credential scope): a LocationConstraint must name it, except in
 * us-east-1, where none is given (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html).
 */
function checkLocationConstraint(constraint: string | undefined, region: string): void {
  if (region === 'us-east-1') {
    if (constraint !== undefined && constraint !== '' && constraint !== 'us-east-1') throw illegalConstraint(constraint)
    if (constraint === 'us-east-1') throw new AwsError('InvalidLocationConstraint', 400, 'The specified location-constraint is not valid', { fields: { LocationConstraint: constraint } })
    return
  }
  if (constraint === undefined || constraint === '') throw illegalConstraint('unspecified')
  if (constraint !== region) throw illegalConstraint(constraint)
}

function illegalConstraint(constraint: string): AwsError {
  return new AwsError('IllegalLocationConstraintException', 400, `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`)
}

// In us-east-1, re-creating a bucket you own succeeds for legacy compatibility (the API reference's
// BucketAlreadyOwnedByYou); Palisade keeps the existing bucket unchanged.
function answerExisting(ownedByCaller: boolean, bucket: string, region: string): { Location: string } {
  if (ownedByCaller) {
    if (region === 'us-east-1') return { Location: `/${bucket}` }
    throw new BucketAlreadyOwnedByYou('Your previous request to create the named bucket succeeded and you already own it.', { BucketName: bucket })
  }
  throw new BucketAlreadyExists('The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.', { BucketName: bucket })
}
