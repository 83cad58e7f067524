// The policy engine's public API: parse, compile and evaluate IAM policies (pure: no I/O, no clock, no environment).
//
//   const policy = compilePolicy('arn:aws:iam::111122223333:policy/Read:v1', 'identity', documentText) // PolicySyntaxError
//   const decision = evaluate({ principal, action: 's3:GetObject', resource, context }, { identity: [policy], scps })
//   if (decision.effect !== 'Allow') throw new AccessDeniedError(`User: ${principal.arn} is not authorized to perform:
//     s3:GetObject on resource: ${resource} ${denialReason(decision, 's3:GetObject')}`)
//
// Compile once per policy version and cache the result; `compilePolicySet` compiles a whole PolicySourceSet (tests,
// the corpus, the simulator).
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
export { principalConditionKeys } from './evaluate/principal-condition-keys.js'
