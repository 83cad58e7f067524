// Test helpers for the policy engine: ready-made principals and a one-condition evaluator (used by tests only).

import { splitOperator } from './parse/parse-policy.js'
import { compileCondition, conditionHolds } from './evaluate/conditions/condition.js'
import { RequestContext } from './evaluate/request-context.js'
import type { ContextValue, RequestPrincipal } from './types.js'

export const ACCOUNT = '111122223333'
export const OTHER_ACCOUNT = '444455556666'

export const principals = {
  user: (name = 'alice', account = ACCOUNT, extra: Partial<RequestPrincipal> = {}): RequestPrincipal => ({
    type: 'IAMUser',
    arn: `arn:aws:iam::${account}:user/${name}`,
    accountId: account,
    userId: `AIDA${name.toUpperCase()}`,
    ...extra,
  }),
  roleSession: (role = 'Admin', session = 's1', account = ACCOUNT, extra: Partial<RequestPrincipal> = {}): RequestPrincipal => ({
    type: 'AssumedRole',
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    userId: `AROA${role.toUpperCase()}:${session}`,
    issuerArn: `arn:aws:iam::${account}:role/${role}`,
    ...extra,
  }),
  federatedUser: (name = 'bob', issuer = 'alice', account = ACCOUNT): RequestPrincipal => ({
    type: 'FederatedUser',
    arn: `arn:aws:sts::${account}:federated-user/${name}`,
    accountId: account,
    userId: `${account}:${name}`,
    issuerArn: `arn:aws:iam::${account}:user/${issuer}`,
  }),
  root: (account = ACCOUNT, extra: Partial<RequestPrincipal> = {}): RequestPrincipal => ({
    type: 'Root',
    arn: `arn:aws:iam::${account}:root`,
    accountId: account,
    userId: account,
    ...extra,
  }),
  service: (name = 'cloudtrail.amazonaws.com'): RequestPrincipal => ({
    type: 'AWSService',
    arn: name,
    accountId: '',
    userId: name,
    servicePrincipal: name,
  }),
  anonymous: (): RequestPrincipal => ({ type: 'Anonymous', arn: '*', accountId: '', userId: 'anonymous' }),
}

/** Evaluates one condition clause (`"ForAnyValue:StringLike": { key: values }`) against a request context. */
export function holds(
  operator: string,
  key: string,
  values: string | readonly string[],
  context: Readonly<Record<string, ContextValue>>,
  options: { version?: '2012-10-17' | '2008-10-17'; principal?: RequestPrincipal } = {},
): boolean {
  const parts = splitOperator(operator)
  if (!parts) throw new Error(`unknown condition operator \`${operator}\``)
  const clause = { operator, ...parts, key, values: typeof values === 'string' ? [values] : [...values] }
  const compiled = compileCondition(clause, options.version ?? '2012-10-17')
  const ctx = new RequestContext({ principal: options.principal ?? principals.user(), action: 's3:GetObject', resource: '*', context })
  return conditionHolds(compiled, ctx)
}
