// Statement overlap: a statement whose every action and resource another statement with the same effect, principal and condition already covers.
import { type CheckContext, type StatementView, at } from './policy-document.js'
import type { JsonNode } from './json-source.js'
import { wildcardCovers } from './wildcard.js'

export function checkRedundantStatements(context: CheckContext): void {
  const statements = context.statements
  const scopes = statements.map(scopeOf)
  const covers = (outer: number, inner: number) => scopes[outer] !== undefined && scopes[outer] === scopes[inner] && coversActionsAndResources(statements[outer] as StatementView, statements[inner] as StatementView)
  statements.forEach((statement, index) => {
    const coveredBy = statements.find((_, otherIndex) => otherIndex !== index && covers(otherIndex, index) && (!covers(index, otherIndex) || otherIndex < index))
    if (coveredBy) {
      context.report('SUGGESTION', 'REDUNDANT_STATEMENT', `The statement ${statement.path} is redundant because ${coveredBy.path} provides the same permissions. Remove one of them.`, [at(statement.path, statement.node.span)])
    }
  })
}

/** What two statements must share for one to cover the other: effect, principal and condition; undefined when it can't. */
function scopeOf(statement: StatementView): string | undefined {
  const { actions, resources, principal, condition } = statement
  if (statement.effect === undefined || !actions || !resources || actions.negated || resources.negated) return undefined
  return `${statement.effect}|${principal?.negated ? 'Not' : ''}${canonical(principal?.entry.value)}|${canonical(condition?.value)}`
}

/** Whether every action and resource of `inner` is matched by `outer` (both use Action and Resource). */
function coversActionsAndResources(outer: StatementView, inner: StatementView): boolean {
  if (!outer.actions || !inner.actions || !outer.resources || !inner.resources) return false
  const coveredAll = (outerValues: readonly { value: string }[], innerValues: readonly { value: string }[], ignoreCase: boolean) =>
    innerValues.length > 0 && innerValues.every((value) => outerValues.some((candidate) => wildcardCovers(candidate.value, value.value, ignoreCase)))
  return coveredAll(outer.actions.values, inner.actions.values, true) && coveredAll(outer.resources.values, inner.resources.values, false)
}

/** A position-free rendering for comparing elements; object keys are sorted because their order has no meaning. */
function canonical(node: JsonNode | undefined): string {
  if (node === undefined) return ''
  switch (node.kind) {
    case 'object':
      return `{${[...node.entries].sort((a, b) => (a.key < b.key ? -1 : 1)).map((entry) => `${JSON.stringify(entry.key)}:${canonical(entry.value)}`).join(',')}}`
    case 'array':
      return `[${node.items.map(canonical).join(',')}]`
    case 'null':
      return 'null'
    default:
      return JSON.stringify(node.value)
  }
}
