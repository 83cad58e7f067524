// compileCondition / conditionHolds: one condition clause (operator + key + values), with the rules every operator
// shares: AND across keys and operators (the caller's loop), OR across values, IfExists, ForAnyValue/ForAllValues,
// negation, missing keys and multivalued keys.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html

import type { ConditionClause, PolicyVersion } from '../../ast.js'
import type { RequestContext } from '../request-context.js'
import { parseTemplate, resolveTemplate, type Template } from '../variables.js'
import { ArnEquals, ArnLike, ArnNotEquals, ArnNotLike } from './arn.js'
import { BinaryEquals } from './binary.js'
import { Bool } from './bool.js'
import {
  DateEquals, DateGreaterThan, DateGreaterThanEquals, DateLessThan, DateLessThanEquals, DateNotEquals,
} from './date.js'
import { IpAddress, NotIpAddress } from './ip-address.js'
import { Null, nullMatches } from './null.js'
import {
  NumericEquals, NumericGreaterThan, NumericGreaterThanEquals, NumericLessThan, NumericLessThanEquals, NumericNotEquals,
} from './numeric.js'
import type { ConditionOperator } from './operator.js'
import {
  StringEquals, StringEqualsIgnoreCase, StringLike, StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike,
} from './string.js'

const operators = new Map<string, ConditionOperator<any>>(
  [
    StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, StringNotLike,
    NumericEquals, NumericNotEquals, NumericLessThan, NumericLessThanEquals, NumericGreaterThan, NumericGreaterThanEquals,
    DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan, DateGreaterThanEquals,
    Bool, BinaryEquals, IpAddress, NotIpAddress, ArnEquals, ArnLike, ArnNotEquals, ArnNotLike, Null,
  ].map((op) => [op.name, op]),
)

export interface CompiledCondition {
  readonly clause: ConditionClause
  readonly keyLower: string
  readonly operator: ConditionOperator<any>
  /** Pre-parsed values; `undefined` entries are values with variables (resolved per request) or invalid values. */
  readonly values: readonly unknown[]
  /** Per value, its template when it holds policy variables (2012-10-17 policies, String and Arn operators). */
  readonly templates: readonly (Template | undefined)[] | undefined
  /** Set when a value cannot be parsed for its operator: the statement then never grants. */
  readonly error?: string
}

export function compileCondition(clause: ConditionClause, version: PolicyVersion): CompiledCondition {
  const operator = operators.get(clause.baseOperator)
  if (!operator) throw new Error(`unknown condition operator \`${clause.baseOperator}\``) // the parser rejects these
  const useVariables = version === '2012-10-17' && operator.variables
  const templates = useVariables ? clause.values.map(parseTemplate) : undefined
  const hasTemplates = templates?.some((t) => t !== undefined) ?? false
  const values: unknown[] = []
  let error: string | undefined
  clause.values.forEach((value, i) => {
    if (hasTemplates && templates![i]) {
      values.push(undefined)
      return
    }
    const parsed = operator.parse([value])
    if (parsed === undefined) error ??= `invalid value \`${value}\` for condition operator \`${clause.operator}\``
    values.push(parsed)
  })
  return {
    clause,
    keyLower: clause.key.toLowerCase(),
    operator,
    values,
    templates: hasTemplates ? templates : undefined,
    ...(error !== undefined && { error }),
  }
}

/** Whether the condition clause holds for the request. */
export function conditionHolds(condition: CompiledCondition, ctx: RequestContext): boolean {
  const { clause, operator } = condition
  const actual = ctx.get(clause.key, condition.keyLower)
  if (operator === Null) return nullMatches(condition.values as ('true' | 'false')[], actual !== undefined)
  if (actual === undefined) {
    ctx.noteMissing(clause.key)
    if (clause.ifExists) return true
    if (clause.setOperator === 'ForAllValues') return true // the empty set: every (no) value matches
    if (clause.setOperator === 'ForAnyValue') return false
    return operator.negated // "not equal to any of these" holds for a value that is not there
  }
  const expected = policyValues(condition, ctx)
  if (typeof actual === 'string') return valueSatisfies(operator, actual, expected)
  // A multivalued key: ForAllValues needs every request value to satisfy the operator, ForAnyValue one. Without a
  // set operator a positive operator behaves as ForAnyValue and a negated one as ForAllValues, so that
  // StringNotEquals still means "none of the request's values equals any policy value".
  const all = clause.setOperator === 'ForAllValues' || (clause.setOperator === undefined && operator.negated)
  for (let i = 0; i < actual.length; i++) {
    const ok = valueSatisfies(operator, actual[i] as string, expected)
    if (all && !ok) return false
    if (!all && ok) return true
  }
  return all
}

/** One request value against the policy values: OR across values, then the operator's sense. */
function valueSatisfies(operator: ConditionOperator<any>, value: string, expected: readonly unknown[]): boolean {
  let matched = false
  for (let i = 0; i < expected.length; i++) {
    const policyValue = expected[i]
    if (policyValue === undefined) continue // an unresolvable variable or invalid value matches nothing
    const result = operator.test(value, policyValue)
    if (result === undefined) return false // the request value is not comparable: neither sense holds
    if (result) {
      matched = true
      break
    }
  }
  return operator.negated ? !matched : matched
}

function policyValues(condition: CompiledCondition, ctx: RequestContext): readonly unknown[] {
  const templates = condition.templates
  if (!templates) return condition.values
  const values = condition.values
  const resolved: unknown[] = []
  for (let i = 0; i < values.length; i++) {
    const template = templates[i]
    const pieces = template && resolveTemplate(template, ctx)
    resolved.push(template ? pieces && condition.operator.parse(pieces) : values[i])
  }
  return resolved
}
