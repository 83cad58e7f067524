// What each S3 operation touches, for the authorization stage: the IAM action (versioned variants where a VersionId
// is given), the bucket or object ARN, S3's condition keys, and the bucket's resource policies (bucket policy and
// ACLs, as Block Public Access leaves them). Actions and keys: the service authorization reference
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html) and
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html ("Permissions").
import type { AuthorizationTable, AuthorizationTarget, CallFacts, ResourcePolicies } from '../../core/authorization-target.js'
import type { S3Api } from '../../generated/s3/api.js'
import type { AccountS3Settings, Bucket } from './bucket-index.js'
import type { StoredAcl } from './access/acl.js'
import { objectAclPolicy } from './access/acl-policy.js'
import { bucketResourcePolicies } from './access/bucket-access.js'
import { aclsEnabled } from './access/object-ownership.js'

type Context = Record<string, string | readonly string[]>

/** What the table reads: the in-memory bucket index (never SQL on the request path). */
export interface BucketLookup {
  get(name: string): Bucket | undefined
  account(accountId: string): AccountS3Settings | undefined
}

/** Options for one target. */
interface Target {
  readonly key?: string
  readonly versionId?: string
  readonly context?: Context
  readonly additionalActions?: readonly string[]
  /** What the object itself adds (its ACL and tags), once a handler has looked it up. */
  readonly object?: ObjectFacts
}

/** The facts of an existing object that its authorization weighs. */
export interface ObjectFacts {
  /** The object's ACL as stored (null: the owner's FULL_CONTROL). */
  readonly acl: StoredAcl
  readonly tags: Readonly<Record<string, string>>
}

/**
 * Operations decided on the object they name: its ACL grants (while the bucket's ACLs are enabled) and its tags
 * (s3:ExistingObjectTag/<key>). The table leaves them to `objectTarget` (withObjectAuthorization in index.ts runs it
 * once the object is looked up, through ctx.authorize) and marks them as needing no permission of their own.
 * INVARIANT: every operation listed here and in COPY_DECIDED is wrapped by withObjectAuthorization wherever the
 * table is bound (s3Service does it); DeleteObjects decides each key with deleteObjectTarget.
 */
export const OBJECT_DECIDED = ['GetObject', 'HeadObject', 'GetObjectAcl', 'PutObjectAcl', 'GetObjectTagging', 'PutObjectTagging', 'DeleteObjectTagging', 'GetObjectAttributes'] as const
export type ObjectDecidedOperation = (typeof OBJECT_DECIDED)[number]

/** Object operations whose IAM action differs when the request names a version. */
const VERSIONED: Readonly<Record<string, string>> = {
  's3:GetObject': 's3:GetObjectVersion',
  's3:DeleteObject': 's3:DeleteObjectVersion',
  's3:GetObjectAcl': 's3:GetObjectVersionAcl',
  's3:PutObjectAcl': 's3:PutObjectVersionAcl',
  's3:GetObjectTagging': 's3:GetObjectVersionTagging',
  's3:PutObjectTagging': 's3:PutObjectVersionTagging',
  's3:DeleteObjectTagging': 's3:DeleteObjectVersionTagging',
  's3:GetObjectAttributes': 's3:GetObjectVersionAttributes',
  's3:GetObjectTorrent': 's3:GetObjectVersionTorrent',
}

/** The full target of an object-decided operation, with the object's facts when it exists. */
export type ObjectTarget = (operation: ObjectDecidedOperation, input: never, call: CallFacts, object: ObjectFacts | undefined) => AuthorizationTarget

export function s3Authorization(buckets: BucketLookup): AuthorizationTable<S3Api> {
  return s3AuthorizationWithObjects(buckets).table
}

