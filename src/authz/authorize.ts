// The authorization stage: decides whether the caller may do what the operation declared, or throws AWS's AccessDenied.
import type { AuthorizationTarget, CallFacts } from '../core/authorization-target.js'
import type { Caller } from '../core/caller.js'
import { AccessDeniedError } from '../core/common-errors.js'
import type { HttpRequest } from '../core/http.js'

export interface AuthorizerOptions {
  /** permissive: enforcement is off (every response is otherwise the same). */
  readonly mode: 'strict' | 'permissive'
}

export type Authorize = (caller: Caller, target: AuthorizationTarget, request: HttpRequest, call: CallFacts) => void

/**
 * The root user has full access to its own account (only SCPs/RCPs limit it, and none exist until Organizations);
 * actions AWS documents as needing no permission are always allowed. Every other principal needs a policy, and
 * until identity policies exist (the IAM issue wires the policy engine in here) none grants anything.
 */
export function createAuthorizer(options: AuthorizerOptions): Authorize {
  return function authorize(caller, target, _request, call) {
    if (options.mode === 'permissive' || target.requiresPermission === false) return
    if (caller.type === 'Root' && caller.accountId === call.accountId) return
    throw accessDenied(caller, target)
  }
}

// AWS's message: "User: ARN is not authorized to perform: ACTION on resource: ARN because no identity-based
// policy allows the ACTION action" (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
function accessDenied(caller: Caller, target: AuthorizationTarget): AccessDeniedError {
  const resource = target.resources[0] ?? '*'
  return new AccessDeniedError(
    `User: ${caller.arn} is not authorized to perform: ${target.action} on resource: ${resource} because no identity-based policy allows the ${target.action} action`,
  )
}
