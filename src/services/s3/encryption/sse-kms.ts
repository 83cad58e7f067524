// SSE-KMS: objects encrypted under data keys that a KMS key makes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).
// The writer needs kms:GenerateDataKey on the key and the reader kms:Decrypt, each through the key policy, with
// kms:ViaService s3.<region>.amazonaws.com and the encryption context aws:s3:arn (the object's ARN, or the bucket's
// with an S3 Bucket Key).
import { AwsError } from '../../../core/aws-error.js'
import type { OperationContext } from '../../../core/operation.js'
import type { KmsDataKeys } from '../../kms/index.js'
import type { ObjectEncryption } from '../object-store.js'
import { invalidArgument } from '../s3-errors.js'
import type { CipherEnvelope, SealSetting } from './object-cipher.js'

/** The AWS managed key S3 uses when a write names none (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key). */
const S3_MANAGED_KEY = 'alias/aws/s3'

export interface KmsWrite {
  readonly algorithm: 'aws:kms' | 'aws:kms:dsse'
  readonly bucket: string
  readonly key?: string
  readonly keyId?: string
  readonly bucketKeyEnabled: boolean
  /** x-amz-server-side-encryption-context: base64 of a JSON object of string pairs. */
  readonly encryptionContext?: string
}

/** The seal setting and reported headers of an SSE-KMS write, once the caller may have the key make a data key. */
export async function kmsWriteEncryption(write: KmsWrite, ctx: OperationContext, kms: KmsDataKeys): Promise<{ setting: SealSetting; reported: ObjectEncryption }> {
  const keyId = write.keyId ?? S3_MANAGED_KEY
  // No key named (or the AWS managed one by its alias): the account's aws/s3 key, which S3 creates on first use.
  const key = keyId === S3_MANAGED_KEY && kms.awsManagedKey ? await kms.awsManagedKey(ctx.accountId, 's3') : kms.resolve(keyId, ctx.accountId)
  if (!key) throw new AwsError('KMS.NotFoundException', 400, `Invalid keyId ${keyId}`)
  if (!key.usable) throw new AwsError('KMS.DisabledException', 400, `${key.arn} is disabled.`)
  const resource = `arn:${ctx.partition}:s3:::${write.bucket}${write.bucketKeyEnabled || write.key === undefined ? '' : `/${write.key}`}`
  const context = { ...userContext(write.encryptionContext), 'aws:s3:arn': resource }
  ctx.authorize?.(kms.authorization(key.arn, 'GenerateDataKey', ctx.caller.accountId, viaService(ctx.region), context))
  return {
    setting: { kind: 'aws:kms', keyArn: key.arn, context },
    reported: { ServerSideEncryption: write.algorithm, SSEKMSKeyId: key.arn, ...(write.bucketKeyEnabled && { BucketKeyEnabled: true }) },
  }
}

/**
 * Before an SSE-KMS object's bytes are read: its key must still be usable, and the caller must be allowed
 * kms:Decrypt on it (an object readable by its bucket policy stays unreadable without it).
 */
export function authorizeKmsRead(envelopes: readonly CipherEnvelope[], ctx: OperationContext, kms: KmsDataKeys | undefined): void {
  const envelope = envelopes.find((candidate) => candidate.kind === 'aws:kms')
  if (!envelope || envelope.kind !== 'aws:kms') return
  const key = kms?.resolve(envelope.keyArn, ctx.accountId)
  if (!kms || !key) throw new AwsError('KMS.NotFoundException', 400, `Invalid arn ${envelope.keyArn}`)
  if (!key.usable) throw new AwsError('KMS.DisabledException', 400, `${key.arn} is disabled.`)
  ctx.authorize?.(kms.authorization(key.arn, 'Decrypt', ctx.caller.accountId, viaService(ctx.region), envelope.context))
}

/** The kms:ViaService value of a KMS call S3 makes in `region`. */
export function viaService(region: string): string {
  return `s3.${region}.amazonaws.com`
}

function userContext(encoded: string | undefined): Record<string, string> {
  if (encoded === undefined) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'))
  } catch {
    parsed = undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((value) => typeof value !== 'string')) {
    throw invalidArgument('The encryption context must be a base64-encoded JSON object of string values', 'x-amz-server-side-encryption-context')
  }
  return parsed as Record<string, string>
}