/** The table, and the object-aware targets of the operations it defers (OBJECT_DECIDED). */
export function s3AuthorizationWithObjects(buckets: BucketLookup): { table: AuthorizationTable<S3Api>; objectTarget: ObjectTarget } {
  const on = (action: string, name: string, call: CallFacts, options: Target = {}) => targetOn(buckets, action, name, call, options)
  const bucketOp = (action: string) => (input: { Bucket: string }, call: CallFacts) => on(action, input.Bucket, call)
  const objectOp = (action: string) => (input: { Bucket: string; Key: string; VersionId?: string }, call: CallFacts, object?: ObjectFacts) =>
    on(action, input.Bucket, call, { key: input.Key, ...(input.VersionId !== undefined && { versionId: input.VersionId }), ...(object && { object }) })
  const anywhere = (action: string) => (): AuthorizationTarget => ({ action, resources: ['*'] })
  /**
   * "The root principal of the bucket owner account can perform the GetBucketPolicy, PutBucketPolicy, and
   * DeleteBucketPolicy API actions, even if their bucket policy explicitly denies the root principal's access"
   * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html): a lock-out stays recoverable.
   */
  const policyOp = (action: string) => (input: { Bucket: string }, call: CallFacts): AuthorizationTarget => {
    const { resourcePolicies, ...target } = on(action, input.Bucket, call)
    const ownerRoot = call.caller.type === 'Root' && !call.caller.session && call.caller.accountId === buckets.get(input.Bucket)?.ownerAccountId
    return ownerRoot || !resourcePolicies ? target : { ...target, resourcePolicies }
  }

  const objectTargets: Record<ObjectDecidedOperation, (input: never, call: CallFacts, object: ObjectFacts | undefined) => AuthorizationTarget> = {
    GetObject: objectOp('s3:GetObject'),
    HeadObject: objectOp('s3:GetObject'),
    GetObjectAttributes: objectOp('s3:GetObjectAttributes'),
    GetObjectAcl: objectOp('s3:GetObjectAcl'),
    PutObjectAcl: (input: { Bucket: string; Key: string; VersionId?: string } & Parameters<typeof aclKeys>[0], call: CallFacts, object: ObjectFacts | undefined) => on('s3:PutObjectAcl', input.Bucket, call, {
      key: input.Key, ...(input.VersionId !== undefined && { versionId: input.VersionId }), context: aclKeys(input), ...(object && { object }),
    }),
    GetObjectTagging: objectOp('s3:GetObjectTagging'),
    PutObjectTagging: (input: { Bucket: string; Key: string; VersionId?: string; Tagging?: { TagSet?: { Key: string; Value: string }[] } }, call: CallFacts, object: ObjectFacts | undefined) => on('s3:PutObjectTagging', input.Bucket, call, {
      key: input.Key, ...(input.VersionId !== undefined && { versionId: input.VersionId }),
      context: tagSetKeys(input.Tagging?.TagSet ?? []), ...(object && { object }),
    }),
    DeleteObjectTagging: objectOp('s3:DeleteObjectTagging'),
  }
  /** Deferred to the handler wrapper when the bucket exists; without a bucket it is decided now (no facts to wait for). */
  const deferred = (operation: ObjectDecidedOperation) => (input: { Bucket: string }, call: CallFacts): AuthorizationTarget => {
    const target = objectTargets[operation](input as never, call, undefined)
    return buckets.get(input.Bucket) ? { ...target, requiresPermission: false } : target
  }
  const objectTarget: ObjectTarget = (operation, input, call, object) => objectTargets[operation](input, call, object)

  const table: AuthorizationTable<S3Api> = {
    // Buckets
    CreateBucket: (input, call) => on('s3:CreateBucket', input.Bucket, call, {
      context: {
        ...aclKeys(input),
        ...(input.CreateBucketConfiguration?.LocationConstraint !== undefined && { 's3:LocationConstraint': input.CreateBucketConfiguration.LocationConstraint }),
        ...(input.ObjectOwnership !== undefined && { 's3:x-amz-object-ownership': input.ObjectOwnership }),
      },
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html: ACLs and ownership need their own permissions.
      additionalActions: [
        ...(hasAcl(input) ? ['s3:PutBucketAcl'] : []),
        ...(input.ObjectOwnership !== undefined ? ['s3:PutBucketOwnershipControls'] : []),
      ],
    }),
    CreateSession: (input, call) => on('s3express:CreateSession', input.Bucket, call),
    DeleteBucket: bucketOp('s3:DeleteBucket'),
    HeadBucket: bucketOp('s3:ListBucket'),
    ListBuckets: anywhere('s3:ListAllMyBuckets'),
    ListDirectoryBuckets: anywhere('s3express:ListAllMyDirectoryBuckets'),
    GetBucketLocation: bucketOp('s3:GetBucketLocation'),
    GetBucketVersioning: bucketOp('s3:GetBucketVersioning'),
    PutBucketVersioning: bucketOp('s3:PutBucketVersioning'),
    GetBucketTagging: bucketOp('s3:GetBucketTagging'),
    PutBucketTagging: bucketOp('s3:PutBucketTagging'),
    DeleteBucketTagging: bucketOp('s3:PutBucketTagging'),
    GetBucketAccelerateConfiguration: bucketOp('s3:GetAccelerateConfiguration'),
    PutBucketAccelerateConfiguration: bucketOp('s3:PutAccelerateConfiguration'),
    GetBucketAnalyticsConfiguration: bucketOp('s3:GetAnalyticsConfiguration'),
    ListBucketAnalyticsConfigurations: bucketOp('s3:GetAnalyticsConfiguration'),
    PutBucketAnalyticsConfiguration: bucketOp('s3:PutAnalyticsConfiguration'),
    DeleteBucketAnalyticsConfiguration: bucketOp('s3:PutAnalyticsConfiguration'),
    GetBucketCors: bucketOp('s3:GetBucketCORS'),
    PutBucketCors: bucketOp('s3:PutBucketCORS'),
    DeleteBucketCors: bucketOp('s3:PutBucketCORS'),
    GetBucketIntelligentTieringConfiguration: bucketOp('s3:GetIntelligentTieringConfiguration'),
    ListBucketIntelligentTieringConfigurations: bucketOp('s3:GetIntelligentTieringConfiguration'),
    PutBucketIntelligentTieringConfiguration: bucketOp('s3:PutIntelligentTieringConfiguration'),
    DeleteBucketIntelligentTieringConfiguration: bucketOp('s3:PutIntelligentTieringConfiguration'),
    GetBucketInventoryConfiguration: bucketOp('s3:GetInventoryConfiguration'),
    ListBucketInventoryConfigurations: bucketOp('s3:GetInventoryConfiguration'),
    PutBucketInventoryConfiguration: bucketOp('s3:PutInventoryConfiguration'),
    DeleteBucketInventoryConfiguration: bucketOp('s3:PutInventoryConfiguration'),
    GetBucketLifecycle: bucketOp('s3:GetLifecycleConfiguration'),
    GetBucketLifecycleConfiguration: bucketOp('s3:GetLifecycleConfiguration'),
    PutBucketLifecycle: bucketOp('s3:PutLifecycleConfiguration'),
    PutBucketLifecycleConfiguration: bucketOp('s3:PutLifecycleConfiguration'),
    DeleteBucketLifecycle: bucketOp('s3:PutLifecycleConfiguration'),
    GetBucketLogging: bucketOp('s3:GetBucketLogging'),
    PutBucketLogging: bucketOp('s3:PutBucketLogging'),
    GetBucketMetricsConfiguration: bucketOp('s3:GetMetricsConfiguration'),
    ListBucketMetricsConfigurations: bucketOp('s3:GetMetricsConfiguration'),
    PutBucketMetricsConfiguration: bucketOp('s3:PutMetricsConfiguration'),
    DeleteBucketMetricsConfiguration: bucketOp('s3:PutMetricsConfiguration'),
    GetBucketNotification: bucketOp('s3:GetBucketNotification'),
    GetBucketNotificationConfiguration: bucketOp('s3:GetBucketNotification'),
    PutBucketNotification: bucketOp('s3:PutBucketNotification'),
    PutBucketNotificationConfiguration: bucketOp('s3:PutBucketNotification'),
    GetBucketReplication: bucketOp('s3:GetReplicationConfiguration'),
    PutBucketReplication: bucketOp('s3:PutReplicationConfiguration'),
    DeleteBucketReplication: bucketOp('s3:PutReplicationConfiguration'),
    GetBucketRequestPayment: bucketOp('s3:GetBucketRequestPayment'),
    PutBucketRequestPayment: bucketOp('s3:PutBucketRequestPayment'),
    GetBucketWebsite: bucketOp('s3:GetBucketWebsite'),
    PutBucketWebsite: bucketOp('s3:PutBucketWebsite'),
    DeleteBucketWebsite: bucketOp('s3:DeleteBucketWebsite'),
    GetObjectLockConfiguration: bucketOp('s3:GetBucketObjectLockConfiguration'),
    PutObjectLockConfiguration: bucketOp('s3:PutBucketObjectLockConfiguration'),

    // Access control and encryption configuration
    GetBucketPolicy: policyOp('s3:GetBucketPolicy'),
    PutBucketPolicy: policyOp('s3:PutBucketPolicy'),
    DeleteBucketPolicy: policyOp('s3:DeleteBucketPolicy'),
    GetBucketPolicyStatus: bucketOp('s3:GetBucketPolicyStatus'),
    GetPublicAccessBlock: bucketOp('s3:GetBucketPublicAccessBlock'),
    PutPublicAccessBlock: bucketOp('s3:PutBucketPublicAccessBlock'),
    DeletePublicAccessBlock: bucketOp('s3:PutBucketPublicAccessBlock'),
    GetBucketOwnershipControls: bucketOp('s3:GetBucketOwnershipControls'),
    PutBucketOwnershipControls: bucketOp('s3:PutBucketOwnershipControls'),
    DeleteBucketOwnershipControls: bucketOp('s3:PutBucketOwnershipControls'),
    GetBucketAcl: bucketOp('s3:GetBucketAcl'),
    PutBucketAcl: (input, call) => on('s3:PutBucketAcl', input.Bucket, call, { context: aclKeys(input) }),
    GetBucketEncryption: bucketOp('s3:GetEncryptionConfiguration'),
    PutBucketEncryption: bucketOp('s3:PutEncryptionConfiguration'),
    DeleteBucketEncryption: bucketOp('s3:PutEncryptionConfiguration'),

    // Listing
    ListObjects: (input, call) => on('s3:ListBucket', input.Bucket, call, { context: listKeys(input) }),
    ListObjectsV2: (input, call) => on('s3:ListBucket', input.Bucket, call, { context: listKeys(input) }),
    ListObjectVersions: (input, call) => on('s3:ListBucketVersions', input.Bucket, call, { context: listKeys(input) }),
    ListMultipartUploads: bucketOp('s3:ListBucketMultipartUploads'),

    // Objects
    GetObject: deferred('GetObject'),
    HeadObject: deferred('HeadObject'),
    GetObjectAttributes: deferred('GetObjectAttributes'),
    GetObjectTorrent: objectOp('s3:GetObjectTorrent'),
    SelectObjectContent: objectOp('s3:GetObject'),
    RestoreObject: objectOp('s3:RestoreObject'),
    DeleteObject: objectOp('s3:DeleteObject'),
    // Decided key by key in the handler (deleteObjectTarget) when the bucket exists.
    DeleteObjects: (input, call) => {
      const target = deleteObjects(on, input.Bucket, input.Delete?.Objects ?? [], call)
      return buckets.get(input.Bucket) ? { ...target, requiresPermission: false } : target
    },
    PutObject: (input, call) => on('s3:PutObject', input.Bucket, call, {
      key: input.Key,
      context: { ...aclKeys(input), ...writeKeys(input), ...requestTagKeys(input.Tagging) },
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html: an ACL or tags need their own permissions.
      additionalActions: [...(hasAcl(input) ? ['s3:PutObjectAcl'] : []), ...(input.Tagging !== undefined ? ['s3:PutObjectTagging'] : [])],
    }),
    CopyObject: (input, call) => ({
      ...on('s3:PutObject', input.Bucket, call, {
        key: input.Key,
        context: {
          ...aclKeys(input), ...writeKeys(input), ...requestTagKeys(input.Tagging),
          's3:x-amz-copy-source': input.CopySource,
          ...(input.MetadataDirective !== undefined && { 's3:x-amz-metadata-directive': input.MetadataDirective }),
        },
        additionalActions: [...(hasAcl(input) ? ['s3:PutObjectAcl'] : []), ...(input.Tagging !== undefined ? ['s3:PutObjectTagging'] : [])],
      }),
      // The source read (s3:GetObject(Version) with the source bucket's policies and the source object's ACL and
      // tags) is decided by withObjectAuthorization once the source object is looked up (COPY_DECIDED).
    }),
    GetObjectAcl: deferred('GetObjectAcl'),
    PutObjectAcl: deferred('PutObjectAcl'),
    GetObjectTagging: deferred('GetObjectTagging'),
    PutObjectTagging: deferred('PutObjectTagging'),
    DeleteObjectTagging: deferred('DeleteObjectTagging'),
    GetObjectLegalHold: objectOp('s3:GetObjectLegalHold'),
    PutObjectLegalHold: objectOp('s3:PutObjectLegalHold'),
    GetObjectRetention: objectOp('s3:GetObjectRetention'),
    PutObjectRetention: objectOp('s3:PutObjectRetention'),
    WriteGetObjectResponse: anywhere('s3-object-lambda:WriteGetObjectResponse'),

    // Multipart uploads: https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
    CreateMultipartUpload: (input, call) => on('s3:PutObject', input.Bucket, call, {
      key: input.Key,
      context: { ...aclKeys(input), ...writeKeys(input), ...requestTagKeys(input.Tagging) },
      additionalActions: [...(hasAcl(input) ? ['s3:PutObjectAcl'] : []), ...(input.Tagging !== undefined ? ['s3:PutObjectTagging'] : [])],
    }),
    UploadPart: (input, call) => on('s3:PutObject', input.Bucket, call, { key: input.Key }),
    UploadPartCopy: (input, call) => on('s3:PutObject', input.Bucket, call, { key: input.Key, context: { 's3:x-amz-copy-source': input.CopySource } }),
    CompleteMultipartUpload: (input, call) => on('s3:PutObject', input.Bucket, call, { key: input.Key }),
    AbortMultipartUpload: (input, call) => on('s3:AbortMultipartUpload', input.Bucket, call, { key: input.Key }),
    ListParts: (input, call) => on('s3:ListMultipartUploadParts', input.Bucket, call, { key: input.Key }),
  }
  return { table, objectTarget }
}

