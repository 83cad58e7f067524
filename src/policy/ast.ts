// The policy AST: a parsed, validated document with every "string or array" element normalized to an array.

import type { PolicyType } from './types.js'

export type PolicyVersion = '2012-10-17' | '2008-10-17'

export interface PolicyDocument {
  readonly type: PolicyType
  /** `2008-10-17` when the document has no Version (AWS's default), in which policy variables are literal text. */
  readonly version: PolicyVersion
  readonly id?: string
  /** Whether Statement was a single object rather than an array (kept so the document can be printed back). */
  readonly singleStatement: boolean
  readonly statements: readonly PolicyStatement[]
}

export interface PolicyStatement {
  readonly index: number
  readonly sid?: string
  readonly effect: 'Allow' | 'Deny'
  /** Exactly one of action/notAction is set (a statement with neither is rejected by the parser). */
  readonly action?: readonly string[]
  readonly notAction?: readonly string[]
  /** Absent only in trust policies, where Resource is prohibited (the role itself is the resource). */
  readonly resource?: readonly string[]
  readonly notResource?: readonly string[]
  readonly principal?: PrincipalElement
  readonly notPrincipal?: PrincipalElement
  readonly condition?: readonly ConditionClause[]
}

/** `"Principal": "*"` is `{ wildcard: true }`; otherwise the four kinds, each a list (possibly containing `*`). */
export interface PrincipalElement {
  readonly wildcard: boolean
  readonly aws: readonly string[]
  readonly service: readonly string[]
  readonly federated: readonly string[]
  readonly canonicalUser: readonly string[]
}

/** One `"Operator": { "key": values }` entry; a block with several keys yields several clauses (AND). */
export interface ConditionClause {
  /** As written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string
  readonly setOperator?: 'ForAnyValue' | 'ForAllValues'
  /** The base operator without qualifier or IfExists, e.g. `StringLike`. */
  readonly baseOperator: string
  readonly ifExists: boolean
  /** The condition key as written (`aws:PrincipalTag/Team`); matched case-insensitively. */
  readonly key: string
  /** The values, as strings (JSON numbers and booleans are converted with String()). */
  readonly values: readonly string[]
}
