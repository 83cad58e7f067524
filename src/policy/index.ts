// The policy engine's public API: parse, compile and evaluate IAM policies (pure: no I/O, no clock, no environment).
export type {
  AuthorizationRequest,
  CompiledPolicy,
  ContextValue,
  Decision,
  DecisionEffect,
  Denial,
  EvaluationError,
  MissingContextKey,
  PolicySet,
  PolicySetOf,
  PolicySource,
  PolicySourceSet,
  PolicyType,
  PrincipalType,
  RequestPrincipal,
  StatementRef,
} from './types.js'
export type { ConditionClause, PolicyDocument, PolicyStatement, PolicyVersion, PrincipalElement } from './ast.js'
export { PolicySyntaxError, awsPolicyMessages } from './errors.js'
export { parsePolicy, type ParseOptions } from './parse/parse-policy.js'
export { policySizeWithoutWhitespace } from './parse/strict-json.js'
export { compilePolicy, compilePolicySet } from './evaluate/compile.js'
export { evaluate } from './evaluate/evaluate.js'
export { denialReason } from './evaluate/denial-reason.js'
