// Block Public Access settings: their stored form, the four flags in effect for a bucket (bucket OR account), and
// the default of a new bucket (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
import type { PublicAccessBlockConfiguration } from '../../../generated/s3/types.js'

export interface BlockPublicAccess {
  readonly BlockPublicAcls: boolean
  readonly IgnorePublicAcls: boolean
  readonly BlockPublicPolicy: boolean
  readonly RestrictPublicBuckets: boolean
}

/** New buckets have all four settings on (since April 2023). */
export const ALL_BLOCKED: BlockPublicAccess = Object.freeze({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true })
export const NONE_BLOCKED: BlockPublicAccess = Object.freeze({ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false })

/** A stored or requested configuration with every flag present (an absent flag is false, as S3 reports it). */
export function normalizeBlock(config: unknown): BlockPublicAccess {
  const value = (config ?? {}) as PublicAccessBlockConfiguration
  return {
    BlockPublicAcls: value.BlockPublicAcls === true,
    IgnorePublicAcls: value.IgnorePublicAcls === true,
    BlockPublicPolicy: value.BlockPublicPolicy === true,
    RestrictPublicBuckets: value.RestrictPublicBuckets === true,
  }
}

/** "S3 applies the most restrictive combination of the access point, bucket, and account settings." */
export function effectiveBlock(bucket: unknown, account: unknown): BlockPublicAccess {
  if (bucket === undefined && account === undefined) return NONE_BLOCKED
  const a = normalizeBlock(bucket)
  const b = normalizeBlock(account)
  return {
    BlockPublicAcls: a.BlockPublicAcls || b.BlockPublicAcls,
    IgnorePublicAcls: a.IgnorePublicAcls || b.IgnorePublicAcls,
    BlockPublicPolicy: a.BlockPublicPolicy || b.BlockPublicPolicy,
    RestrictPublicBuckets: a.RestrictPublicBuckets || b.RestrictPublicBuckets,
  }
}