/** An action on the bucket `name`, or on its object `options.key`. */
function targetOn(buckets: BucketLookup, action: string, name: string, call: CallFacts, options: Target = {}): AuthorizationTarget {
  const bucket = buckets.get(name)
  const versioned = options.versionId !== undefined && VERSIONED[action] !== undefined
  const resource = `arn:${call.partition}:s3:::${name}${options.key === undefined ? '' : `/${options.key}`}`
  const context: Context = {
    ...(bucket && { 's3:ResourceAccount': bucket.ownerAccountId }),
    ...(options.versionId !== undefined && { 's3:versionid': options.versionId }),
    ...(options.object && existingTagKeys(options.object.tags)),
    ...options.context,
  }
  const objectAcl = bucket && options.object && options.key !== undefined && aclsEnabled(bucket.ownershipControls)
    ? objectAclPolicy(name, options.key, options.object.acl, { ignorePublic: false, partition: call.partition })
    : undefined
  return {
    action: versioned ? VERSIONED[action]! : action,
    resources: [resource],
    context,
    ...(options.additionalActions && options.additionalActions.length > 0 && { additionalActions: options.additionalActions }),
    ...(bucket && { resourcePolicies: objectOwned(bucketResourcePolicies(bucket, buckets.account(bucket.ownerAccountId), call.caller, call.partition, objectAcl), objectAcl && options.object) }),
  }
}

