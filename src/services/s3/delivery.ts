// The port through which AWS services deliver objects into customers' buckets: CloudTrail's log and digest files.
// A delivery is made by the service principal (cloudtrail.amazonaws.com), so the bucket policy alone decides it,
// as for AWS's documented trail bucket policy
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html):
// s3:GetBucketAcl on the bucket and s3:PutObject on the object with s3:x-amz-acl bucket-owner-full-control, under
// aws:SourceArn (the trail) and aws:SourceAccount.
import { createHash } from 'node:crypto'
import type { DeliveryPort, DeliveryRefusal, ServiceDelivery } from '../../core/service-delivery.js'
import { compilePolicy, evaluate, type CompiledPolicy, type ContextValue, type RequestPrincipal } from '../../policy/index.js'
import type { Bucket } from './bucket-index.js'
import { privateAcl } from './access/acl.js'
import { defaultEncryption } from './encryption/bucket-encryption.js'
import type { SealSetting } from './encryption/object-cipher.js'
import { viaService } from './encryption/sse-kms.js'
import type { ObjectEncryption, StoredObject } from './object-store.js'
import { commitVersion, newVersion } from './object-versions.js'
import type { S3Deps } from './s3-deps.js'

export type { DeliveryPort, DeliveryRefusal, ServiceDelivery } from '../../core/service-delivery.js'

/** What the S3 implementation of the port throws when a bucket refuses a delivery. */
export class DeliveryRefusedError extends Error {
  constructor(readonly refusal: DeliveryRefusal, message: string) {
    super(message)
  }
}

const CLOUDTRAIL = 'cloudtrail.amazonaws.com'

