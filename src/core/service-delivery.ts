// The port through which an AWS service writes objects into a customer's bucket as its service principal, as
// CloudTrail delivers its log and digest files: S3 implements it (services/s3/delivery.ts), CloudTrail writes through
// it (services/cloudtrail), and the composition root hands the one to the other.

/** Why a bucket refuses a delivery: it does not exist, or its policy (or the KMS key's) does not let the service write. */
export type DeliveryRefusal = 'NoSuchBucket' | 'AccessDenied'

export interface ServiceDelivery {
  readonly bucket: string
  readonly key: string
  readonly body: Uint8Array
  /** SSE-KMS under this key (a trail's KmsKeyId; its key policy must let the service make data keys); else the bucket's default encryption. */
  readonly kmsKeyId?: string
  /** User metadata (`x-amz-meta-*`), e.g. a digest file's `signature`. */
  readonly metadata?: Readonly<Record<string, string>>
  /** aws:SourceArn and aws:SourceAccount of the write, as AWS sets them for CloudTrail (the trail's ARN and account). */
  readonly sourceArn: string
  readonly sourceAccount: string
}

export interface DeliveryPort {
  /** Writes the object as the service; when the bucket refuses it, throws an error whose `refusal` says why. */
  put(object: ServiceDelivery): Promise<void>
  /**
   * Undefined when the bucket exists and its policy would accept the service's files for `sourceArn` in
   * `sourceAccount` (under `keyPrefix`, if the trail has one); else why not (InsufficientS3BucketPolicyException).
   */
  refusal(bucket: string, sourceArn: string, sourceAccount: string, keyPrefix?: string): Promise<DeliveryRefusal | undefined>
}
