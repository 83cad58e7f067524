import type { AuthorizationTarget } from '../../core/authorization-target.js'

// The ports trails depend on, each small enough to fake in a unit test: the recorded events, the S3 bucket that
// receives log and digest files, the KMS key a trail encrypts with, and the organization an account belongs to.

/** One CloudTrail event record as delivered in a log file (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html). */
export interface TrailEvent {
  readonly eventTime: string
  readonly eventSource: string
  readonly eventName: string
  readonly awsRegion: string
  readonly recipientAccountId: string
  readonly readOnly?: boolean
  readonly managementEvent?: boolean
  /** `Management` or `Data`. */
  readonly eventCategory?: string
  readonly eventType?: string
  readonly errorCode?: string
  readonly userIdentity?: { readonly arn?: string }
  readonly sessionCredentialFromConsole?: string
  readonly resources?: readonly { readonly ARN?: string; readonly type?: string; readonly accountId?: string }[]
  readonly [field: string]: unknown
}

/** Committed events, as the recording side publishes them inside the process. */
export interface TrailEventSource {
  /** `listener` hears every event committed from now on; the result unsubscribes. */
  subscribe(listener: (event: TrailEvent) => void): () => void
}

/** Why a bucket refuses CloudTrail's files: it does not exist, or its policy does not let cloudtrail.amazonaws.com write. */
export type DeliveryRefusal = 'NoSuchBucket' | 'AccessDenied'

export interface LogFileObject {
  readonly bucket: string
  readonly key: string
  readonly body: Uint8Array
  /** SSE-KMS with this key (the trail's KmsKeyId), else the bucket's default encryption. */
  readonly kmsKeyId?: string
  /** User metadata (`x-amz-meta-*`), e.g. a digest file's `signature`. */
  readonly metadata?: Readonly<Record<string, string>>
  /** aws:SourceArn / aws:SourceAccount of the write, as AWS sets them for CloudTrail (the trail ARN and its account). */
  readonly sourceArn: string
  readonly sourceAccount: string
}

/** Writes CloudTrail's files into S3 as the service principal cloudtrail.amazonaws.com, through the bucket policy. */
export interface LogFileSink {
  /** When the bucket refuses the object, throws an error whose `refusal` says why (e.g. `LogFileDeliveryError`). */
  put(object: LogFileObject): Promise<void>
  /**
   * Why the bucket would refuse CloudTrail's files for `trailArn` (under `keyPrefix`): it does not exist, or its policy
   * does not allow them; undefined when it would accept them.
   */
  refusal(bucket: string, trailArn: string, accountId: string, keyPrefix?: string): Promise<DeliveryRefusal | undefined>
}

export class LogFileDeliveryError extends Error {
  constructor(readonly refusal: DeliveryRefusal | 'InternalError', message: string) {
    super(message)
  }
}

/** A KMS key as CreateTrail/UpdateTrail's KmsKeyId names it (key id, key ARN, alias name or alias ARN). */
export interface TrailKmsKeys {
  /** The key's ARN and whether it can make data keys (enabled, symmetric); undefined when `accountId` has no such key. */
  resolve(keyIdParameter: string, accountId: string): { readonly arn: string; readonly usable: boolean } | undefined
  /** What kms:`operation` on the key needs: its key policy and grants (KMS's data-key port); without it policies are not checked. */
  authorization?(keyArn: string, operation: 'GenerateDataKey', callerAccountId: string, viaService: string, context: Readonly<Record<string, string>>): AuthorizationTarget
}

/** Where an account sits in AWS Organizations (the fields the organization port of src/authz gives). */
export interface TrailOrganizations {
  membership(accountId: string): { readonly organizationId: string; readonly managementAccountId: string } | undefined
  /** Whether the organization managed by `managementAccountId` trusts cloudtrail.amazonaws.com (EnableAWSServiceAccess). */
  trustsCloudTrail?(managementAccountId: string): Promise<boolean>
}
