// Which encryption a write gets: the request's x-amz-server-side-encryption, else the bucket's default. SSE-S3
// (AES256) is implemented here; SSE-KMS and SSE-C add their settings to SealSetting and their cases here.
import { NotImplementedError } from '../../../core/common-errors.js'
import type { OperationContext } from '../../../core/operation.js'
import type { KmsDataKeys } from '../../kms/index.js'
import type { Bucket } from '../bucket-index.js'
import type { ObjectEncryption } from '../object-store.js'
import { invalidArgument } from '../s3-errors.js'
import { defaultEncryption } from './bucket-encryption.js'
import type { SealSetting } from './object-cipher.js'
import { customerKey, type CustomerKeyHeaders } from './sse-c.js'
import { kmsWriteEncryption } from './sse-kms.js'

export interface WriteEncryption {
  readonly setting: SealSetting
  /** What responses and HeadObject report for the object. */
  readonly reported: ObjectEncryption
}

/**
 * The encryption members a response reports for an object: SSE-C's algorithm and key MD5 alone (S3 sends no
 * x-amz-server-side-encryption for them), otherwise the algorithm with its KMS key and bucket-key flag.
 */
export function encryptionResponse(encryption: ObjectEncryption) {
  if (encryption.SSECustomerAlgorithm !== undefined) {
    return { SSECustomerAlgorithm: encryption.SSECustomerAlgorithm, ...(encryption.SSECustomerKeyMD5 !== undefined && { SSECustomerKeyMD5: encryption.SSECustomerKeyMD5 }) }
  }
  return {
    ServerSideEncryption: encryption.ServerSideEncryption as 'AES256',
    ...(encryption.SSEKMSKeyId !== undefined && { SSEKMSKeyId: encryption.SSEKMSKeyId }),
    ...(encryption.BucketKeyEnabled !== undefined && { BucketKeyEnabled: encryption.BucketKeyEnabled }),
  }
}

export interface EncryptionRequest extends CustomerKeyHeaders {
  readonly ServerSideEncryption?: string
  readonly Key?: string
  readonly SSEKMSKeyId?: string
  readonly SSEKMSEncryptionContext?: string
  readonly BucketKeyEnabled?: boolean
}

/**
 * `ctx` and `kms` (KMS's data-key port) make SSE-KMS writes possible; without them they are NotImplemented. An SSE-C
 * setting holds the customer key for this request only: a multipart upload keeps just its fingerprint (multipart.ts).
 */
export async function encryptionForWrite(input: EncryptionRequest, bucket: Bucket, ctx?: OperationContext, kms?: KmsDataKeys): Promise<WriteEncryption> {
  const customer = customerKey(input, ctx?.secure)
  if (customer) {
    if (input.ServerSideEncryption !== undefined || input.SSEKMSKeyId !== undefined) {
      throw invalidArgument('Server Side Encryption with Customer provided key is incompatible with the encryption method specified', 'x-amz-server-side-encryption', input.ServerSideEncryption)
    }
    return { setting: { kind: 'SSE-C', key: customer.key }, reported: { ServerSideEncryption: 'AES256', SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: customer.md5 } }
  }
  const rule = defaultEncryption(bucket)
  const requested = input.ServerSideEncryption
  const algorithm = requested ?? rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? 'AES256'
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html: the key id header goes with aws:kms only.
  if (input.SSEKMSKeyId !== undefined && algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') {
    throw invalidArgument('Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id', input.SSEKMSKeyId)
  }
  if (algorithm === 'AES256') return { setting: { kind: 'AES256' }, reported: { ServerSideEncryption: 'AES256' } }
  if (algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') {
    if (!ctx || !kms) throw new NotImplementedError('SSE-KMS needs the KMS service, which this server was started without.')
    // The bucket's default key applies when the write asks for no other encryption, or for aws:kms without a key.
    const keyId = input.SSEKMSKeyId ?? (requested === undefined || requested === rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ? rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID : undefined)
    return kmsWriteEncryption({
      algorithm, bucket: bucket.name, ...(input.Key !== undefined && { key: input.Key }), ...(keyId !== undefined && { keyId }),
      bucketKeyEnabled: input.BucketKeyEnabled ?? rule.BucketKeyEnabled === true,
      ...(input.SSEKMSEncryptionContext !== undefined && { encryptionContext: input.SSEKMSEncryptionContext }),
    }, ctx, kms)
  }
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html: the header takes AES256, aws:kms or aws:kms:dsse.
  throw invalidArgument('The encryption method specified is not supported', 'x-amz-server-side-encryption', algorithm)
}
