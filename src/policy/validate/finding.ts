// Finding: one IAM Access Analyzer ValidatePolicy-style result (https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ValidatePolicyFinding.html).
import type { Span } from './json-source.js'

export type FindingType = 'ERROR' | 'SECURITY_WARNING' | 'WARNING' | 'SUGGESTION'

/** Which kind of document is checked: decides which elements are required or forbidden. */
export type ValidatedPolicyType = 'identity' | 'resource' | 'trust' | 'boundary' | 'scp' | 'rcp'

export const validatedPolicyTypes: readonly ValidatedPolicyType[] = ['identity', 'resource', 'trust', 'boundary', 'scp', 'rcp']

export interface FindingLocation {
  /** Element path such as `Statement[0].Action[1]` or `Statement[2].Condition.StringEquals.aws:SourceIp`. */
  readonly path: string
  readonly span: Span
}

export interface Finding {
  readonly findingType: FindingType
  readonly issueCode: string
  readonly findingDetails: string
  readonly learnMoreLink: string
  readonly locations: readonly FindingLocation[]
}

const checkReference = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html'

/** Builds a finding; the link uses the check reference's anchor scheme (`#…-error-invalid-action`). */
export function finding(findingType: FindingType, issueCode: string, findingDetails: string, locations: readonly FindingLocation[]): Finding {
  const kind = findingType.toLowerCase().replace(/_/g, '-')
  const anchor = `access-analyzer-reference-policy-checks-${kind}-${issueCode.toLowerCase().replace(/_/g, '-')}`
  return { findingType, issueCode, findingDetails, learnMoreLink: `${checkReference}#${anchor}`, locations }
}
