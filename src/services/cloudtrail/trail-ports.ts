import type { AuthorizationTarget } from '../../core/authorization-target.js'
import type { DeliveryPort, DeliveryRefusal, ServiceDelivery } from '../../core/service-delivery.js'

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

/**
 * What a subscriber may want, asked by the recorder before it builds or keeps anything: data events are recorded only
 * for trails that select them (event history holds management events only,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html), and records no
 * subscriber may hear are not kept until their commit.
 */
export interface DataEventInterest {
  /**
   * Whether the subscriber may want any event at all now (some trail exists): the recorder keeps a record until its
   * commit only for a subscriber that may hear it.
   */
  listening(): boolean
  /** A cheap first look, before any record is built: may a data event of `accountId` in `region` at `at` (ms) be wanted? */
  coversDataEvents(accountId: string, region: string, at: number): boolean
  /** Whether this built data event is wanted. */
  selects(event: TrailEvent): boolean
}

/** Committed events, as the recording side publishes them inside the process. */
export interface TrailEventSource {
  /**
   * `listener` hears every management event committed from now on, and the data events `dataEvents` wants (none
   * without it); the result unsubscribes.
   */
  subscribe(listener: (event: TrailEvent) => void, dataEvents?: DataEventInterest): () => void
}

export type { DeliveryRefusal }
/** An object CloudTrail writes into S3: a log file or a digest file. */
export type LogFileObject = ServiceDelivery
/** Writes CloudTrail's files into S3 as the service principal cloudtrail.amazonaws.com, through the bucket policy. */
export type LogFileSink = DeliveryPort

/** An error carrying the refusal, for sinks other than S3's (the unit tests' fakes). */
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
