// Grammar checks: required, forbidden and mistyped elements of the document and of each statement.
import { type CheckContext, type ReportFinding, at } from './policy-document.js'
import type { JsonEntry, JsonNode } from './json-source.js'

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
const statementElements = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'])
const principalKeys = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser'])

/** Checks each statement's elements; the document-level elements are checked in validatePolicy. */
export function checkStatementStructure(context: CheckContext): void {
  const sids = new Map<string, JsonEntry>()
  for (const statement of context.statements) {
    const { path, node } = statement
    for (const entry of node.entries) {
      if (!statementElements.has(entry.key)) {
        context.report('ERROR', 'INVALID_POLICY_ELEMENT', `The policy element ${entry.key} is not valid.`, [at(`${path}.${entry.key}`, entry.keySpan)])
      }
    }
    const sid = node.entries.find((entry) => entry.key === 'Sid')
    if (sid) checkSid(context, sid, `${path}.Sid`, sids)
    checkEffect(context, statement.node, path)
    checkPair(context, node, path, 'Action', 'NotAction', 'MISSING_ACTION', 'Add an Action or NotAction element to the policy statement.')
    if (context.policyType !== 'trust') {
      checkPair(context, node, path, 'Resource', 'NotResource', 'MISSING_RESOURCE', 'Add a Resource or NotResource element to the policy statement.')
    }
    checkPrincipal(context, statement.node, path, statement.effect)
  }
}

/** The `Version` and `Statement` elements of the document; returns the statement objects with their paths. */
export function checkDocumentStructure(report: ReportFinding, root: JsonNode): { node: JsonNode & { kind: 'object' }; path: string }[] {
  if (root.kind !== 'object') {
    report('ERROR', 'DATA_TYPE_MISMATCH', 'The policy document must be a JSON object.', [at('', root.span)])
    return []
  }
  for (const entry of root.entries) {
    if (!['Version', 'Id', 'Statement'].includes(entry.key)) {
      report('ERROR', 'INVALID_POLICY_ELEMENT', `The policy element ${entry.key} is not valid.`, [at(entry.key, entry.keySpan)])
    }
  }
  const version = root.entries.find((entry) => entry.key === 'Version')
  if (!version) {
    report('WARNING', 'MISSING_VERSION', 'We recommend that you specify the Version element to help you with debugging permission issues.', [at('', root.span)])
  } else if (version.value.kind !== 'string') {
    report('ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type String.', [at('Version', version.value.span)])
  } else if (version.value.value !== '2012-10-17' && version.value.value !== '2008-10-17') {
    report('ERROR', 'INVALID_VERSION', `The ${version.value.value} version is not valid. Use one of the following versions: 2012-10-17, 2008-10-17.`, [at('Version', version.value.span)])
  }
  const statement = root.entries.find((entry) => entry.key === 'Statement')
  if (!statement) {
    report('ERROR', 'MISSING_STATEMENT', 'Add statements to the policy.', [at('', root.span)])
    return []
  }
  if (statement.value.kind === 'object') return [{ node: statement.value, path: 'Statement' }]
  if (statement.value.kind !== 'array') {
    report('ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object or Array.', [at('Statement', statement.value.span)])
    return []
  }
  if (statement.value.items.length === 0) {
    report('ERROR', 'MISSING_STATEMENT', 'Add statements to the policy.', [at('Statement', statement.value.span)])
  }
  const objects: { node: JsonNode & { kind: 'object' }; path: string }[] = []
  statement.value.items.forEach((item, index) => {
    if (item.kind === 'object') objects.push({ node: item, path: `Statement[${index}]` })
    else report('ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object.', [at(`Statement[${index}]`, item.span)])
  })
  return objects
}

function checkSid(context: CheckContext, sid: JsonEntry, path: string, seen: Map<string, JsonEntry>): void {
  if (sid.value.kind !== 'string') {
    context.report('ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type String.', [at(path, sid.value.span)])
    return
  }
  const value = sid.value.value
  if (value === '') {
    context.report('SUGGESTION', 'EMPTY_SID_VALUE', 'Add a value to the empty string in the Sid element.', [at(path, sid.value.span)])
    return
  }
  // IAM (and so SCPs, RCPs and boundaries) allows only ASCII letters and digits in Sid:
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
  if (context.policyType !== 'resource' && context.policyType !== 'trust' && !/^[A-Za-z0-9]+$/.test(value)) {
    context.report('ERROR', 'UNSUPPORTED_SID', 'Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]', [at(path, sid.value.span)])
  }
  if (seen.has(value)) {
    context.report('ERROR', 'UNIQUE_SIDS_REQUIRED', 'Duplicate statement IDs (SIDs) are not supported for this policy type.', [at(path, sid.value.span)])
  }
  seen.set(value, sid)
}

function checkEffect(context: CheckContext, node: JsonNode & { kind: 'object' }, path: string): void {
  const effect = node.entries.find((entry) => entry.key === 'Effect')
  if (!effect) {
    context.report('ERROR', 'MISSING_EFFECT', 'Add an Effect element to the policy statement with a value of Allow or Deny.', [at(path, node.span)])
  } else if (effect.value.kind !== 'string') {
    context.report('ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type String.', [at(`${path}.Effect`, effect.value.span)])
  } else if (effect.value.value !== 'Allow' && effect.value.value !== 'Deny') {
    context.report('ERROR', 'INVALID_EFFECT', 'The Effect element can be Allow or Deny.', [at(`${path}.Effect`, effect.value.span)])
  }
}