/**
 * DeleteObject(Version) on one key of DeleteObjects, with the bucket's policies: the handler decides each key
 * (a refused key is an AccessDenied entry in the result, as S3 reports it).
 */
export function deleteObjectTarget(buckets: BucketLookup, bucket: string, key: string, versionId: string | undefined, call: CallFacts): AuthorizationTarget {
  return targetOn(buckets, 's3:DeleteObject', bucket, call, { key, ...(versionId !== undefined && { versionId }) })
}

/**
 * An object another account owns (ACLs enabled: ObjectWriter, or BucketOwnerPreferred without
 * bucket-owner-full-control) is that account's resource: the bucket owner reaches it only through the object's ACL
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-auth-workflow-object-operation.html).
 */
function objectOwned(policies: ResourcePolicies, object: ObjectFacts | undefined): ResourcePolicies {
  return object && object.acl.owner !== policies.ownerAccountId ? { ...policies, ownerAccountId: object.acl.owner } : policies
}

/** s3:ExistingObjectTag/<key> for each of the object's tags. */
function existingTagKeys(tags: Readonly<Record<string, string>>): Context {
  const context: Context = {}
  for (const key in tags) context[`s3:ExistingObjectTag/${key}`] = tags[key]!
  return context
}

type On = (action: string, name: string, call: CallFacts, options?: Target) => AuthorizationTarget

