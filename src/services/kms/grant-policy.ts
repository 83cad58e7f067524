// A grant as the policy engine sees it: one Allow statement for its operations, to its grantee principal, under its
// encryption context constraints (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html).
import { compilePolicy, type CompiledPolicy } from '../../policy/index.js'
import type { GrantConstraints, GrantOperation } from '../../generated/kms/types.js'

export interface GrantFacts {
  readonly grantId: string
  readonly granteePrincipal: string
  readonly operations: readonly GrantOperation[]
  readonly constraints?: GrantConstraints
}

export function grantPolicy(grant: GrantFacts, keyArn: string): CompiledPolicy {
  const statement: Record<string, unknown> = {
    Sid: `Grant ${grant.grantId}`,
    Effect: 'Allow',
    Principal: principalElement(grant.granteePrincipal),
    Action: grant.operations.map((operation) => `kms:${operation}`),
    Resource: keyArn,
  }
  const condition = constraintCondition(grant.constraints)
  if (condition) statement.Condition = condition
  return compilePolicy(`${keyArn}/grant/${grant.grantId}`, 'resource', { Version: '2012-10-17', Statement: [statement] })
}

// A service principal (`dynamodb.amazonaws.com`) is named as Service, anything else is an AWS principal ARN or account.
function principalElement(principal: string): Record<string, string> {
  return /^[a-z0-9.-]+\.amazonaws\.com$/.test(principal) ? { Service: principal } : { AWS: principal }
}

/**
 * EncryptionContextSubset: each pair must be in the request's context. EncryptionContextEquals: each pair, and no
 * other key (https://docs.aws.amazon.com/kms/latest/developerguide/create-grant-overview.html#grant-constraints).
 */
function constraintCondition(constraints: GrantConstraints | undefined): Record<string, unknown> | undefined {
  const pairs = constraints?.EncryptionContextEquals ?? constraints?.EncryptionContextSubset
  if (!pairs) return undefined
  const equals = Object.fromEntries(Object.entries(pairs).map(([key, value]) => [`kms:EncryptionContext:${key}`, value]))
  const keys = Object.keys(pairs)
  const condition: Record<string, unknown> = keys.length > 0 ? { StringEquals: equals } : {}
  if (constraints?.EncryptionContextEquals) {
    condition['ForAllValues:StringEquals'] = { 'kms:EncryptionContextKeys': keys.length > 0 ? keys : [''] }
  }
  return Object.keys(condition).length > 0 ? condition : undefined
}
