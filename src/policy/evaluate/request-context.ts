// RequestContext: one request prepared for evaluation: lower-cased action and service, the resource account, and
// case-insensitive context lookup with principal keys derived when the request leaves them out.

import { parseArn } from '../../core/arn.js'
import type { AuthorizationRequest, ContextValue, RequestPrincipal } from '../types.js'
import { principalConditionKey } from './principal-condition-keys.js'

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

  /** Keys AWS derives when the request leaves them out: aws:ResourceAccount from the resource, the rest from the principal. */
  private derived(keyLower: string): string | undefined {
    if (keyLower === 'aws:resourceaccount') return this.resourceAccountId || undefined
    return principalConditionKey(this.principal, keyLower)
  }
}

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key)
