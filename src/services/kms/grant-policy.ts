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

/**
 * The operations a grant's encryption context constraint applies to. It does not apply to DescribeKey and
 * RetireGrant (https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html). A constrained grant
 * that includes CreateGrant only lets the grantee create grants "with an equally strict or stricter" constraint; here
 * such a CreateGrant must carry the constraint's context, which CreateGrant requests have none of, so it is refused
 * (stricter than AWS, never looser).
 */
export const CONSTRAINED_OPERATIONS: ReadonlySet<GrantOperation> = new Set([
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant',
])

export function grantPolicy(grant: GrantFacts, keyArn: string): CompiledPolicy {
  const condition = constraintCondition(grant.constraints)
  const constrained = condition ? grant.operations.filter((operation) => CONSTRAINED_OPERATIONS.has(operation)) : []
  // A grantee may pass on no more than the grant gives it: CreateGrant only for a subset of its operations
  // (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html#terms-grant-operations).
  const delegates = !condition && grant.operations.includes('CreateGrant')
  const free = grant.operations.filter((operation) => !constrained.includes(operation) && !(delegates && operation === 'CreateGrant'))
  const statement = (sid: string, operations: readonly GrantOperation[], when?: Record<string, unknown>) => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: principalElement(grant.granteePrincipal),
    Action: operations.map((operation) => `kms:${operation}`),
    Resource: keyArn,
    ...(when && { Condition: when }),
  })
  const statements = [
    ...(constrained.length > 0 ? [statement(`Grant ${grant.grantId} constrained`, constrained, condition)] : []),
    ...(free.length > 0 ? [statement(`Grant ${grant.grantId}`, free)] : []),
    ...(delegates
      ? [statement(`Grant ${grant.grantId} delegation`, ['CreateGrant'], { 'ForAllValues:StringEquals': { 'kms:GrantOperations': [...grant.operations] } })]
      : []),
  ]
  return compilePolicy(`${keyArn}/grant/${grant.grantId}`, 'resource', { Version: '2012-10-17', Statement: statements })
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
    // Constraint keys are case-insensitive, values case-sensitive (API_GrantConstraints).
    condition['ForAllValues:StringEqualsIgnoreCase'] = { 'kms:EncryptionContextKeys': keys.length > 0 ? keys : [''] }
  }
  return Object.keys(condition).length > 0 ? condition : undefined
}