/**
 * DeleteObjects needs s3:DeleteObject on every key it names (s3:DeleteObjectVersion on keys with a VersionId); the
 * call is decided as one, on every object ARN, through the bucket's policies. A request mixing both kinds needs both
 * actions on every key it names (stricter than S3, never looser: every decision weighs the bucket policy).
 */
function deleteObjects(on: On, bucket: string, objects: readonly { Key: string; VersionId?: string }[], call: CallFacts): AuthorizationTarget {
  const anyPlain = objects.some((object) => object.VersionId === undefined)
  const anyVersioned = objects.some((object) => object.VersionId !== undefined)
  const target = on(anyPlain || !anyVersioned ? 's3:DeleteObject' : 's3:DeleteObjectVersion', bucket, call, {
    key: objects[0]?.Key ?? '*',
    ...(anyPlain && anyVersioned && { additionalActions: ['s3:DeleteObjectVersion'] }),
  })
  if (objects.length === 0) return target
  return { ...target, resources: objects.map((object) => `arn:${call.partition}:s3:::${bucket}/${object.Key}`) }
}

/** Operations that read a copy source: withObjectAuthorization decides s3:GetObject(Version) on it. */
export const COPY_DECIDED = ['CopyObject', 'UploadPartCopy'] as const


interface AclParameters {
  readonly ACL?: string
  readonly GrantFullControl?: string
  readonly GrantRead?: string
  readonly GrantReadACP?: string
  readonly GrantWrite?: string
  readonly GrantWriteACP?: string
  readonly AccessControlPolicy?: unknown
}

