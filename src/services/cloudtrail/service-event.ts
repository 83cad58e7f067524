// AWS service events: what a service does on its own, not asked by any request (KMS rotating a key on schedule,
// deleting a key once its waiting period is over), recorded with eventType AwsServiceEvent
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/non-api-aws-service-events.html). The service's background
// work hands them to CloudTrailRecorder.append.
import { parseArn } from '../../core/arn.js'
import type { CloudTrailRecord } from './event-record.js'
import { recordTime } from './record-members.js'

/** What AWS writes as the caller, address and user agent of its own work. */
const AWS_INTERNAL = 'AWS Internal'

/** What KMS's sweep did: keys deleted after their waiting period, keys rotated on schedule (key ARNs). */
export interface KmsSweepOutcome {
  readonly deleted: readonly string[]
  readonly rotated: readonly string[]
}

/** The service events of one KMS sweep: `DeleteKey` and `RotateKey`, one per key, each in the key's account and region. */
export function kmsServiceEvents(outcome: KmsSweepOutcome, time: Date, eventId: () => string): CloudTrailRecord[] {
  return [
    ...outcome.deleted.map((arn) => kmsKeyEvent('DeleteKey', arn, time, eventId(), { responseElements: { keyId: arn } })),
    ...outcome.rotated.map((arn) => kmsKeyEvent('RotateKey', arn, time, eventId(), {
      serviceEventDetails: { rotationType: 'AUTOMATIC', keyId: parseArn(arn)?.resource.replace(/^key\//, '') ?? arn, keyOrigin: 'AWS_KMS' },
    })),
  ]
}

function kmsKeyEvent(
  eventName: 'DeleteKey' | 'RotateKey', arn: string, time: Date, eventID: string,
  extra: { readonly responseElements?: Record<string, unknown>; readonly serviceEventDetails?: Record<string, unknown> },
): CloudTrailRecord {
  const parsed = parseArn(arn)
  const accountId = parsed?.accountId ?? ''
  return {
    eventVersion: '1.09',
    userIdentity: { accountId, invokedBy: AWS_INTERNAL },
    eventTime: recordTime(time),
    eventSource: 'kms.amazonaws.com',
    eventName,
    awsRegion: parsed?.region ?? '',
    sourceIPAddress: AWS_INTERNAL,
    userAgent: AWS_INTERNAL,
    requestParameters: null,
    responseElements: extra.responseElements ?? null,
    eventID,
    readOnly: false,
    resources: [{ accountId, type: 'AWS::KMS::Key', ARN: arn }],
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: accountId,
    ...(extra.serviceEventDetails && { serviceEventDetails: extra.serviceEventDetails }),
    eventCategory: 'Management',
  }
}
