// Policy variable checks: well-formed `${…}`, only where variables are allowed, and only under Version 2012-10-17.
import { type CheckContext, type LocatedString, at, locatedStrings } from './policy-document.js'
import type { JsonNode } from './json-source.js'

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
export function checkVariables(context: CheckContext): void {
  let versionReported = false
  for (const statement of context.statements) {
    for (const element of ['Action', 'NotAction', 'Principal', 'NotPrincipal']) {
      const entry = statement.node.entries.find((candidate) => candidate.key === element)
      for (const text of entry ? stringsIn(entry.value, `${statement.path}.${element}`) : []) {
        if (text.value.includes('${')) {
          context.report('ERROR', 'VARIABLE_UNSUPPORTED_IN_ELEMENT', `Policy variables are supported only in the Resource and Condition elements, not in ${element}. Remove the variable.`, [at(text.path, text.span)])
        }
      }
    }
    const usable = [
      ...(statement.resources?.values ?? []),
      ...(statement.condition ? stringsIn(statement.condition.value, `${statement.path}.Condition`) : []),
    ]
    for (const text of usable) {
      if (!text.value.includes('${')) continue
      checkVariableSyntax(context, text)
      if (!versionReported && context.version !== '2012-10-17') {
        // Under 2008-10-17 (or without Version) `${aws:username}` is literal text, never a variable.
        context.report('ERROR', 'VARIABLE_UNSUPPORTED_IN_VERSION', 'Policy variables are supported only with "Version": "2012-10-17"; under any other version they are matched as literal text. Update the version.', [at(text.path, text.span)])
        versionReported = true
      }
    }
  }
}

function checkVariableSyntax(context: CheckContext, text: LocatedString): void {
  let from = 0
  for (;;) {
    const start = text.value.indexOf('${', from)
    if (start < 0) return
    const end = text.value.indexOf('}', start)
    if (end < 0) {
      context.report('ERROR', 'MISSING_BRACE_IN_VARIABLE', 'The policy variable is missing its closing brace (}). Add the brace.', [at(text.path, text.span)])
      return
    }
    if (text.value.slice(start + 2, end).trim() === '') {
      context.report('ERROR', 'EMPTY_VARIABLE', 'The policy variable ${} is empty. Add a condition key such as ${aws:username}, or one of ${*}, ${?}, ${$}.', [at(text.path, text.span)])
    }
    from = end + 1
  }
}

/** Every string anywhere inside a node (condition blocks nest objects and arrays), with its path. */
function stringsIn(node: JsonNode, path: string): LocatedString[] {
  if (node.kind === 'object') return node.entries.flatMap((entry) => stringsIn(entry.value, `${path}.${entry.key}`))
  if (node.kind === 'array') return node.items.flatMap((item, index) => stringsIn(item, `${path}[${index}]`))
  return locatedStrings(node, path)
}
