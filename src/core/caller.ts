// Caller: who made a request, as authentication established it.

/** CloudTrail's userIdentity types (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html). */
export type CallerType =
  | 'Root'
  | 'IAMUser'
  | 'AssumedRole'
  | 'FederatedUser'
  | 'WebIdentityUser'
  | 'SAMLUser'
  | 'AWSService'
  | 'AWSAccount'
  | 'Anonymous'

export interface Caller {
  readonly type: CallerType
  /** The principal's ARN: `arn:aws:iam::123456789012:root`, `…:user/Alice`, `arn:aws:sts::…:assumed-role/R/s`. */
  readonly arn: string
  readonly accountId: string
  /** GetCallerIdentity's UserId: the account id for root, `AIDA…` for users, `AROA…:session` for roles. */
  readonly userId: string
  /** The access key that signed the request; absent for anonymous calls. */
  readonly accessKeyId?: string
  /** Present when the request carried temporary credentials. */
  readonly sessionToken?: string
}

export function anonymousCaller(accountId: string): Caller {
  return { type: 'Anonymous', arn: '*', accountId, userId: 'anonymous' }
}
