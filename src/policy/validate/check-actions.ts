// Action checks: every action exists in the service authorization reference, none is redundant, PassRole is scoped.
import { type CheckContext, type LocatedString, type StatementView, at } from './policy-document.js'
import type { CatalogService } from './iam-catalog.js'
import { matchesWildcard, wildcardCovers } from './wildcard.js'

export function checkActions(context: CheckContext): void {
  for (const statement of context.statements) {
    const actions = statement.actions
    if (!actions) continue
    for (const action of actions.values) checkAction(context, action)
    checkRedundantActions(context, actions.values.filter((action) => action.value === '*' || (resolveAction(context, action.value)?.names.length ?? 0) > 0))
    if (statement.effect === 'Allow') checkPassRole(context, statement)
  }
}

/** The catalog actions an action pattern names, or undefined when the pattern is malformed or its service unknown. */
export function resolveAction(context: CheckContext, action: string): { service: CatalogService; names: string[] } | undefined {
  const colon = action.indexOf(':')
  if (colon <= 0) return undefined
  const service = context.catalog.service(action.slice(0, colon))
  if (!service) return undefined
  const pattern = action.slice(colon + 1)
  if (!/[*?]/.test(pattern)) {
    const exact = service.actions.get(pattern.toLowerCase())
    return { service, names: exact ? [exact.name] : [] }
  }
  const names = [...service.actions.values()].filter((candidate) => matchesWildcard(pattern, candidate.name, true)).map((candidate) => candidate.name)
  return { service, names }
}

function checkAction(context: CheckContext, action: LocatedString): void {
  const where = at(action.path, action.span)
  if (action.value === '*') return
  const colon = action.value.indexOf(':')
  if (colon <= 0 || colon === action.value.length - 1) {
    context.report('ERROR', 'INVALID_ACTION', `The action ${action.value} is not valid: use the form service:action.`, [where])
    return
  }
  const prefix = action.value.slice(0, colon)
  if (context.policyType === 'scp' && /[*?]/.test(action.value.slice(0, -1))) {
    // SCPs allow a wildcard only at the end of an action: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
    context.report('ERROR', 'SCP_SYNTAX_ERROR_ACTION_WILDCARD', 'SCP actions can include wildcards (*) only at the end of a string. Update s3:*Object to s3:Object* (for example).', [where])
  }
  if (/[*?]/.test(prefix)) {
    context.report('SUGGESTION', 'WILDCARD_IN_SERVICE_NAME', 'Avoid using wildcards (*, ?) in the service name because it might grant unintended access to other AWS services with similar names.', [where])
    return
  }
  const resolved = resolveAction(context, action.value)
  if (!resolved) {
    context.report('ERROR', 'INVALID_SERVICE_IN_ACTION', `The service ${prefix} specified in the action does not exist.`, [where])
  } else if (resolved.names.length === 0) {
    context.report('ERROR', 'INVALID_ACTION', `The action ${action.value} does not exist.`, [where])
  }
}

function checkRedundantActions(context: CheckContext, actions: readonly LocatedString[]): void {
  actions.forEach((action, index) => {
    const coveredBy = actions.find((other, otherIndex) => otherIndex !== index && wildcardCovers(other.value, action.value, true) && (!wildcardCovers(action.value, other.value, true) || otherIndex < index))
    if (coveredBy) {
      context.report('SUGGESTION', 'REDUNDANT_ACTION', `The action ${action.value} is redundant because ${coveredBy.value} in the same statement provides the same permissions. Remove it.`, [at(action.path, action.span)])
    }
  })
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource
function checkPassRole(context: CheckContext, statement: StatementView): void {
  const { actions, resources } = statement
  if (!actions || actions.negated || !resources) return
  const passRole = actions.values.filter((action) => matchesWildcard(action.value, 'iam:PassRole', true))
  if (passRole.length === 0 || conditionMentions(statement, 'iam:passedtoservice')) return
  const explicit = passRole.some((action) => action.value.toLowerCase() === 'iam:passrole')
  if (resources.negated) {
    context.report('SECURITY_WARNING', 'PASS_ROLE_WITH_NOT_RESOURCE', 'Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.', [at(`${statement.path}.NotResource`, resources.entry.keySpan)])
    return
  }
  for (const resource of resources.values) {
    if (!resource.value.includes('*')) continue
    if (explicit) {
      context.report('SECURITY_WARNING', 'PASS_ROLE_WITH_STAR_IN_RESOURCE', 'Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.', [at(resource.path, resource.span)])
    } else {
      context.report('SECURITY_WARNING', 'PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE', 'Using wildcards (*) in the action and the resource can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.', [at(resource.path, resource.span)])
    }
  }
}

function conditionMentions(statement: StatementView, lowerKey: string): boolean {
  const condition = statement.condition?.value
  if (condition?.kind !== 'object') return false
  return condition.entries.some((operator) => operator.value.kind === 'object' && operator.value.entries.some((key) => key.key.toLowerCase() === lowerKey))
}
