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
  /** What the temporary credentials that signed the request carry (STS sessions); absent for long-term keys. */
  readonly session?: CallerSession
}

/** An STS session's facts, fixed when it was issued (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html). */
export interface CallerSession {
  /** RoleSessionName, or the federated user's name (GetFederationToken). */
  readonly name?: string
  /** Who issued the session: the role (ARN with path, AROA id), or the IAM user or root user that asked for it. */
  readonly issuer: { readonly type: 'Role' | 'IAMUser' | 'Root'; readonly arn: string; readonly id: string }
  /** Session policies (inline and PolicyArns), compiled with src/policy as `session` policies; they only limit. */
  readonly policies?: readonly object[]
  /** Session tags (aws:PrincipalTag/*), transitive ones inherited through role chaining included. */
  readonly tags?: Readonly<Record<string, string>>
  readonly transitiveTagKeys?: readonly string[]
  /** aws:SourceIdentity, kept through role chaining. */
  readonly sourceIdentity?: string
  /** aws:MultiFactorAuthPresent, and when the code was checked (aws:MultiFactorAuthAge). */
  readonly mfaAuthenticated: boolean
  readonly mfaAuthenticatedAt?: Date
  /** aws:TokenIssueTime. */
  readonly issuedAt: Date
  readonly expiresAt: Date
}

/**
 * The global condition keys a request signed with an STS session's credentials carries
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html): aws:TokenIssueTime,
 * aws:MultiFactorAuthPresent with aws:MultiFactorAuthAge (seconds since the code was checked) when MFA was used,
 * and aws:SourceIdentity. Empty for long-term keys, for which AWS leaves all of them out.
 */
export function sessionConditionKeys(caller: Caller, now: Date): Record<string, string> {
  const session = caller.session
  if (!session) return {}
  const keys: Record<string, string> = {
    'aws:TokenIssueTime': session.issuedAt.toISOString().slice(0, 19) + 'Z',
    'aws:MultiFactorAuthPresent': session.mfaAuthenticated ? 'true' : 'false',
  }
  if (session.mfaAuthenticated && session.mfaAuthenticatedAt) {
    keys['aws:MultiFactorAuthAge'] = String(Math.max(0, Math.floor((now.getTime() - session.mfaAuthenticatedAt.getTime()) / 1000)))
  }
  if (session.sourceIdentity !== undefined) keys['aws:SourceIdentity'] = session.sourceIdentity
  return keys
}

export function anonymousCaller(accountId: string): Caller {
  return { type: 'Anonymous', arn: '*', accountId, userId: 'anonymous' }
}
