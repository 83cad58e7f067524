// Whether a bucket policy is public, as S3 defines it for GetBucketPolicyStatus, BlockPublicPolicy and
// RestrictPublicBuckets (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status).
import type { ConditionClause, PolicyDocument, PolicyStatement } from '../../../policy/index.js'

/**
 * Keys whose fixed value ties a statement to known parties, so that a statement with a wildcard principal is not
 * public when one of them is fixed by a positive condition. AWS's list; aws:SourceIp counts when its CIDRs are not
 * the whole address space.
 */
const RESTRICTING_KEYS = new Set([
  'aws:sourcearn', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:sourceowner', 'aws:sourceaccount',
  's3:x-amz-server-side-encryption-aws-kms-key-id', 'aws:userid', 'aws:principalorgid', 'aws:principalorgpaths',
  'aws:principalaccount', 'aws:principalarn', 's3:dataaccesspointarn', 's3:dataaccesspointaccount', 'aws:sourceip',
])

const POSITIVE_OPERATORS = new Set(['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike', 'IpAddress'])

/** True when some Allow statement grants to everyone (a wildcard principal) without a fixing condition. */
export function isPublicPolicy(policy: PolicyDocument): boolean {
  return policy.statements.some((statement) => statement.effect === 'Allow' && grantsToAnyone(statement) && !isFixedByCondition(statement))
}

function grantsToAnyone(statement: PolicyStatement): boolean {
  if (statement.notPrincipal) return true // Allow with NotPrincipal: everyone but a few
  const principal = statement.principal
  if (!principal) return false
  if (principal.wildcard) return true
  return [...principal.aws, ...principal.canonicalUser, ...principal.federated, ...principal.service].some((value) => value.includes('*'))
}

function isFixedByCondition(statement: PolicyStatement): boolean {
  return (statement.condition ?? []).some(isFixing)
}

function isFixing(clause: ConditionClause): boolean {
  const key = clause.key.toLowerCase()
  if (!RESTRICTING_KEYS.has(key) || clause.ifExists || clause.setOperator !== undefined) return false
  if (!POSITIVE_OPERATORS.has(clause.baseOperator) || clause.values.length === 0) return false
  if (key === 'aws:sourceip') return clause.baseOperator === 'IpAddress' && clause.values.every(isNarrowCidr)
  if (key === 'aws:userid') return clause.values.every((value) => !value.includes('*') && !value.includes('?'))
  return clause.values.every((value) => !value.includes('*') && !value.includes('?'))
}

/** Not the whole IPv4 or IPv6 space (0.0.0.0/0, ::/0). */
function isNarrowCidr(cidr: string): boolean {
  const slash = cidr.indexOf('/')
  if (slash === -1) return true
  return Number(cidr.slice(slash + 1)) > 0
}
