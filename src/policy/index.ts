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
