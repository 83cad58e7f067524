// Condition checks: operators exist, keys exist and apply to the statement's actions, values fit the operator.
import { type CheckContext, type StatementView, at } from './policy-document.js'
import type { JsonEntry } from './json-source.js'
import { resolveAction } from './check-actions.js'
import type { CatalogAction, CatalogService } from './iam-catalog.js'

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
const operatorFamilies: Record<string, string> = {
  stringequals: 'String', stringnotequals: 'String', stringequalsignorecase: 'String', stringnotequalsignorecase: 'String', stringlike: 'String', stringnotlike: 'String',
  numericequals: 'Numeric', numericnotequals: 'Numeric', numericlessthan: 'Numeric', numericlessthanequals: 'Numeric', numericgreaterthan: 'Numeric', numericgreaterthanequals: 'Numeric',
  dateequals: 'Date', datenotequals: 'Date', datelessthan: 'Date', datelessthanequals: 'Date', dategreaterthan: 'Date', dategreaterthanequals: 'Date',
  bool: 'Bool', binaryequals: 'Binary', ipaddress: 'IPAddress', notipaddress: 'IPAddress',
  arnequals: 'ARN', arnlike: 'ARN', arnnotequals: 'ARN', arnnotlike: 'ARN', null: 'Null',
}

export function checkConditions(context: CheckContext): void {
  for (const statement of context.statements) {
    const condition = statement.condition
    if (!condition) continue
    const path = `${statement.path}.Condition`
    if (condition.value.kind !== 'object') {
      context.report('ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object.', [at(path, condition.value.span)])
      continue
    }
    if (condition.value.entries.length === 0) {
      context.report('SUGGESTION', 'EMPTY_OBJECT_CONDITION', 'This condition block is empty and it is always true. Specify conditions or remove it.', [at(path, condition.value.span)])
    }
    for (const operator of condition.value.entries) checkOperator(context, statement, operator, `${path}.${operator.key}`)
  }
}

interface ParsedOperator {
  readonly family: string
  readonly setQualifier: 'ForAllValues' | 'ForAnyValue' | undefined
  readonly ifExists: boolean
}

/** Splits `ForAllValues:StringLikeIfExists` into its parts; undefined for an unknown operator. */
export function parseOperator(name: string): ParsedOperator | undefined {
  let rest = name
  let setQualifier: ParsedOperator['setQualifier']
  for (const qualifier of ['ForAllValues', 'ForAnyValue'] as const) {
    if (rest.toLowerCase().startsWith(`${qualifier.toLowerCase()}:`)) {
      setQualifier = qualifier
      rest = rest.slice(qualifier.length + 1)
    }
  }
  const ifExists = rest.toLowerCase().endsWith('ifexists')
  if (ifExists) rest = rest.slice(0, -'IfExists'.length)
  const family = operatorFamilies[rest.toLowerCase()]
  return family ? { family, setQualifier, ifExists } : undefined
}

function checkOperator(context: CheckContext, statement: StatementView, operator: JsonEntry, path: string): void {
  const parsed = parseOperator(operator.key)
  if (!parsed) {
    context.report('ERROR', 'INVALID_CONDITION_OPERATOR', `The condition operator ${operator.key} is not valid. Use a valid condition operator.`, [at(path, operator.keySpan)])
    return
  }
  if (parsed.family === 'Null' && parsed.ifExists) {
    context.report('ERROR', 'NULL_WITH_IF_EXISTS', 'You cannot use an IfExists operator with the Null condition operator. Update the operator to use Null or remove IfExists.', [at(path, operator.keySpan)])
  }
  if (operator.value.kind !== 'object') {
    context.report('ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object.', [at(path, operator.value.span)])
    return
  }
  const seen = new Map<string, string>()
  for (const key of operator.value.entries) {
    const keyPath = `${path}.${key.key}`
    const lower = key.key.toLowerCase()
    const earlier = seen.get(lower)
    if (earlier !== undefined && earlier !== key.key) {
      // Key names are case-insensitive, so two spellings are the same key: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
      context.report('ERROR', 'DUPLICATE_KEYS_WITH_DIFFERENT_CASE', `The condition key ${key.key} repeats ${earlier} with different case. Combine them into one key.`, [at(keyPath, key.keySpan)])
    }
    seen.set(lower, key.key)
    checkValues(context, parsed, operator.key, key, keyPath)
    const keyType = checkKey(context, key, keyPath)
    if (keyType === undefined) continue
    if (parsed.setQualifier === 'ForAllValues' && !keyType.startsWith('ArrayOf') && statement.effect === 'Allow') {
      context.report('SECURITY_WARNING', 'FORALLVALUES_WITH_SINGLE_VALUED_KEY', `Using ForAllValues qualifier with the single-valued condition key ${key.key} can be overly permissive. We recommend that you remove ForAllValues:.`, [at(keyPath, key.keySpan)])
    }
    const scalarType = keyType.replace(/^ArrayOf/, '')
    const strictFamilies = ['Numeric', 'Date', 'Bool', 'IPAddress', 'Binary']
    if (strictFamilies.includes(parsed.family) && parsed.family !== scalarType) {
      context.report('WARNING', 'MISMATCHED_TYPE', `The ${operator.key} operator compares ${parsed.family} values, but the condition key ${key.key} is of type ${keyType}. Use an operator of the key's type.`, [at(keyPath, key.keySpan)])
    }
    checkKeyApplies(context, statement, key, keyPath)
    if (parsed.family === 'IPAddress' && key.key.toLowerCase() === 'aws:sourceip') checkPublicRanges(context, operator.key, key, keyPath)
  }
}