function checkPair(context: CheckContext, node: JsonNode & { kind: 'object' }, path: string, positive: string, negative: string, missingCode: string, missingText: string): void {
  const found = node.entries.filter((entry) => entry.key === positive || entry.key === negative)
  if (found.length === 0) {
    context.report('ERROR', missingCode, missingText, [at(path, node.span)])
    return
  }
  if (found.length > 1) {
    context.report('ERROR', 'UNSUPPORTED_ELEMENT_COMBINATION', `The policy elements ${positive} and ${negative} can not be used in the same statement. Remove one of these elements.`, found.map((entry) => at(`${path}.${entry.key}`, entry.keySpan)))
  }
  for (const entry of found) checkStringOrArray(context, entry, `${path}.${entry.key}`)
}

function checkStringOrArray(context: CheckContext, entry: JsonEntry, path: string): void {
  const value = entry.value
  if (value.kind === 'string') return
  if (value.kind !== 'array') {
    context.report('ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type String or Array.', [at(path, value.span)])
    return
  }
  if (value.items.length === 0) {
    context.report('SUGGESTION', `EMPTY_ARRAY_${entry.key.replace(/^Not/, '').toUpperCase()}`, `This statement includes no ${entry.key.toLowerCase()}s and does not affect the policy. Specify ${entry.key.toLowerCase()}s.`, [at(path, value.span)])
  }
  value.items.forEach((item, index) => {
    if (item.kind !== 'string') {
      context.report('ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type String.', [at(`${path}[${index}]`, item.span)])
    }
  })
}

function checkPrincipal(context: CheckContext, node: JsonNode & { kind: 'object' }, path: string, effect: string | undefined): void {
  const found = node.entries.filter((entry) => entry.key === 'Principal' || entry.key === 'NotPrincipal')
  const needsPrincipal = context.policyType === 'resource' || context.policyType === 'trust' || context.policyType === 'rcp'
  if (found.length === 0) {
    if (needsPrincipal) context.report('ERROR', 'MISSING_PRINCIPAL', 'Add a Principal element to the policy statement.', [at(path, node.span)])
    return
  }
  if (found.length > 1) {
    context.report('ERROR', 'UNSUPPORTED_ELEMENT_COMBINATION', 'The policy elements Principal and NotPrincipal can not be used in the same statement. Remove one of these elements.', found.map((entry) => at(`${path}.${entry.key}`, entry.keySpan)))
  }
  for (const entry of found) {
    const where = at(`${path}.${entry.key}`, entry.keySpan)
    if (context.policyType === 'scp') {
      context.report('ERROR', 'SCP_SYNTAX_ERROR_PRINCIPAL', `The ${entry.key} element is not supported in service control policies.`, [where])
      continue
    }
    if (!needsPrincipal) {
      context.report('ERROR', 'UNSUPPORTED_PRINCIPAL', `The policy type ${context.policyType.toUpperCase()} does not support the ${entry.key} element. Remove the ${entry.key} element.`, [where])
      continue
    }
    if (entry.key === 'NotPrincipal' && effect === 'Allow') {
      context.report('SECURITY_WARNING', 'ALLOW_WITH_NOT_PRINCIPAL', 'Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead.', [where])
    }
    checkPrincipalValue(context, entry.value, `${path}.${entry.key}`)
  }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
function checkPrincipalValue(context: CheckContext, value: JsonNode, path: string): void {
  if (value.kind === 'string') {
    if (value.value !== '*') context.report('ERROR', 'INVALID_PRINCIPAL_FORMAT', 'The Principal element must be "*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"}.', [at(path, value.span)])
    return
  }
  if (value.kind !== 'object') {
    context.report('ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object or String.', [at(path, value.span)])
    return
  }
  if (value.entries.length === 0) {
    context.report('SUGGESTION', 'EMPTY_OBJECT_PRINCIPAL', 'This statement includes no principals and does not affect the policy. Specify principals.', [at(path, value.span)])
  }
  for (const entry of value.entries) {
    const entryPath = `${path}.${entry.key}`
    if (!principalKeys.has(entry.key)) {
      context.report('ERROR', 'INVALID_PRINCIPAL_KEY', `The principal key ${entry.key} is not valid. Use AWS, Service, Federated or CanonicalUser.`, [at(entryPath, entry.keySpan)])
      continue
    }
    const items = entry.value.kind === 'array' ? entry.value.items.map((item, index) => ({ item, path: `${entryPath}[${index}]` })) : [{ item: entry.value, path: entryPath }]
    for (const { item, path: itemPath } of items) {
      if (item.kind !== 'string') {
        context.report('ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type String.', [at(itemPath, item.span)])
      } else if (entry.key === 'AWS') {
        checkAwsPrincipal(context, item.value, at(itemPath, item.span))
      }
    }
  }
}

function checkAwsPrincipal(context: CheckContext, principal: string, where: ReturnType<typeof at>): void {
  if (principal === '*' || /^\d{12}$/.test(principal)) return
  if (!principal.startsWith('arn:')) {
    context.report('ERROR', 'INVALID_PRINCIPAL_FORMAT', `The principal ${principal} is not valid: use an account ID, an ARN or "*".`, [where])
  } else if (principal.includes('*') || principal.includes('?')) {
    // Wildcards are not allowed inside principal ARNs; use aws:PrincipalArn with ArnLike instead.
    context.report('ERROR', 'UNSUPPORTED_WILDCARD_IN_PRINCIPAL', 'Wildcards (*, ?) are not supported with the principal key AWS. Replace the wildcard with a valid principal value.', [where])
  } else if (principal.split(':').length < 6) {
    context.report('ERROR', 'INVALID_PRINCIPAL_FORMAT', `The principal ${principal} is not a valid ARN.`, [where])
  }
}
