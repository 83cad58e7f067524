// What a policy's Content must be, per type: the size quota, and for SCPs and RCPs the IAM grammar as
// Organizations restricts it (src/policy parsePolicy with the `scp` / `rcp` type).
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
import { ConstraintViolationException, MalformedPolicyDocumentException } from '../../generated/organizations/errors.js'
import { parsePolicy, PolicySyntaxError } from '../../policy/index.js'

/** "Maximum size of a policy document", in characters, per type; types AWS does not list get 10,000. */
const MAX_POLICY_SIZE: Readonly<Record<string, number>> = {
  SERVICE_CONTROL_POLICY: 5120,
  RESOURCE_CONTROL_POLICY: 5120,
  AISERVICES_OPT_OUT_POLICY: 2500,
}
const DEFAULT_MAX_POLICY_SIZE = 10_000

/** "Number of policies of each type in an organization": 10,000 SCPs, 1,000 of every other type. */
export function maxPoliciesOfType(policyType: string): number {
  return policyType === 'SERVICE_CONTROL_POLICY' ? 10_000 : 1000
}

/** "Maximum number of policies attached to a root, OU or account": 5 SCPs or RCPs, 10 of the other types. */
export function maxAttachmentsOfType(policyType: string): number {
  return policyType === 'SERVICE_CONTROL_POLICY' || policyType === 'RESOURCE_CONTROL_POLICY' ? 5 : 10
}

/** Throws AWS's error when `content` is too large or not a valid policy of `policyType`. */
export function checkPolicyContent(policyType: string, content: string): void {
  // Through the API the policy is stored as sent: whitespace counts toward the quota (only the console strips it).
  if (content.length > (MAX_POLICY_SIZE[policyType] ?? DEFAULT_MAX_POLICY_SIZE)) {
    throw new ConstraintViolationException('You have exceeded the maximum policy size.', { Reason: 'POLICY_CONTENT_LIMIT_EXCEEDED' })
  }
  if (policyType === 'SERVICE_CONTROL_POLICY' || policyType === 'RESOURCE_CONTROL_POLICY') {
    try {
      parsePolicy(content, policyType === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp')
    } catch (error) {
      if (error instanceof PolicySyntaxError) throw new MalformedPolicyDocumentException(error.message)
      throw error
    }
    return
  }
  // Management policies (tag, backup, AI services opt-out…) are JSON objects of their own grammar; Palisade stores
  // and reports them, checking only that they are JSON objects.
  let parsed: unknown
  try {
    parsed = JSON.parse(content)
  } catch {
    throw new MalformedPolicyDocumentException('The provided policy document does not meet the requirements of the specified policy type.')
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MalformedPolicyDocumentException('The provided policy document does not meet the requirements of the specified policy type.')
  }
}
