// ConditionOperator: the traits and the one-value test each condition operator family declares.

/**
 * One base operator (`StringLike`, `NumericLessThan`...). The evaluator applies IfExists, ForAnyValue/ForAllValues,
 * negation, missing keys and multivalued keys the same way for every family, so a family only says how to pre-parse
 * a policy value and how one request value compares with one policy value.
 */
export interface ConditionOperator<V = unknown> {
  readonly name: string
  /**
   * A negated operator (StringNotEquals, NotIpAddress...) is true for a request value that matches none of the
   * policy values, and true when the key is absent.
   */
  readonly negated: boolean
  /** Policy variables are substituted in its values (String and Arn operators only). */
  readonly variables: boolean
  /**
   * Pre-parses a policy value given as pieces: even indexes pattern text, odd indexes literal text from resolved
   * variables (see resolveTemplate). Undefined when the value is invalid for this operator.
   */
  parse(pieces: readonly string[]): V | undefined
  /**
   * The positive sense of the operator for one request value and one policy value: NotIpAddress tests "is in the
   * CIDR" here and the evaluator negates. Undefined when the request value cannot be compared (not a number, not an
   * IP address): that request value then satisfies neither the operator nor its negation.
   */
  test(requestValue: string, policyValue: V): boolean | undefined
}

/** The negated twin of an operator: same parse and test, evaluated with the opposite sense. */
export function negate<V>(name: string, base: ConditionOperator<V>): ConditionOperator<V> {
  return { ...base, name, negated: true }
}
