// RequestContext: one request prepared for evaluation: lower-cased action and service, the resource account, and
// case-insensitive context lookup with principal keys derived when the request leaves them out.

import { parseArn } from '../../core/arn.js'
import type { AuthorizationRequest, ContextValue, RequestPrincipal } from '../types.js'

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
  private readonly context: Readonly<Record<string, ContextValue>> | undefined

  constructor(readonly request: AuthorizationRequest) {
    this.actionLower = request.action.toLowerCase()
    const colon = this.actionLower.indexOf(':')
    this.service = colon < 0 ? '' : this.actionLower.slice(0, colon)
    this.resource = request.resource
    this.principal = request.principal
    this.context = request.context
    this.resourceAccountId = request.resourceAccountId || parseArn(request.resource)?.accountId || request.principal.accountId
    this.sameAccount = this.resourceAccountId === request.principal.accountId
  }

  /**
   * The value(s) of a context key, or undefined when the request does not carry it. `key` is the name as the policy
   * spells it (tried first, as callers usually spell keys the same way), `keyLower` its lower-cased form.
   */
  get(key: string, keyLower: string): ContextValues | undefined {
    const context = this.context
    if (context) {
      let value = hasOwn(context, key) ? context[key] : undefined
      if (value === undefined) {
        // Key names are case-insensitive: look for another spelling.
        for (const name in context) {
          if (name.length === keyLower.length && name !== key && name.toLowerCase() === keyLower) {
            value = context[name]
            break
          }
        }
      }
      if (value !== undefined) return typeof value !== 'string' && value.length === 0 ? undefined : value
    }
    return this.derived(keyLower)
  }

  /** A single-valued key for policy variables: multivalued keys cannot be variables. */
  single(key: string, keyLower: string): string | undefined {
    const value = this.get(key, keyLower)
    return typeof value === 'string' ? value : undefined
  }

  noteMissing(key: string): void {
    const list = (this.missing ??= [])
    const lower = key.toLowerCase()
    for (const k of list) if (k.toLowerCase() === lower) return
    list.push(key)
  }

  /**
   * Global keys AWS derives from the principal and resource when the request leaves them out
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html): aws:PrincipalArn is
   * the role ARN (not the session ARN) for role sessions; aws:username exists for IAM users only.
   */
  private derived(keyLower: string): string | undefined {
    if (!keyLower.startsWith('aws:')) return undefined
    const p = this.principal
    const type = p.type
    if (keyLower === 'aws:resourceaccount') return this.resourceAccountId || undefined
    if (type === 'Anonymous') return undefined
    const service = type === 'AWSService'
    switch (keyLower) {
      case 'aws:principalisawsservice':
        return service ? 'true' : 'false'
      case 'aws:principalservicename':
        return service ? (p.servicePrincipal ?? p.arn) : undefined
    }
    if (service) return undefined
    switch (keyLower) {
      case 'aws:principalaccount':
        return p.accountId
      case 'aws:userid':
        return p.userId
      case 'aws:principalarn':
        return type === 'AssumedRole' || type === 'WebIdentityUser' || type === 'SAMLUser' ? (p.issuerArn ?? p.arn) : p.arn
      case 'aws:principaltype':
        return type === 'Root' ? 'Account' : type === 'IAMUser' ? 'User' : type === 'FederatedUser' ? 'FederatedUser' : 'AssumedRole'
      case 'aws:username':
        return type === 'IAMUser' ? p.arn.slice(p.arn.lastIndexOf('/') + 1) : undefined
    }
    if (keyLower.startsWith('aws:principaltag/') && p.tags) {
      const tag = keyLower.slice('aws:principaltag/'.length)
      for (const name in p.tags) if (name.toLowerCase() === tag) return p.tags[name]
    }
    return undefined
  }
}

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key)
