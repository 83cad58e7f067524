// sts:GetSessionToken and sts:GetFederationToken: temporary credentials for an IAM user or the root user, as
// themselves (optionally MFA-authenticated) or as a federated user limited by session policies.
import { AccessDeniedError } from '../../core/common-errors.js'
import type { Caller } from '../../core/caller.js'
import type { StsApi } from '../../generated/sts/api.js'
import { issueSession } from './issue-session.js'
import { mfaCheck } from './mfa-check.js'
import { NO_SESSION_PERMISSIONS, sessionPolicies, sessionTags } from './session-policies.js'
import type { StsDeps } from './sts-deps.js'

// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html and API_GetFederationToken.html:
// 12 hours by default, and the root user's sessions are capped at one hour ("defaults to one hour").
export const DEFAULT_USER_SESSION_SECONDS = 43_200
export const ROOT_SESSION_MAX_SECONDS = 3600

export function sessionTokenOperations(deps: StsDeps) {
  const checkMfa = mfaCheck(deps)
  return {
    async GetSessionToken(input, ctx) {
      const caller = longTermCaller(ctx.caller, 'GetSessionToken')
      const mfaAt = await checkMfa(caller.accountId, input.SerialNumber, input.TokenCode)
      const Credentials = await issueSession(deps, {
        accountId: caller.accountId,
        durationSeconds: durationFor(caller, input.DurationSeconds),
        caller: {
          type: caller.type,
          arn: caller.arn,
          userId: caller.userId,
          issuer: { type: caller.type, arn: caller.arn, id: caller.userId },
          mfaAuthenticated: mfaAt !== undefined,
          ...(mfaAt && { mfaAuthenticatedAt: mfaAt.toISOString() }),
        },
      })
      return { Credentials }
    },

    async GetFederationToken(input, ctx) {
      const caller = longTermCaller(ctx.caller, 'GetFederationToken')
      const policies = await sessionPolicies(deps.database.db, caller.accountId, input)
      const tags = sessionTags(input.Tags, undefined)
      const arn = `arn:${ctx.partition}:sts::${caller.accountId}:federated-user/${input.Name}`
      const userId = `${caller.accountId}:${input.Name}`
      const Credentials = await issueSession(deps, {
        accountId: caller.accountId,
        durationSeconds: durationFor(caller, input.DurationSeconds),
        caller: {
          type: 'FederatedUser',
          arn,
          userId,
          name: input.Name,
          issuer: { type: caller.type, arn: caller.arn, id: caller.userId },
          policies: policies.policies ?? [NO_SESSION_PERMISSIONS],
          ...(Object.keys(tags).length > 0 && { tags }),
          mfaAuthenticated: false,
        },
      })
      return {
        Credentials,
        FederatedUser: { Arn: arn, FederatedUserId: userId },
        ...(policies.packedPolicySize !== undefined && { PackedPolicySize: policies.packedPolicySize }),
      }
    },
  } satisfies Partial<StsApi>
}

/** Both operations need long-term credentials: an IAM user's or the root user's access key, not a session's. */
function longTermCaller(caller: Caller, operation: string): Caller & { type: 'IAMUser' | 'Root' } {
  if (caller.session || (caller.type !== 'IAMUser' && caller.type !== 'Root')) {
    throw new AccessDeniedError(`Cannot call ${operation} with session credentials`)
  }
  return caller as Caller & { type: 'IAMUser' | 'Root' }
}

function durationFor(caller: Caller, requested: number | undefined): number {
  const duration = requested ?? DEFAULT_USER_SESSION_SECONDS
  return caller.type === 'Root' ? Math.min(duration, ROOT_SESSION_MAX_SECONDS) : duration
}
