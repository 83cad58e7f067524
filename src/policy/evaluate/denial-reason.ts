// denialReason: the "because …" / "with an explicit deny in …" clause of AWS's AccessDenied message.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html

import type { Decision, PolicyType } from '../types.js'

const explicitNames: Record<PolicyType, string> = {
  scp: 'a service control policy',
  rcp: 'a resource control policy',
  identity: 'an identity-based policy',
  resource: 'a resource-based policy',
  trust: 'a resource-based policy',
  boundary: 'a permissions boundary',
  session: 'a session policy',
}

const implicitNames: Record<PolicyType, string> = {
  scp: 'service control policy',
  rcp: 'resource control policy',
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  trust: 'resource-based policy',
  boundary: 'permissions boundary',
  session: 'session policy',
}

/**
 * AWS's reason clause for a denied decision, e.g. `with an explicit deny in a service control policy` or
 * `because no identity-based policy allows the s3:GetObject action`; undefined for an Allow.
 */
export function denialReason(decision: Decision, action: string): string | undefined {
  const denial = decision.denial
  if (decision.effect === 'Allow' || !denial) return undefined
  if (denial.kind === 'explicit') return `with an explicit deny in ${explicitNames[denial.policyType]}`
  return `because no ${implicitNames[denial.policyType]} allows the ${action} action`
}
