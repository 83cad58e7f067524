// sts:AssumeRole: a session of a role for an IAM user or another role session (role chaining). Whether the role
// trusts the caller is the authorization stage's decision, over the trust policy authorization.ts declares.
import { AccessDeniedError } from '../../core/common-errors.js'
import type { StsApi } from '../../generated/sts/api.js'
import { mfaCheck } from './mfa-check.js'
import { roleSession } from './role-session.js'
import type { StsDeps } from './sts-deps.js'

export function assumeRoleOperations(deps: StsDeps) {
  const checkMfa = mfaCheck(deps)
  return {
    async AssumeRole(input, ctx) {
      const { caller } = ctx
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html: the root user cannot assume roles.
      if (caller.type === 'Root') throw new AccessDeniedError('Roles may not be assumed by root accounts.')
      // Federated users' credentials call no STS operation but GetCallerIdentity (GetFederationToken API reference).
      if (caller.type !== 'IAMUser' && caller.type !== 'AssumedRole') throw notAuthorized(caller.arn, input.RoleArn)
      const role = deps.trust.find(input.RoleArn)?.role
      if (!role) throw notAuthorized(caller.arn, input.RoleArn)
      const mfaAt = await checkMfa(caller.accountId, input.SerialNumber, input.TokenCode)
      return roleSession(deps, {
        role,
        sessionName: input.RoleSessionName,
        ...(input.DurationSeconds !== undefined && { durationSeconds: input.DurationSeconds }),
        ...(input.Policy !== undefined && { Policy: input.Policy }),
        ...(input.PolicyArns && { PolicyArns: input.PolicyArns }),
        ...(input.Tags && { Tags: input.Tags }),
        ...(input.TransitiveTagKeys && { TransitiveTagKeys: input.TransitiveTagKeys }),
        ...(input.SourceIdentity !== undefined && { sourceIdentity: input.SourceIdentity }),
        ...(mfaAt && { mfaAt }),
        parent: caller,
        partition: ctx.partition,
        region: ctx.region,
      })
    },
  } satisfies Partial<StsApi>
}

/** AWS's answer for a role that does not exist, as for one that does not trust the caller. */
export function notAuthorized(callerArn: string, roleArn: string, action = 'sts:AssumeRole'): AccessDeniedError {
  return new AccessDeniedError(`User: ${callerArn} is not authorized to perform: ${action} on resource: ${roleArn}`)
}
