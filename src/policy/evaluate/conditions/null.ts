// Null: `true` when the key is absent from the request (or an empty set), `false` when present. It never compares
// values, so the evaluator handles it before any set operator or IfExists logic.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null

import { parseBool } from './bool.js'
import { joinPieces } from '../variables.js'
import type { ConditionOperator } from './operator.js'

export const Null: ConditionOperator<'true' | 'false'> = {
  name: 'Null',
  negated: false,
  variables: false,
  parse: (pieces) => parseBool(joinPieces(pieces)),
  // Unused: Null is decided by presence alone (see nullMatches).
  test: () => undefined,
}

/** Whether a Null condition with these parsed values holds, given whether the key is present. */
export function nullMatches(expected: readonly ('true' | 'false')[], present: boolean): boolean {
  const want = present ? 'false' : 'true'
  for (const value of expected) if (value === want) return true
  return false
}
