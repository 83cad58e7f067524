// Public surface of policy validation: findings like IAM Access Analyzer's ValidatePolicy.
export { validatePolicy, type ValidatePolicyOptions } from './validate-policy.js'
export { type Finding, type FindingLocation, type FindingType, type ValidatedPolicyType, validatedPolicyTypes } from './finding.js'
export { type IamCatalog, packagedIamCatalog } from './iam-catalog.js'
export type { Position, Span } from './json-source.js'
