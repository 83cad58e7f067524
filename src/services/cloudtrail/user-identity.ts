// userIdentity: who made a call, in CloudTrail's form per caller type
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
import type { Caller } from '../../core/caller.js'
import { recordTime } from './record-members.js'

export interface UserIdentity {
  /** Absent for AWS service events, whose identity is the account and `invokedBy` alone. */
  readonly type?: string
  readonly principalId?: string
  readonly arn?: string
  readonly accountId?: string
  readonly accessKeyId?: string
  readonly userName?: string
  readonly sessionContext?: SessionContext
  readonly invokedBy?: string
  readonly identityProvider?: string
}

export interface SessionContext {
  /** Empty for sessions of the user's own credentials (GetSessionToken), as AWS shows them. */
  readonly sessionIssuer: { readonly type?: string; readonly principalId?: string; readonly arn?: string; readonly accountId?: string; readonly userName?: string }
  readonly webIdFederationData: Readonly<Record<string, unknown>>
  readonly attributes: { readonly creationDate: string; readonly mfaAuthenticated: 'true' | 'false' }
  readonly sourceIdentity?: string
}

/** What the outcome of an unsigned federation call tells about its caller (AssumeRoleWithWebIdentity / WithSAML). */
export interface FederatedCaller {
  readonly type: 'WebIdentityUser' | 'SAMLUser'
  readonly principalId: string
  readonly userName: string
  readonly identityProvider: string
}

/** Identities by caller: the authentication stage hands out one Caller object per credential, so each is built once. */
const identities = new WeakMap<Caller, UserIdentity>()

/** The caller's identity (shared between records: treat as read-only). */
export function userIdentity(caller: Caller | undefined, federated?: FederatedCaller): UserIdentity {
  if (federated) return federated
  if (!caller) return identityOf(caller)
  let identity = identities.get(caller)
  if (!identity) {
    identity = identityOf(caller)
    identities.set(caller, identity)
  }
  return identity
}

function identityOf(caller: Caller | undefined): UserIdentity {
  if (!caller || caller.type === 'Anonymous') {
    // An unsigned request (S3's anonymous access): AWS records it as an AWSAccount with the account `anonymous`.
    return { type: 'AWSAccount', principalId: '', accountId: 'anonymous' }
  }
  const accessKeyId = caller.accessKeyId
  switch (caller.type) {
    case 'Root':
      return { type: 'Root', principalId: caller.accountId, arn: caller.arn, accountId: caller.accountId, accessKeyId, ...sessionOf(caller) }
    case 'IAMUser':
      return { type: 'IAMUser', principalId: caller.userId, arn: caller.arn, accountId: caller.accountId, accessKeyId, userName: lastSegment(caller.arn), ...sessionOf(caller) }
    case 'AssumedRole':
    case 'FederatedUser':
      return { type: caller.type, principalId: caller.userId, arn: caller.arn, accountId: caller.accountId, accessKeyId, ...sessionOf(caller) }
    case 'AWSService':
      return { type: 'AWSService', invokedBy: caller.arn.endsWith('.amazonaws.com') ? caller.arn : caller.userId }
    default:
      return { type: caller.type, principalId: caller.userId, arn: caller.arn, accountId: caller.accountId, accessKeyId }
  }
}

/**
 * The identity the resource owner's copy of a cross-account event shows: the calling account, not its principal's
 * details (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html#cloudtrail-event-reference-user-identity-fields).
 */
export function otherAccountIdentity(caller: Caller): UserIdentity {
  return { type: 'AWSAccount', principalId: caller.userId, accountId: caller.accountId }
}

/** LookupEvents' Username: the IAM user name, the role session's name, `root`, the federated name. */
export function lookupUsername(identity: UserIdentity): string | undefined {
  switch (identity.type) {
    case 'Root': return 'root'
    case 'IAMUser': case 'WebIdentityUser': case 'SAMLUser': return identity.userName
    case 'AssumedRole': case 'FederatedUser': return identity.arn === undefined ? undefined : lastSegment(identity.arn)
    default: return undefined
  }
}

function sessionOf(caller: Caller): { sessionContext?: SessionContext } {
  const session = caller.session
  if (!session) return {}
  const issuer = session.issuer
  // A session of the caller's own long-term credentials (GetSessionToken) names no issuer, as in AWS's records.
  const ownSession = caller.type === 'IAMUser' || caller.type === 'Root'
  return {
    sessionContext: {
      sessionIssuer: ownSession ? {} : {
        type: issuer.type,
        principalId: issuer.id,
        arn: issuer.arn,
        accountId: caller.accountId,
        userName: issuer.type === 'Root' ? caller.accountId : lastSegment(issuer.arn),
      },
      webIdFederationData: {},
      attributes: { creationDate: recordTime(session.issuedAt), mfaAuthenticated: session.mfaAuthenticated ? 'true' : 'false' },
      ...(session.sourceIdentity !== undefined && { sourceIdentity: session.sourceIdentity }),
    },
  }
}

function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1)
}