// aws:SourceIp carries the public address a request came from; requests through a VPC endpoint carry
// aws:VpcSourceIp instead, so a private range never matches: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip
function checkPublicRanges(context: CheckContext, operatorName: string, key: JsonEntry, path: string): void {
  const values = key.value.kind === 'array' ? key.value.items : [key.value]
  const ranges = values.flatMap((item) => (item.kind === 'string' ? [item.value] : []))
  if (ranges.length === 0 || !ranges.every(isPrivateIpv4Range)) return
  const negated = operatorName.toLowerCase().includes('notipaddress')
  context.report('ERROR', negated ? 'PRIVATE_NOT_IP_ADDRESS' : 'PRIVATE_IP_ADDRESS', `The condition key aws:SourceIp only contains public IP addresses, so ${ranges.join(', ')} never matches. Use aws:VpcSourceIp for private addresses.`, [at(path, key.keySpan)])
}

const privateIpv4Ranges: readonly (readonly [number, number])[] = [
  [0x0a000000, 8], // 10.0.0.0/8
  [0xac100000, 12], // 172.16.0.0/12
  [0xc0a80000, 16], // 192.168.0.0/16
]

function isPrivateIpv4Range(cidr: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(cidr)
  if (!match) return false
  const octets = match.slice(1, 5).map(Number)
  if (octets.some((octet) => octet > 255)) return false
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0)
  const bits = match[5] === undefined ? 32 : Number(match[5])
  return privateIpv4Ranges.some(([base, size]) => bits >= size && Math.floor(address / 2 ** (32 - size)) === Math.floor(base / 2 ** (32 - size)))
}

/** Reports unknown or malformed keys; returns the key's type when it is known. */
function checkKey(context: CheckContext, key: JsonEntry, path: string): string | undefined {
  const where = [at(path, key.keySpan)]
  const colon = key.key.indexOf(':')
  if (colon <= 0 || colon === key.key.length - 1) {
    context.report('ERROR', 'INVALID_CONDITION_KEY_FORMAT', `The condition key format of ${key.key} is not valid. Use the format service:keyname.`, where)
    return undefined
  }
  const prefix = key.key.slice(0, colon).toLowerCase()
  if (prefix === 'aws') {
    const global = context.catalog.globalConditionKey(key.key)
    if (!global) context.report('ERROR', 'INVALID_GLOBAL_CONDITION_KEY', `The condition key ${key.key} does not exist. Use a valid global condition key.`, where)
    return global?.type
  }
  const service = context.catalog.service(prefix)
  // Keys of identity providers (saml:, accounts.google.com:…) belong to no service in the reference.
  if (!service) return undefined
  const found = findServiceKey(service.conditionKeys, key.key)
  if (!found) {
    context.report('ERROR', 'INVALID_SERVICE_CONDITION_KEY', `The condition key ${key.key} does not exist in the service ${prefix}. Use a valid condition key.`, where)
  }
  return found?.type
}

