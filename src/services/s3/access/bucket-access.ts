// The resource policies S3 weighs for a call on a bucket: its bucket policy and its ACLs as policy statements, as
// Block Public Access and Object Ownership leave them (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
import type { ResourcePolicies } from '../../../core/authorization-target.js'
import type { Caller } from '../../../core/caller.js'
import { compilePolicy, parsePolicy, type CompiledPolicy } from '../../../policy/index.js'
import type { AccountS3Settings, Bucket } from '../bucket-index.js'
import { privateAcl, type StoredAcl } from './acl.js'
import { bucketAclPolicy } from './acl-policy.js'
import { aclsEnabled } from './object-ownership.js'
import { isPublicPolicy } from './policy-status.js'
import { effectiveBlock, type BlockPublicAccess } from './public-access-block.js'

/** What is derived once per loaded bucket (the index replaces the object when the bucket changes). */
interface BucketView {
  readonly policyIsPublic: boolean
  /** The bucket policy's Deny statements alone: what still applies to outsiders under RestrictPublicBuckets. */
  readonly denyOnly?: CompiledPolicy
  readonly acl: StoredAcl
  readonly aclPolicy?: CompiledPolicy
  readonly aclPolicyWithoutPublic?: CompiledPolicy
}

const views = new WeakMap<Bucket, BucketView>()

export function blockFor(bucket: Bucket, account: AccountS3Settings | undefined): BlockPublicAccess {
  return effectiveBlock(bucket.publicAccessBlock, account?.publicAccessBlock)
}

/** The bucket's stored ACL, or the owner's FULL_CONTROL when none was stored. */
export function bucketAcl(bucket: Bucket): StoredAcl {
  return viewOf(bucket, 'aws').acl
}

export function isBucketPolicyPublic(bucket: Bucket): boolean {
  return bucket.policy !== undefined && viewOf(bucket, 'aws').policyIsPublic
}

/**
 * The bucket's resource policies for `caller`. RestrictPublicBuckets: a public bucket policy grants nothing to
 * anonymous or cross-account callers (its denies still apply). IgnorePublicAcls: grants to AllUsers and
 * AuthenticatedUsers count for nothing. ACLs count only while Object Ownership leaves them enabled.
 * `objectAcl` adds an object's ACL (already compiled, for the object the call names).
 */
export function bucketResourcePolicies(
  bucket: Bucket,
  account: AccountS3Settings | undefined,
  caller: Caller,
  partition: string,
  objectAcl?: CompiledPolicy,
): ResourcePolicies {
  const view = viewOf(bucket, partition)
  const block = blockFor(bucket, account)
  const policies: CompiledPolicy[] = []
  if (bucket.policy) {
    const outsider = caller.type === 'Anonymous' || caller.accountId !== bucket.ownerAccountId
    if (block.RestrictPublicBuckets && view.policyIsPublic && outsider) {
      if (view.denyOnly) policies.push(view.denyOnly)
    } else {
      policies.push(bucket.policy.compiled)
    }
  }
  if (aclsEnabled(bucket.ownershipControls)) {
    const aclPolicy = block.IgnorePublicAcls ? view.aclPolicyWithoutPublic : view.aclPolicy
    if (aclPolicy) policies.push(aclPolicy)
    if (objectAcl) policies.push(objectAcl)
  }
  return { kind: 'resource', policies, ownerAccountId: bucket.ownerAccountId }
}

function viewOf(bucket: Bucket, partition: string): BucketView {
  let view = views.get(bucket)
  if (!view) {
    const acl = isStoredAcl(bucket.acl) ? bucket.acl : privateAcl(bucket.ownerAccountId)
    const document = bucket.policy ? parsePolicy(bucket.policy.text, 'resource') : undefined
    view = {
      policyIsPublic: document !== undefined && isPublicPolicy(document),
      ...(bucket.policy && { denyOnly: denyStatements(bucket.name, bucket.policy.text) }),
      acl,
      aclPolicy: bucketAclPolicy(bucket.name, acl, { ignorePublic: false, partition }),
      aclPolicyWithoutPublic: bucketAclPolicy(bucket.name, acl, { ignorePublic: true, partition }),
    }
    views.set(bucket, view)
  }
  return view
}

function denyStatements(bucket: string, text: string): CompiledPolicy | undefined {
  const document = JSON.parse(text) as { Version?: string; Statement: unknown }
  const statements = (Array.isArray(document.Statement) ? document.Statement : [document.Statement]) as { Effect?: string }[]
  const denies = statements.filter((statement) => statement.Effect === 'Deny')
  if (denies.length === 0) return undefined
  return compilePolicy(`arn:aws:s3:::${bucket}/policy`, 'resource', { ...(document.Version !== undefined && { Version: document.Version }), Statement: denies })
}

export function isStoredAcl(value: unknown): value is StoredAcl {
  return typeof value === 'object' && value !== null && typeof (value as StoredAcl).owner === 'string' && Array.isArray((value as StoredAcl).grants)
}
