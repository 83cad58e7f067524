// Bool: `true`/`false`, case-insensitive (aws:SecureTransport, aws:MultiFactorAuthPresent).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean

import { joinPieces } from '../variables.js'
import type { ConditionOperator } from './operator.js'

export function parseBool(text: string): 'true' | 'false' | undefined {
  const lower = text.toLowerCase()
  return lower === 'true' || lower === 'false' ? lower : undefined
}

export const Bool: ConditionOperator<'true' | 'false'> = {
  name: 'Bool',
  negated: false,
  variables: false,
  parse: (pieces) => parseBool(joinPieces(pieces)),
  test: (value, expected) => {
    const actual = parseBool(value)
    return actual === undefined ? undefined : actual === expected
  },
}
