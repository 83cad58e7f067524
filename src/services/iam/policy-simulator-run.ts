// Runs a simulation on the policy engine: every action on every resource, with the statements that decided each
// result located in their policy's text (line and column), as SimulatePrincipalPolicy / SimulateCustomPolicy report.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html
import type { EvaluationResult, PolicyEvaluationDecisionType, Position, Statement } from '../../generated/iam/types.js'
import {
  compilePolicy, evaluate, type CompiledPolicy, type ContextValue, type Decision, type PolicyType, type RequestPrincipal, type StatementRef,
} from '../../policy/index.js'
import { entryOf, readJsonSource, type Span } from '../../policy/validate/json-source.js'
import { parseSimulationPolicy, type SimulationPolicy } from './policy-simulator-sources.js'

export interface Simulation {
  readonly principal: RequestPrincipal
  readonly identity: readonly SimulationPolicy[]
  readonly boundary?: SimulationPolicy
  readonly resourcePolicy?: SimulationPolicy
  readonly actions: readonly string[]
  /** The ResourceArns given, or undefined for the default `*`. */
  readonly resources: readonly string[] | undefined
  /** The resource owner's account (ResourceOwner); by default each resource ARN's account, else the caller's. */
  readonly resourceAccountId?: string
  readonly context: Readonly<Record<string, ContextValue>>
}

/** One EvaluationResult per action and resource, actions in the order given, then resources. */
export function runSimulation(simulation: Simulation): EvaluationResult[] {
  const sources = new Map<string, LocatedPolicy>()
  const compile = (policy: SimulationPolicy, type: PolicyType, index: number): CompiledPolicy => {
    const id = `${type}#${index}`
    sources.set(id, new LocatedPolicy(policy))
    return compilePolicy(id, type, parseSimulationPolicy(policy, type))
  }
  const identity = simulation.identity.map((policy, index) => compile(policy, 'identity', index))
  const boundary = simulation.boundary && compile(simulation.boundary, 'boundary', 0)
  const resource = simulation.resourcePolicy && [compile(simulation.resourcePolicy, 'resource', 0)]
  const statementsOf = (decision: Decision): Statement[] =>
    decision.effect === 'ImplicitDeny' ? [] : decision.matched.map((ref) => sources.get(ref.policyId)!.statement(ref))

  const results: EvaluationResult[] = []
  for (const action of simulation.actions) {
    for (const arn of simulation.resources ?? ['*']) {
      const request = {
        principal: simulation.principal,
        action,
        resource: arn,
        context: simulation.context,
        ...(simulation.resourceAccountId !== undefined && { resourceAccountId: simulation.resourceAccountId }),
      }
      const decision = evaluate(request, { identity, ...(boundary && { boundary }), ...(resource && { resource }) })
      const outcome = decisionType(decision)
      const matched = statementsOf(decision)
      const missing = [...decision.missingContextKeys]
      // AllowedByPermissionsBoundary: whether the boundary alone allows the action (a matching Allow, no Deny).
      const boundaryDetail = boundary && {
        PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: evaluate(request, { identity: [boundary] }).effect === 'Allow' },
      }
      results.push({
        EvalActionName: action,
        EvalResourceName: arn,
        EvalDecision: outcome,
        MatchedStatements: matched,
        MissingContextValues: missing,
        // Organizations is not modelled yet: no SCP can deny.
        OrganizationsDecisionDetail: { AllowedByOrganizations: true },
        ...boundaryDetail,
        ...(simulation.resources !== undefined && {
          ResourceSpecificResults: [{ EvalResourceName: arn, EvalResourceDecision: outcome, MatchedStatements: matched, MissingContextValues: missing, ...boundaryDetail }],
        }),
      })
    }
  }
  return results
}

function decisionType(decision: Decision): PolicyEvaluationDecisionType {
  if (decision.effect === 'Allow') return 'allowed'
  return decision.effect === 'ExplicitDeny' ? 'explicitDeny' : 'implicitDeny'
}

/** A policy's text, read for statement positions only when a result names one of its statements. */
class LocatedPolicy {
  private spans: readonly Span[] | undefined

  constructor(readonly policy: SimulationPolicy) {}

  statement(ref: StatementRef): Statement {
    const span = this.statementSpans()[ref.statementIndex]
    return {
      SourcePolicyId: this.policy.id,
      ...(this.policy.type !== undefined && { SourcePolicyType: this.policy.type }),
      ...(span && { StartPosition: afterBrace(span.start), EndPosition: afterBrace({ line: span.end.line, column: span.end.column - 1 }) }),
    }
  }

  private statementSpans(): readonly Span[] {
    if (this.spans) return this.spans
    const statement = entryOf(readJsonSource(this.policy.text), 'Statement')?.value
    this.spans = statement === undefined ? [] : statement.kind === 'array' ? statement.items.map((item) => item.span) : [statement.span]
    return this.spans
  }
}

/**
 * The position just after a statement's `{` or `}`, lines and columns counting from 1: the AWS CLI reference's
 * simulate-custom-policy example reports its one-line policy's statement, whose braces sit at (0-based) columns 36
 * and 165, from line 1 column 38 to line 1 column 167.
 * https://docs.aws.amazon.com/cli/latest/reference/iam/simulate-custom-policy.html
 */
function afterBrace(brace: { line: number; column: number }): Position {
  return { Line: brace.line, Column: brace.column + 2 }
}
