// RequestContext: one request prepared for evaluation: lower-cased action and service, the resource account, and
// case-insensitive context lookup with principal keys derived when the request leaves them out.

import type { AuthorizationRequest, RequestPrincipal } from '../types.js'

/** A context value as conditions see it: one string, or several (never an empty array: that is "absent"). */
export type ContextValues = string | readonly string[]

export class RequestContext {
  readonly actionLower: string
  /** The service prefix of the action, lower-cased (`s3`). */
  readonly service: string
  readonly resource: string
  readonly principal: RequestPrincipal
  readonly resourceAccountId: string
  readonly sameAccount: boolean
  /** Keys that a condition or variable looked up and did not find, as the policy spelled them. */
  missing: string[] | undefined
  private lowered: Map<string, ContextValues> | undefined

  constructor(readonly request: AuthorizationRequest) {
    this.actionLower = request.action.toLowerCase()
    const colon = this.actionLower.indexOf(':')
    this.service = colon < 0 ? '' : this.actionLower.slice(0, colon)
    this.resource = request.resource
    this.principal = request.principal
    this.resourceAccountId = request.resourceAccountId || arnAccount(request.resource) || request.principal.accountId
    this.sameAccount = this.resourceAccountId === request.principal.accountId
  }

  /** The value(s) of a context key by lower-cased name, or undefined when the request does not carry it. */
  get(keyLower: string): ContextValues | undefined {
    let map = this.lowered
    if (!map) map = this.lowered = buildContext(this.request, this.resourceAccountId)
    return map.get(keyLower)
  }

  /** A single-valued key for policy variables: multivalued keys cannot be variables. */
  single(keyLower: string): string | undefined {
    const value = this.get(keyLower)
    return typeof value === 'string' ? value : undefined
  }

  noteMissing(key: string): void {
    const list = (this.missing ??= [])
    const lower = key.toLowerCase()
    if (!list.some((k) => k.toLowerCase() === lower)) list.push(key)
  }
}

/** The account field of an ARN (`arn:aws:iam::111122223333:user/x` → `111122223333`); '' for none. */
export function arnAccount(arn: string): string {
  if (!arn.startsWith('arn:')) return ''
  let colon = 3
  for (let n = 0; n < 3; n++) {
    colon = arn.indexOf(':', colon + 1)
    if (colon < 0) return ''
  }
  const end = arn.indexOf(':', colon + 1)
  return end < 0 ? '' : arn.slice(colon + 1, end)
}

function buildContext(request: AuthorizationRequest, resourceAccountId: string): Map<string, ContextValues> {
  const map = new Map<string, ContextValues>()
  for (const [key, value] of derivedPrincipalKeys(request.principal)) map.set(key, value)
  if (resourceAccountId) map.set('aws:resourceaccount', resourceAccountId)
  const context = request.context
  if (context) {
    for (const key in context) {
      const value = context[key] as ContextValues
      const lower = key.toLowerCase()
      if (Array.isArray(value) && value.length === 0) map.delete(lower) // an empty set is an absent key
      else map.set(lower, value)
    }
  }
  return map
}

/**
 * Global keys AWS derives from the principal (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 * aws:PrincipalArn is the role ARN (not the session ARN) for role sessions; aws:username exists for IAM users only.
 */
export function derivedPrincipalKeys(principal: RequestPrincipal): [string, ContextValues][] {
  const keys: [string, ContextValues][] = []
  const type = principal.type
  if (type === 'Anonymous') return keys
  if (type === 'AWSService') {
    keys.push(['aws:principalisawsservice', 'true'])
    if (principal.servicePrincipal ?? principal.arn) keys.push(['aws:principalservicename', principal.servicePrincipal ?? principal.arn])
    return keys
  }
  keys.push(['aws:principalisawsservice', 'false'])
  keys.push(['aws:principalaccount', principal.accountId])
  keys.push(['aws:userid', principal.userId])
  const principalArn = type === 'AssumedRole' || type === 'WebIdentityUser' || type === 'SAMLUser' ? (principal.issuerArn ?? principal.arn) : principal.arn
  keys.push(['aws:principalarn', principalArn])
  const principalType =
    type === 'Root' ? 'Account' : type === 'IAMUser' ? 'User' : type === 'FederatedUser' ? 'FederatedUser' : 'AssumedRole'
  keys.push(['aws:principaltype', principalType])
  if (type === 'IAMUser') keys.push(['aws:username', principal.arn.slice(principal.arn.lastIndexOf('/') + 1)])
  if (principal.tags) {
    for (const [tag, value] of Object.entries(principal.tags)) keys.push([`aws:principaltag/${tag.toLowerCase()}`, value])
  }
  return keys
}