function findServiceKey(keys: ReadonlyMap<string, { key: string; type: string }>, key: string): { key: string; type: string } | undefined {
  const lower = key.toLowerCase()
  const exact = keys.get(lower)
  if (exact) return exact
  for (const [template, details] of keys) if (keyMatchesTemplate(template, lower)) return details
  return undefined
}

const templateCache = new Map<string, RegExp | undefined>()

/** Whether a lower-case key fits a reference key with placeholders (`s3:existingobjecttag/<key>`, `aws:resourcetag/${tagkey}`). */
function keyMatchesTemplate(template: string, lowerKey: string): boolean {
  let regex = templateCache.get(template)
  if (!templateCache.has(template)) {
    const parts = template.toLowerCase().split(/(\$\{[^}]+\}|<[^>]+>)/)
    regex = parts.length === 1 ? undefined : new RegExp(`^${parts.map((part) => (/^(\$\{|<)/.test(part) ? '.+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 's')
    templateCache.set(template, regex)
  }
  return regex?.test(lowerKey) ?? template.toLowerCase() === lowerKey
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-action-for-condition-key
function checkKeyApplies(context: CheckContext, statement: StatementView, key: JsonEntry, path: string): void {
  const actions = statement.actions
  if (!actions || actions.negated || key.key.toLowerCase().startsWith('aws:')) return
  const unsupported: string[] = []
  for (const action of actions.values) {
    if (/[*?]/.test(action.value)) return // a wildcard may include actions the key applies to
    const resolved = resolveAction(context, action.value)
    const details = resolved && resolved.names.length === 1 ? resolved.service.actions.get((resolved.names[0] as string).toLowerCase()) : undefined
    if (!resolved || !details) continue
    const supported = supportedKeys(resolved.service, details)
    const lowerKey = key.key.toLowerCase()
    if (!supported.some((candidate) => keyMatchesTemplate(candidate, lowerKey))) {
      unsupported.push(action.value)
    }
  }
  if (unsupported.length > 0) {
    context.report('ERROR', 'UNSUPPORTED_ACTION_FOR_CONDITION_KEY', `The following actions: ${unsupported.join(', ')} are not supported by the condition key ${key.key}. The condition will not be evaluated for these actions. We recommend that you move these actions to a different statement without this condition key.`, [at(path, key.keySpan)])
  }
}

const supportedByAction = new WeakMap<CatalogAction, readonly string[]>()

/** The keys an action supports: its own, its resource types' in the action table, and those of the resource types table. */
function supportedKeys(service: CatalogService, action: CatalogAction): readonly string[] {
  let keys = supportedByAction.get(action)
  if (!keys) {
    keys = [
      ...action.conditionKeys,
      ...action.resourceTypes.flatMap((type) => [...type.conditionKeys, ...(service.resourceTypes.get(type.name)?.conditionKeys ?? [])]),
    ]
    supportedByAction.set(action, keys)
  }
  return keys
}

function checkValues(context: CheckContext, operator: ParsedOperator, operatorName: string, key: JsonEntry, path: string): void {
  const value = key.value
  const values = value.kind === 'array' ? value.items : [value]
  if (value.kind === 'array' && value.items.length === 0) {
    const code = operator.setQualifier ? `EMPTY_ARRAY_CONDITION_${operator.setQualifier === 'ForAllValues' ? 'FORALLVALUES' : 'FORANYVALUE'}` : operator.ifExists ? 'EMPTY_ARRAY_CONDITION_IFEXISTS' : 'EMPTY_ARRAY_CONDITION'
    context.report('SUGGESTION', code, `The condition ${operatorName} with key ${key.key} has no values. Specify values or remove the condition.`, [at(path, value.span)])
  }
  values.forEach((item, index) => {
    const itemPath = value.kind === 'array' ? `${path}[${index}]` : path
    if (item.kind !== 'string' && item.kind !== 'boolean' && item.kind !== 'number') {
      context.report('ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type String, Boolean or Number.', [at(itemPath, item.span)])
    }
  })
  if ((operator.family === 'Bool' || operator.family === 'Null') && value.kind === 'array' && value.items.length > 1) {
    context.report('ERROR', 'INVALID_CONDITION_MULTIPLE_BOOLEAN', `The condition key ${key.key} expects one Boolean value. Use either true or false.`, [at(path, value.span)])
  }
}
