// String condition operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase,
// StringLike, StringNotLike. Case-sensitive unless IgnoreCase; only StringLike has wildcards (`*`, `?`).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String

import { cachedRegExp, wildcardPiecesSource } from '../wildcard.js'
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

/** StringLike values compile to an exact string when they hold no wildcard, else to an anchored RegExp. */
export const StringLike: ConditionOperator<string | RegExp> = {
  name: 'StringLike',
  negated: false,
  variables: true,
  parse: (pieces) => {
    let wildcard = false
    for (let i = 0; i < pieces.length; i += 2) if (/[*?]/.test(pieces[i] as string)) wildcard = true
    return wildcard ? cachedRegExp(`^${wildcardPiecesSource(pieces)}$`, 's') : joinPieces(pieces)
  },
  test: (value, pattern) => (typeof pattern === 'string' ? value === pattern : pattern.test(value)),
}

export const StringNotEquals = negate('StringNotEquals', StringEquals)
export const StringNotEqualsIgnoreCase = negate('StringNotEqualsIgnoreCase', StringEqualsIgnoreCase)
export const StringNotLike = negate('StringNotLike', StringLike)
