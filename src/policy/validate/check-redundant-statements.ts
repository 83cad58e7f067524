// Statement overlap: a statement whose every action and resource another statement with the same effect, principal and condition already covers.
import { type CheckContext, type StatementView, at } from './policy-document.js'
import type { JsonNode } from './json-source.js'
import { wildcardCovers } from './wildcard.js'

export function checkRedundantStatements(context: CheckContext): void {
  const statements = context.statements
  statements.forEach((statement, index) => {
    const coveredBy = statements.find((other, otherIndex) => otherIndex !== index && covers(other, statement) && (!covers(statement, other) || otherIndex < index))
    if (coveredBy) {
      context.report('SUGGESTION', 'REDUNDANT_STATEMENT', `The statement ${statement.path} is redundant because ${coveredBy.path} provides the same permissions. Remove one of them.`, [at(statement.path, statement.node.span)])
    }
  })
}

/** Whether `outer` grants or denies everything `inner` does, under an identical effect, principal and condition. */
function covers(outer: StatementView, inner: StatementView): boolean {
  if (!outer.actions || !inner.actions || !outer.resources || !inner.resources) return false
  if (outer.effect === undefined || outer.effect !== inner.effect) return false
  if (outer.actions.negated || inner.actions.negated || outer.resources.negated || inner.resources.negated) return false
  if (canonical(outer.principal?.entry.value) !== canonical(inner.principal?.entry.value) || outer.principal?.negated !== inner.principal?.negated) return false
  if (canonical(outer.condition?.value) !== canonical(inner.condition?.value)) return false
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
