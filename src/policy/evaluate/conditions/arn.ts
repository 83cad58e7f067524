// ARN condition operators: ArnEquals, ArnLike, ArnNotEquals, ArnNotLike. AWS gives ArnEquals and ArnLike the same
// meaning: each of the six colon-separated parts is compared case-sensitively and may hold `*` and `?` wildcards.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN

import { arnPiecesMatch } from '../wildcard.js'
import { negate, type ConditionOperator } from './operator.js'

function isArnShaped(value: string): boolean {
  let colons = 0
  for (let i = 0; i < value.length && colons < 5; i++) if (value.charCodeAt(i) === 0x3a) colons++
  return colons >= 5 && value.startsWith('arn:')
}

function arnOperator(name: string): ConditionOperator<readonly string[]> {
  return {
    name,
    negated: false,
    variables: true,
    parse: (pieces) => pieces,
    // A request value that is not an ARN cannot match an ARN pattern.
    test: (value, pattern) => isArnShaped(value) && arnPiecesMatch(pattern, value),
  }
}

export const ArnEquals = arnOperator('ArnEquals')
export const ArnLike = arnOperator('ArnLike')
export const ArnNotEquals = negate('ArnNotEquals', ArnEquals)
export const ArnNotLike = negate('ArnNotLike', ArnLike)
