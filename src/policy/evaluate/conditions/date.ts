// Date condition operators: DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan,
// DateGreaterThanEquals. Values are ISO 8601 (`2026-11-22T14:00:00Z`, `2026-11-22`) or epoch seconds.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date

import { joinPieces } from '../variables.js'
import { negate, type ConditionOperator } from './operator.js'

const isoPattern =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/
const epochPattern = /^\d+(\.\d+)?$/

/**
 * A date value as milliseconds since the epoch; undefined when unparseable. As AWS's parser does, text containing
 * `T` or `-` is ISO 8601 and anything else is epoch seconds. Dates without a zone are UTC.
 */
export function parseDateValue(text: string): number | undefined {
  if (/[tT-]/.test(text)) {
    const m = isoPattern.exec(text)
    if (!m) return undefined
    const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m
    if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59 || +s > 59) return undefined
    let ms = Date.UTC(+y!, +mo - 1, +d, +h, +mi, +s, frac ? Math.floor(+`0.${frac}` * 1000) : 0)
    if (zone !== 'Z' && zone !== 'z') {
      const sign = zone[0] === '-' ? -1 : 1
      const digits = zone.slice(1).replace(':', '')
      const offset = +digits.slice(0, 2) * 60 + (digits.length > 2 ? +digits.slice(2) : 0)
      ms -= sign * offset * 60_000
    }
    return ms
  }
  if (!epochPattern.test(text)) return undefined
  return Number(text) * 1000
}

function date(name: string, compare: (a: number, b: number) => boolean): ConditionOperator<number> {
  return {
    name,
    negated: false,
    variables: false,
    parse: (pieces) => parseDateValue(joinPieces(pieces)),
    test: (value, expected) => {
      const ms = parseDateValue(value)
      return ms === undefined ? undefined : compare(ms, expected)
    },
  }
}

export const DateEquals = date('DateEquals', (a, b) => a === b)
export const DateNotEquals = negate('DateNotEquals', DateEquals)
export const DateLessThan = date('DateLessThan', (a, b) => a < b)
export const DateLessThanEquals = date('DateLessThanEquals', (a, b) => a <= b)
export const DateGreaterThan = date('DateGreaterThan', (a, b) => a > b)
export const DateGreaterThanEquals = date('DateGreaterThanEquals', (a, b) => a >= b)
