// The global condition keys AWS derives from the principal (aws:PrincipalArn, aws:userid, aws:PrincipalTag/*, …): one
// derivation, used by evaluation for keys a request leaves out and by whoever reports a request's keys (decoded denials).
import type { RequestPrincipal } from '../types.js'

/**
 * Every key the principal implies, by its documented spelling: what a policy would see for a key the request does
 * not carry. Anonymous callers imply none; AWS service principals only aws:PrincipalIsAWSService and
 * aws:PrincipalServiceName.
 */
export function principalConditionKeys(principal: RequestPrincipal): Record<string, string> {
  const keys: Record<string, string> = {}
  const names = principal.tags ? [...PRINCIPAL_KEYS, ...Object.keys(principal.tags).map((tag) => `aws:PrincipalTag/${tag}`)] : PRINCIPAL_KEYS
  for (const name of names) {
    const value = principalConditionKey(principal, name.toLowerCase())
    if (value !== undefined) keys[name] = value
  }
  return keys
}

/**
 * The value of one principal-derived key, by its lower-cased name, or undefined when the principal implies none
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html): aws:PrincipalArn is the
 * role ARN (not the session ARN) for role sessions; aws:username exists for IAM users only.
 */
export function principalConditionKey(principal: RequestPrincipal, keyLower: string): string | undefined {
  if (!keyLower.startsWith('aws:')) return undefined
  const type = principal.type
  if (type === 'Anonymous') return undefined
  const service = type === 'AWSService'
  switch (keyLower) {
    case 'aws:principalisawsservice':
      return service ? 'true' : 'false'
    case 'aws:principalservicename':
      return service ? (principal.servicePrincipal ?? principal.arn) : undefined
  }
  if (service) return undefined
  switch (keyLower) {
    case 'aws:principalaccount':
      return principal.accountId
    case 'aws:userid':
      return principal.userId
    case 'aws:principalarn':
      return type === 'AssumedRole' || type === 'WebIdentityUser' || type === 'SAMLUser' ? (principal.issuerArn ?? principal.arn) : principal.arn
    case 'aws:principaltype':
      return type === 'Root' ? 'Account' : type === 'IAMUser' ? 'User' : type === 'FederatedUser' ? 'FederatedUser' : 'AssumedRole'
    case 'aws:username':
      return type === 'IAMUser' ? principal.arn.slice(principal.arn.lastIndexOf('/') + 1) : undefined
  }
  if (keyLower.startsWith('aws:principaltag/') && principal.tags) {
    const tag = keyLower.slice('aws:principaltag/'.length)
    for (const name in principal.tags) if (name.toLowerCase() === tag) return principal.tags[name]
  }
  return undefined
}

// The single-valued keys above, spelled as the condition keys reference spells them.
const PRINCIPAL_KEYS: readonly string[] = [
  'aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:PrincipalType', 'aws:userid', 'aws:username',
  'aws:PrincipalIsAWSService', 'aws:PrincipalServiceName',
]
