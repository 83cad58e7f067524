// The shared view the checks read: the parsed document with each statement's elements and their paths.
import type { Finding, FindingLocation, FindingType, ValidatedPolicyType } from './finding.js'
import { finding } from './finding.js'
import type { IamCatalog } from './iam-catalog.js'
import type { JsonEntry, JsonNode, Span } from './json-source.js'

/** A string inside an element, with where it sits. */
export interface LocatedString {
  readonly value: string
  readonly path: string
  readonly span: Span
}

export interface StatementView {
  readonly index: number
  readonly path: string
  readonly node: JsonNode & { kind: 'object' }
  readonly effect: string | undefined
  /** Action or NotAction strings, with `negated` saying which element held them. */
  readonly actions: { readonly negated: boolean; readonly entry: JsonEntry; readonly values: readonly LocatedString[] } | undefined
  readonly resources: { readonly negated: boolean; readonly entry: JsonEntry; readonly values: readonly LocatedString[] } | undefined
  readonly principal: { readonly negated: boolean; readonly entry: JsonEntry } | undefined
  readonly condition: JsonEntry | undefined
}

/** What every check receives: the policy, the reference data and a place to put findings. */
export interface CheckContext {
  readonly policyType: ValidatedPolicyType
  readonly catalog: IamCatalog
  /** The document's Version when it is a string; policy variables need 2012-10-17. */
  readonly version: string | undefined
  readonly statements: readonly StatementView[]
  report: ReportFinding
}

export type ReportFinding = (findingType: FindingType, issueCode: string, details: string, locations: readonly FindingLocation[]) => void

/** A report function that appends to `findings`. */
export function collectInto(findings: Finding[]): ReportFinding {
  return (findingType, issueCode, details, locations) => {
    findings.push(finding(findingType, issueCode, details, locations))
  }
}

/** Reads a statement object into a StatementView; element-shape errors are reported by the structure check. */
export function viewStatement(node: JsonNode & { kind: 'object' }, index: number, path: string): StatementView {
  const entry = (key: string) => node.entries.find((candidate) => candidate.key === key)
  const pair = (positive: string, negative: string) => {
    const found = entry(positive) ?? entry(negative)
    if (!found) return undefined
    return { negated: found.key === negative, entry: found, values: locatedStrings(found.value, `${path}.${found.key}`) }
  }
  const effectNode = entry('Effect')?.value
  const principalEntry = entry('Principal') ?? entry('NotPrincipal')
  return {
    index,
    path,
    node,
    effect: effectNode?.kind === 'string' ? effectNode.value : undefined,
    actions: pair('Action', 'NotAction'),
    resources: pair('Resource', 'NotResource'),
    principal: principalEntry && { negated: principalEntry.key === 'NotPrincipal', entry: principalEntry },
    condition: entry('Condition'),
  }
}

/** The strings of a one-string-or-array element, each with its own path (`…Action[1]` for arrays). */
export function locatedStrings(node: JsonNode, path: string): LocatedString[] {
  if (node.kind === 'string') return [{ value: node.value, path, span: node.span }]
  if (node.kind !== 'array') return []
  const found: LocatedString[] = []
  node.items.forEach((item, index) => {
    if (item.kind === 'string') found.push({ value: item.value, path: `${path}[${index}]`, span: item.span })
  })
  return found
}

export function at(path: string, span: Span): FindingLocation {
  return { path, span }
}