/** CloudTrail's delivery into S3. */
export function cloudTrailDelivery(deps: S3Deps): DeliveryPort {
  const principal = (account: string): RequestPrincipal => ({ type: 'AWSService', arn: CLOUDTRAIL, accountId: account, userId: CLOUDTRAIL, servicePrincipal: CLOUDTRAIL })

  /** Whether the bucket policy lets the service do `action` on `resource`. */
  const allows = (bucket: Bucket, action: string, resource: string, sourceArn: string, sourceAccount: string): boolean => {
    const context: Record<string, ContextValue> = {
      'aws:SourceArn': sourceArn,
      'aws:SourceAccount': sourceAccount,
      'aws:SecureTransport': 'true',
      'aws:CurrentTime': deps.clock.now().toISOString().slice(0, 19) + 'Z',
      'aws:ViaAWSService': 'false',
      ...(action === 's3:PutObject' && { 's3:x-amz-acl': 'bucket-owner-full-control', 's3:ResourceAccount': bucket.ownerAccountId }),
    }
    const policies: CompiledPolicy[] = bucket.policy ? [bucket.policy.compiled] : []
    const decision = evaluate({ principal: principal(sourceAccount), action, resource, resourceAccountId: bucket.ownerAccountId, context }, { resource: policies })
    return decision.effect === 'Allow'
  }

  const check = (name: string, key: string, sourceArn: string, sourceAccount: string): { bucket: Bucket } | { refusal: DeliveryRefusal; message: string } => {
    const bucket = deps.buckets.get(name)
    if (!bucket) return { refusal: 'NoSuchBucket', message: `The specified bucket does not exist: ${name}` }
    const bucketArn = `arn:${deps.partition}:s3:::${name}`
    if (!allows(bucket, 's3:GetBucketAcl', bucketArn, sourceArn, sourceAccount) || !allows(bucket, 's3:PutObject', `${bucketArn}/${key}`, sourceArn, sourceAccount)) {
      return { refusal: 'AccessDenied', message: `The bucket policy of ${name} does not allow ${CLOUDTRAIL} to write ${key}` }
    }
    return { bucket }
  }

  return {
    async refusal(name, sourceArn, sourceAccount, keyPrefix) {
      const key = `${keyPrefix ? `${keyPrefix}/` : ''}AWSLogs/${sourceAccount}/CloudTrail/`
      const checked = check(name, key, sourceArn, sourceAccount)
      return 'refusal' in checked ? checked.refusal : undefined
    },

    async put(delivery) {
      const checked = check(delivery.bucket, delivery.key, delivery.sourceArn, delivery.sourceAccount)
      if ('refusal' in checked) throw new DeliveryRefusedError(checked.refusal, checked.message)
      const { bucket } = checked
      const encryption = deliveryEncryption(deps, bucket, delivery)
      const segment = await deps.files.write(chunks(delivery.body), encryption.setting)
      const stamp = newVersion(bucket, deps.clock, deps.ids)
      const object: StoredObject = {
        bucket: bucket.name, key: delivery.key, versionId: stamp.versionId, sequence: stamp.sequence,
        // bucket-owner-full-control: the bucket owner owns what the service delivers.
        ownerAccountId: bucket.ownerAccountId, isLatest: true, isDeleteMarker: false, size: delivery.body.byteLength,
        etag: `"${createHash('md5').update(delivery.body).digest('hex')}"`, lastModified: deps.clock.now(), storageClass: 'STANDARD',
        headers: { ContentType: delivery.key.endsWith('.gz') ? 'application/x-gzip' : 'application/octet-stream' },
        metadata: delivery.metadata ?? {}, tags: {}, segments: [segment], encryption: encryption.reported, acl: privateAcl(bucket.ownerAccountId),
      }
      await commitVersion(deps.database, deps.files, object, stamp.replacesNull)
    },
  }

  /**
   * SSE-KMS with the delivery's key, whose key policy must let the service make data keys for the source
   * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html); else the
   * bucket's default (SSE-S3 unless an aws:kms rule names a key).
   */
  function deliveryEncryption(s3: S3Deps, bucket: Bucket, delivery: ServiceDelivery): { setting: SealSetting; reported: ObjectEncryption } {
    const rule = defaultEncryption(bucket).ApplyServerSideEncryptionByDefault
    const keyId = delivery.kmsKeyId ?? (rule?.SSEAlgorithm === 'aws:kms' ? rule.KMSMasterKeyID : undefined)
    if (keyId === undefined) return { setting: { kind: 'AES256' }, reported: { ServerSideEncryption: 'AES256' } }
    const key = s3.kms?.resolve(keyId, bucket.ownerAccountId)
    if (!s3.kms || !key || !key.usable) throw new DeliveryRefusedError('AccessDenied', `The KMS key ${keyId} cannot be used`)
    const context = { 'aws:s3:arn': `arn:${s3.partition}:s3:::${bucket.name}/${delivery.key}` }
    const target = s3.kms.authorization(key.arn, 'GenerateDataKey', delivery.sourceAccount, viaService(bucket.region), context)
    const keyPolicies = (target.resourcePolicies?.policies ?? []) as CompiledPolicy[]
    const decision = evaluate(
      { principal: principal(delivery.sourceAccount), action: 'kms:GenerateDataKey', resource: key.arn, resourceAccountId: key.accountId, context: { ...target.context, 'aws:SourceArn': delivery.sourceArn, 'aws:SourceAccount': delivery.sourceAccount, 'kms:EncryptionContext:aws:cloudtrail:arn': delivery.sourceArn } },
      { resource: keyPolicies, resourceMustAllow: true },
    )
    if (decision.effect !== 'Allow') throw new DeliveryRefusedError('AccessDenied', `The key policy of ${key.arn} does not allow ${CLOUDTRAIL} to generate data keys`)
    return { setting: { kind: 'aws:kms', keyArn: key.arn, context }, reported: { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn } }
  }
}

async function* chunks(body: Uint8Array): AsyncGenerator<Buffer> {
  if (body.byteLength > 0) yield Buffer.from(body.buffer, body.byteOffset, body.byteLength)
}

// The compiled form of AWS's documented trail bucket policy, for callers that want to set one up (tests, the console).
export function trailBucketPolicy(bucket: string, sourceArn: string, sourceAccount: string, partition = 'aws', keyPrefix?: string): string {
  const bucketArn = `arn:${partition}:s3:::${bucket}`
  const document = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: CLOUDTRAIL }, Action: 's3:GetBucketAcl', Resource: bucketArn, Condition: { StringEquals: { 'aws:SourceArn': sourceArn } } },
      {
        Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: CLOUDTRAIL }, Action: 's3:PutObject',
        Resource: `${bucketArn}/${keyPrefix ? `${keyPrefix}/` : ''}AWSLogs/${sourceAccount}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': sourceArn } },
      },
    ],
  }
  compilePolicy('trail-bucket-policy', 'resource', document) // INVARIANT: a valid bucket policy
  return JSON.stringify(document)
}