function hasAcl(input: AclParameters): boolean {
  return input.ACL !== undefined || input.GrantFullControl !== undefined || input.GrantRead !== undefined ||
    input.GrantReadACP !== undefined || input.GrantWrite !== undefined || input.GrantWriteACP !== undefined
}

/** s3:x-amz-acl and s3:x-amz-grant-* (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html). */
function aclKeys(input: AclParameters): Context {
  return {
    ...(input.ACL !== undefined && { 's3:x-amz-acl': input.ACL }),
    ...(input.GrantFullControl !== undefined && { 's3:x-amz-grant-full-control': input.GrantFullControl }),
    ...(input.GrantRead !== undefined && { 's3:x-amz-grant-read': input.GrantRead }),
    ...(input.GrantReadACP !== undefined && { 's3:x-amz-grant-read-acp': input.GrantReadACP }),
    ...(input.GrantWrite !== undefined && { 's3:x-amz-grant-write': input.GrantWrite }),
    ...(input.GrantWriteACP !== undefined && { 's3:x-amz-grant-write-acp': input.GrantWriteACP }),
  }
}

interface WriteParameters {
  readonly ServerSideEncryption?: string
  readonly SSEKMSKeyId?: string
  readonly StorageClass?: string
}

/** The encryption and storage class an object write asks for. */
function writeKeys(input: WriteParameters): Context {
  return {
    ...(input.ServerSideEncryption !== undefined && { 's3:x-amz-server-side-encryption': input.ServerSideEncryption }),
    ...(input.SSEKMSKeyId !== undefined && { 's3:x-amz-server-side-encryption-aws-kms-key-id': input.SSEKMSKeyId }),
    ...(input.StorageClass !== undefined && { 's3:x-amz-storage-class': input.StorageClass }),
  }
}

function listKeys(input: { Prefix?: string; Delimiter?: string; MaxKeys?: number }): Context {
  return {
    ...(input.Prefix !== undefined && { 's3:prefix': input.Prefix }),
    ...(input.Delimiter !== undefined && { 's3:delimiter': input.Delimiter }),
    ...(input.MaxKeys !== undefined && { 's3:max-keys': String(input.MaxKeys) }),
  }
}

/** The x-amz-tagging header (`k1=v1&k2=v2`): s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys. */
function requestTagKeys(tagging: string | undefined): Context {
  if (tagging === undefined) return {}
  return tagSetKeys([...new URLSearchParams(tagging)].map(([Key, Value]) => ({ Key, Value })))
}

function tagSetKeys(tags: readonly { Key: string; Value: string }[]): Context {
  const context: Context = { 's3:RequestObjectTagKeys': tags.map((tag) => tag.Key) }
  for (const tag of tags) context[`s3:RequestObjectTag/${tag.Key}`] = tag.Value
  return context
}
