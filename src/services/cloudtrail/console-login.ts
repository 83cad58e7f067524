// ConsoleLogin: the AwsConsoleSignIn event of a console sign-in, successful or not
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html).
// The web console calls this and hands the record to CloudTrailRecorder.append.
import type { CloudTrailRecord } from './event-record.js'
import { HIDDEN, recordTime } from './record-members.js'

export interface ConsoleLogin {
  readonly time: Date
  readonly accountId: string
  readonly region: string
  readonly sourceIp: string
  readonly userAgent?: string
  /** Who signed in: the root user, or an IAM user by name (with its ARN and unique id when it exists). */
  readonly principal:
    | { readonly type: 'Root' }
    | { readonly type: 'IAMUser'; readonly userName: string; readonly arn?: string; readonly userId?: string }
  readonly succeeded: boolean
  readonly mfaUsed: boolean
  /** The console page the sign-in led to. */
  readonly loginTo: string
  readonly eventId: string
}

/** The record of one console sign-in attempt; for a user name that does not exist, the name is hidden. */
export function consoleLoginRecord(login: ConsoleLogin): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    userIdentity: identityOf(login),
    eventTime: recordTime(login.time),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: login.region,
    sourceIPAddress: login.sourceIp,
    userAgent: login.userAgent ?? '',
    ...(!login.succeeded && { errorMessage: 'Failed authentication' }),
    requestParameters: null,
    responseElements: { ConsoleLogin: login.succeeded ? 'Success' : 'Failure' },
    additionalEventData: { LoginTo: login.loginTo, MobileVersion: 'No', MFAUsed: login.mfaUsed ? 'Yes' : 'No' },
    eventID: login.eventId,
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: login.accountId,
    eventCategory: 'Management',
  }
}

function identityOf(login: ConsoleLogin): CloudTrailRecord['userIdentity'] {
  const principal = login.principal
  if (principal.type === 'Root') {
    return { type: 'Root', principalId: login.accountId, arn: `arn:aws:iam::${login.accountId}:root`, accountId: login.accountId }
  }
  // An unknown user name may be a password typed into the wrong box: AWS hides it.
  if (principal.arn === undefined) return { type: 'IAMUser', accountId: login.accountId, accessKeyId: '', userName: HIDDEN }
  return { type: 'IAMUser', principalId: principal.userId, arn: principal.arn, accountId: login.accountId, userName: principal.userName }
}
