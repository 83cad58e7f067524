// roleSession: what AssumeRole and AssumeRoleWithWebIdentity share once the caller is known: the duration rules,
// session policies, tags and source identity, the stored session, and the AssumedRoleUser answer.
import { AwsError } from '../../core/aws-error.js'
import type { Caller } from '../../core/caller.js'
import { InvalidParameterValueError } from '../../core/common-errors.js'
import type { AssumedRoleUser, Credentials, PolicyDescriptorType, Tag } from '../../generated/sts/types.js'
import { roleStore, type RoleRecord } from '../iam/index.js'
import { issueSession } from './issue-session.js'
import { sessionPolicies, sessionTags } from './session-policies.js'
import type { StsDeps } from './sts-deps.js'

/** "If you do not specify a value for this setting, the default value is one hour" (AssumeRole DurationSeconds). */
export const DEFAULT_ROLE_SESSION_SECONDS = 3600
/** Role chaining "limits your AWS CLI or AWS API role session to a maximum of one hour" (IAM roles terms). */
export const ROLE_CHAINING_MAX_SECONDS = 3600

export interface RoleSessionRequest {
  readonly role: RoleRecord
  readonly sessionName: string
  readonly durationSeconds?: number
  readonly Policy?: string
  readonly PolicyArns?: readonly PolicyDescriptorType[]
  readonly Tags?: readonly Tag[]
  readonly TransitiveTagKeys?: readonly string[]
  readonly sourceIdentity?: string
  /** A code checked now (AssumeRole's SerialNumber + TokenCode). */
  readonly mfaAt?: Date
  /** The session the call was made with, for role chaining (AssumeRole only). */
  readonly parent?: Caller
  readonly partition: string
  readonly region: string
}

export interface RoleSession {
  readonly Credentials: Credentials
  readonly AssumedRoleUser: AssumedRoleUser
  readonly PackedPolicySize?: number
  readonly SourceIdentity?: string
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html#id_roles_use_view-role-max-session
export async function roleSession(deps: StsDeps, request: RoleSessionRequest): Promise<RoleSession> {
  const { role, parent } = request
  const chained = parent?.type === 'AssumedRole'
  const duration = request.durationSeconds ?? DEFAULT_ROLE_SESSION_SECONDS
  if (chained && duration > ROLE_CHAINING_MAX_SECONDS) {
    throw new AwsError('ValidationError', 400, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.')
  }
  if (duration > role.maxSessionDuration) {
    throw new AwsError('ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.')
  }
  const tags = { ...inheritedTransitiveTags(parent, request.Tags), ...sessionTags(request.Tags, request.TransitiveTagKeys) }
  const transitiveTagKeys = [...((chained && parent.session?.transitiveTagKeys) || []), ...(request.TransitiveTagKeys ?? [])]
  // "After you set the source identity value, it cannot be changed" (id_credentials_temp_control-access_monitor.html).
  const inheritedSource = parent?.session?.sourceIdentity
  if (inheritedSource !== undefined && request.sourceIdentity !== undefined && request.sourceIdentity !== inheritedSource) {
    throw new InvalidParameterValueError('The source identity of a role session cannot be changed in a role chain.')
  }
  const sourceIdentity = inheritedSource ?? request.sourceIdentity
  const policies = await sessionPolicies(deps.database.db, role.accountId, request)
  const mfaAt = request.mfaAt ?? (parent?.session?.mfaAuthenticated ? parent.session.mfaAuthenticatedAt : undefined)
  const arn = `arn:${request.partition}:sts::${role.accountId}:assumed-role/${role.roleName}/${request.sessionName}`
  const userId = `${role.roleId}:${request.sessionName}`
  const credentials = await issueSession(deps, {
    accountId: role.accountId,
    durationSeconds: duration,
    caller: {
      type: 'AssumedRole',
      arn,
      userId,
      name: request.sessionName,
      issuer: { type: 'Role', arn: role.arn, id: role.roleId },
      ...(policies.policies && { policies: policies.policies }),
      ...(Object.keys(tags).length > 0 && { tags }),
      ...(transitiveTagKeys.length > 0 && { transitiveTagKeys }),
      ...(sourceIdentity !== undefined && { sourceIdentity }),
      mfaAuthenticated: mfaAt !== undefined,
      ...(mfaAt !== undefined && { mfaAuthenticatedAt: mfaAt.toISOString() }),
    },
  })
  await roleStore(deps.database.db).recordUse(role.accountId, role.roleName, deps.clock.now(), request.region)
  return {
    Credentials: credentials,
    AssumedRoleUser: { Arn: arn, AssumedRoleId: userId },
    ...(policies.packedPolicySize !== undefined && { PackedPolicySize: policies.packedPolicySize }),
    ...(sourceIdentity !== undefined && { SourceIdentity: sourceIdentity }),
  }
}

/**
 * The parent session's transitive tags pass to the next role in the chain, and cannot be overridden there
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_role-chaining).
 */
function inheritedTransitiveTags(parent: Caller | undefined, requested: readonly Tag[] | undefined): Record<string, string> {
  const inherited: Record<string, string> = {}
  const session = parent?.session
  if (parent?.type !== 'AssumedRole' || !session?.tags) return inherited
  const requestedKeys = new Set((requested ?? []).map((tag) => tag.Key.toLowerCase()))
  for (const key of session.transitiveTagKeys ?? []) {
    if (requestedKeys.has(key.toLowerCase())) {
      throw new InvalidParameterValueError(`The tag key ${key} is a transitive tag of the current session and cannot be set again.`)
    }
    const value = session.tags[key]
    if (value !== undefined) inherited[key] = value
  }
  return inherited
}
