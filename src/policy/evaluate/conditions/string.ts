// String condition operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase,
// StringLike, StringNotLike. Case-sensitive unless IgnoreCase; only StringLike has wildcards (`*`, `?`).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String

import { piecesMatch } from '../wildcard.js'
import { joinPieces } from '../variables.js'
import { negate, type ConditionOperator } from './operator.js'

export const StringEquals: ConditionOperator<string> = {
  name: 'StringEquals',
  negated: false,
  variables: true,
  parse: joinPieces,
  test: (value, expected) => value === expected,
}

export const StringEqualsIgnoreCase: ConditionOperator<string> = {
  name: 'StringEqualsIgnoreCase',
  negated: false,
  variables: true,
  parse: (pieces) => joinPieces(pieces).toLowerCase(),
  test: (value, expected) => value.length === expected.length && value.toLowerCase() === expected,
}

/** StringLike values compile to an exact string when they hold no wildcard, else to their pieces (see piecesMatch). */
export const StringLike: ConditionOperator<string | readonly string[]> = {
  name: 'StringLike',
  negated: false,
  variables: true,
  parse: (pieces) => {
    for (let i = 0; i < pieces.length; i += 2) if (/[*?]/.test(pieces[i] as string)) return pieces
    return joinPieces(pieces)
  },
  test: (value, pattern) => (typeof pattern === 'string' ? value === pattern : piecesMatch(pattern, value)),
}

export const StringNotEquals = negate('StringNotEquals', StringEquals)
export const StringNotEqualsIgnoreCase = negate('StringNotEqualsIgnoreCase', StringEqualsIgnoreCase)
export const StringNotLike = negate('StringNotLike', StringLike)
