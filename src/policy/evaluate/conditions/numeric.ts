// Numeric condition operators: NumericEquals, NumericNotEquals, NumericLessThan, NumericLessThanEquals,
// NumericGreaterThan, NumericGreaterThanEquals. Integers and decimals; anything else never matches.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric

import { joinPieces } from '../variables.js'
import { negate, type ConditionOperator } from './operator.js'

const numberPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** A decimal number as AWS accepts it; undefined for anything else (hex, empty, `NaN`, `1,000`). */
export function parseNumber(text: string): number | undefined {
  return numberPattern.test(text) ? Number(text) : undefined
}

function numeric(name: string, compare: (a: number, b: number) => boolean): ConditionOperator<number> {
  return {
    name,
    negated: false,
    variables: false,
    parse: (pieces) => parseNumber(joinPieces(pieces)),
    test: (value, expected) => {
      const n = parseNumber(value)
      return n === undefined ? undefined : compare(n, expected)
    },
  }
}

export const NumericEquals = numeric('NumericEquals', (a, b) => a === b)
export const NumericNotEquals = negate('NumericNotEquals', NumericEquals)
export const NumericLessThan = numeric('NumericLessThan', (a, b) => a < b)
export const NumericLessThanEquals = numeric('NumericLessThanEquals', (a, b) => a <= b)
export const NumericGreaterThan = numeric('NumericGreaterThan', (a, b) => a > b)
export const NumericGreaterThanEquals = numeric('NumericGreaterThanEquals', (a, b) => a >= b)
