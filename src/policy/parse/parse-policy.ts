// parsePolicy: policy JSON → validated AST, failing as AWS does, with AWS's MalformedPolicyDocument message text.
//
// Checks run in the stages IAM applies them, and the first failing stage decides the message, so a document with
// several problems gets the same message AWS gives: syntax → version → legacy parsing → Sid uniqueness → actions
// present → resource format → action vendors → per-type rules (principal, resources, trust and Organizations rules).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_policies.html

import type { ConditionClause, PolicyDocument, PolicyStatement, PolicyVersion, PrincipalElement } from '../ast.js'
import { awsPolicyMessages as msg, PolicySyntaxError } from '../errors.js'
import type { PolicyType } from '../types.js'
import { parseDateValue } from '../evaluate/conditions/date.js'
import { parseStrictJson, StrictJsonError } from './strict-json.js'

export interface ParseOptions {
  /**
   * Reject documents whose Version is missing or 2008-10-17 with "Policy document must be version 2012-10-17 or
   * greater.", as IAM's CreatePolicy and CreatePolicyVersion do (inline and resource policies accept 2008-10-17).
   * Defaults to true for SCPs and RCPs, false otherwise.
   */
  readonly requireVersion2012?: boolean
}

/** Parses and validates a policy document of the given type; throws PolicySyntaxError with AWS's message. */
export function parsePolicy(
  document: string | Readonly<Record<string, unknown>>,
  type: PolicyType,
  options: ParseOptions = {},
): PolicyDocument {
  const json = typeof document === 'string' ? parseJson(document) : document
  const parsed = checkSyntax(json)
  const requireVersion2012 = options.requireVersion2012 ?? (type === 'scp' || type === 'rcp')
  if (requireVersion2012 && parsed.version !== '2012-10-17') throw new PolicySyntaxError(msg.version, 'Version')
  checkLegacyParsing(parsed.raw)
  checkSidsUnique(parsed.statements)
  checkActionsPresent(parsed.statements)
  checkResourceFormats(parsed.statements)
  checkVendors(parsed.statements)
  checkTypeRules(parsed.statements, type)
  return { type, version: parsed.version, ...(parsed.id !== undefined && { id: parsed.id }), singleStatement: parsed.singleStatement, statements: parsed.statements }
}

// ---------------------------------------------------------------------------------------------------------------
// Stage 1: syntax. Any structural problem is "Syntax errors in policy."

const topLevelKeys = new Set(['Version', 'Id', 'Statement'])
const statementKeys = new Set([
  'Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition',
])
const principalKinds = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser'])

/** The operators AWS knows (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html). */
export const conditionOperators = new Set([
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
])

interface SyntaxResult {
  readonly version: PolicyVersion
  readonly id?: string
  readonly singleStatement: boolean
  readonly statements: PolicyStatement[]
  /** The raw statement objects, for the legacy-parsing stage that looks at text AWS's old parser saw. */
  readonly raw: readonly Record<string, unknown>[]
}

function parseJson(text: string): unknown {
  try {
    return parseStrictJson(text)
  } catch (error) {
    if (error instanceof StrictJsonError) throw new PolicySyntaxError(msg.syntax, error.message)
    throw error
  }
}

function syntaxError(path: string): never {
  throw new PolicySyntaxError(msg.syntax, path)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkSyntax(json: unknown): SyntaxResult {
  if (!isObject(json)) syntaxError('(document)')
  for (const key of Object.keys(json)) if (!topLevelKeys.has(key)) syntaxError(key)
  let version: PolicyVersion = '2008-10-17'
  if ('Version' in json) {
    if (json.Version !== '2012-10-17' && json.Version !== '2008-10-17') syntaxError('Version')
    version = json.Version
  }
  if ('Id' in json && typeof json.Id !== 'string') syntaxError('Id')
  const statement = json.Statement
  const singleStatement = isObject(statement)
  const raw = singleStatement ? [statement] : Array.isArray(statement) ? (statement as unknown[]) : syntaxError('Statement')
  if (raw.length === 0) syntaxError('Statement')
  const statements = raw.map((s, index) => parseStatement(s, index))
  return {
    version,
    ...(typeof json.Id === 'string' && { id: json.Id }),
    singleStatement,
    statements,
    raw: raw as Record<string, unknown>[],
  }
}

function parseStatement(value: unknown, index: number): PolicyStatement {
  const at = `Statement[${index}]`
  if (!isObject(value)) syntaxError(at)
  for (const key of Object.keys(value)) if (!statementKeys.has(key)) syntaxError(`${at}.${key}`)
  if ('Action' in value && 'NotAction' in value) syntaxError(`${at}.NotAction`)
  if ('Resource' in value && 'NotResource' in value) syntaxError(`${at}.NotResource`)
  if ('Principal' in value && 'NotPrincipal' in value) syntaxError(`${at}.NotPrincipal`)
  const effect = value.Effect
  // Effect is matched case-insensitively here; the legacy stage then rejects any spelling but Allow/Deny.
  if (typeof effect !== 'string' || !/^(allow|deny)$/i.test(effect)) syntaxError(`${at}.Effect`)
  if ('Sid' in value && typeof value.Sid !== 'string') syntaxError(`${at}.Sid`)
  const statement: {
    -readonly [K in keyof PolicyStatement]: PolicyStatement[K]
  } = { index, effect: effect.toLowerCase() === 'allow' ? 'Allow' : 'Deny' }
  if (typeof value.Sid === 'string') statement.sid = value.Sid
  if ('Action' in value) statement.action = stringList(value.Action, `${at}.Action`)
  if ('NotAction' in value) statement.notAction = stringList(value.NotAction, `${at}.NotAction`)
  if ('Resource' in value) statement.resource = stringList(value.Resource, `${at}.Resource`)
  if ('NotResource' in value) statement.notResource = stringList(value.NotResource, `${at}.NotResource`)
  if ('Principal' in value) statement.principal = principalElement(value.Principal, `${at}.Principal`)
  if ('NotPrincipal' in value) statement.notPrincipal = principalElement(value.NotPrincipal, `${at}.NotPrincipal`)
  if ('Condition' in value) statement.condition = conditionClauses(value.Condition, `${at}.Condition`)
  return statement
}

function stringList(value: unknown, path: string): string[] {
  if (typeof value === 'string') return [value]
  if (!Array.isArray(value)) syntaxError(path)
  for (const item of value) if (typeof item !== 'string') syntaxError(path)
  return value as string[]
}

function principalElement(value: unknown, path: string): PrincipalElement {
  if (value === '*') return { wildcard: true, aws: [], service: [], federated: [], canonicalUser: [] }
  if (!isObject(value)) syntaxError(path)
  const lists: Record<string, string[]> = { AWS: [], Service: [], Federated: [], CanonicalUser: [] }
  for (const [kind, entry] of Object.entries(value)) {
    if (!principalKinds.has(kind)) syntaxError(`${path}.${kind}`)
    const list = stringList(entry, `${path}.${kind}`)
    if (list.length === 0) syntaxError(`${path}.${kind}`)
    lists[kind] = list
  }
  if (Object.keys(value).length === 0) syntaxError(path)
  return {
    wildcard: false,
    aws: lists.AWS ?? [],
    service: lists.Service ?? [],
    federated: lists.Federated ?? [],
    canonicalUser: lists.CanonicalUser ?? [],
  }
}

function conditionClauses(value: unknown, path: string): ConditionClause[] {
  if (!isObject(value)) syntaxError(path)
  const clauses: ConditionClause[] = []
  for (const [operator, block] of Object.entries(value)) {
    if (!isObject(block)) syntaxError(`${path}.${operator}`)
    const parts = splitOperator(operator)
    if (!parts) {
      // AWS tolerates an unknown operator only with an empty block.
      if (Object.keys(block).length > 0) syntaxError(`${path}.${operator}`)
      continue
    }
    for (const [key, raw] of Object.entries(block)) {
      const values = conditionValues(raw, `${path}.${operator}.${key}`)
      clauses.push({ operator, ...parts, key, values })
    }
  }
  return clauses
}

/** Splits `ForAnyValue:StringLikeIfExists` into its parts; undefined for an operator AWS does not know. */
export function splitOperator(
  operator: string,
): Pick<ConditionClause, 'setOperator' | 'baseOperator' | 'ifExists'> | undefined {
  let rest = operator
  let setOperator: ConditionClause['setOperator']
  if (rest.startsWith('ForAnyValue:')) {
    setOperator = 'ForAnyValue'
    rest = rest.slice('ForAnyValue:'.length)
  } else if (rest.startsWith('ForAllValues:')) {
    setOperator = 'ForAllValues'
    rest = rest.slice('ForAllValues:'.length)
  }
  let ifExists = false
  if (rest.endsWith('IfExists')) {
    ifExists = true
    rest = rest.slice(0, -'IfExists'.length)
  }
  if (!conditionOperators.has(rest)) return undefined
  if (rest === 'Null' && ifExists) return undefined // NullIfExists is not an operator
  return { ...(setOperator && { setOperator }), baseOperator: rest, ifExists }
}

function conditionValues(value: unknown, path: string): string[] {
  const scalar = (v: unknown): string => {
    if (typeof v === 'string') return v
    if (typeof v === 'number' || typeof v === 'boolean') return String(v)
    return syntaxError(path)
  }
  return Array.isArray(value) ? value.map(scalar) : [scalar(value)]
}

// ---------------------------------------------------------------------------------------------------------------
// Stage 3: AWS's legacy parser: Effect spelled exactly, Date condition values parseable.

function checkLegacyParsing(raw: readonly Record<string, unknown>[]): void {
  for (const statement of raw) {
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw new PolicySyntaxError(msg.legacyParsing, 'Effect')
    // An ARN with an empty field (`::`) must have all six fields: `arn:aws:iam::*` is cut short.
    for (const key of ['Resource', 'NotResource']) {
      const value = statement[key]
      for (const resource of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
        const r = String(resource)
        if (r !== '*' && r.includes('::') && r.split(':').length < 6) throw new PolicySyntaxError(msg.legacyParsing, key)
      }
    }
    const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined
    if (!condition) continue
    for (const [operator, block] of Object.entries(condition)) {
      const parts = splitOperator(operator)
      if (!parts?.baseOperator.startsWith('Date')) continue
      for (const value of Object.values(block)) {
        for (const v of Array.isArray(value) ? value : [value]) {
          if (parseDateValue(String(v)) === undefined && !String(v).includes('${')) {
            throw new PolicySyntaxError(msg.legacyParsing, `Condition.${operator}`)
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Stages 4–7.

function checkSidsUnique(statements: readonly PolicyStatement[]): void {
  const seen = new Set<string>()
  for (const s of statements) {
    if (!s.sid) continue
    if (seen.has(s.sid)) throw new PolicySyntaxError(msg.duplicateSid, `Statement[${s.index}].Sid`)
    seen.add(s.sid)
  }
}

function checkActionsPresent(statements: readonly PolicyStatement[]): void {
  for (const s of statements) {
    const actions = s.action ?? s.notAction
    if (!actions || actions.length === 0) throw new PolicySyntaxError(msg.noActions, `Statement[${s.index}]`)
  }
}

const partitions = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'])
const iamResourceStarts = [
  'user/', 'federated-user/', 'role/', 'group/', 'instance-profile/', 'mfa/', 'server-certificate/', 'policy/',
  'sms-mfa/', 'saml-provider/', 'oidc-provider/', 'report/', 'access-report/',
]

function checkResourceFormats(statements: readonly PolicyStatement[]): void {
  for (const s of statements) {
    for (const resource of s.resource ?? s.notResource ?? []) {
      const problem = resourceFormatProblem(resource)
      if (problem) throw new PolicySyntaxError(problem, `Statement[${s.index}].Resource`)
    }
  }
}

/** AWS's message for a Resource/NotResource entry that is neither `*` nor an ARN-shaped pattern; undefined if fine. */
export function resourceFormatProblem(resource: string): string | undefined {
  if (resource === '*') return undefined
  const parts = resource.split(':')
  if (parts.length < 2 || parts[0] !== 'arn') return msg.resourceFormat(resource)
  const partition = parts[1] as string
  if (partition !== '*' && !partitions.has(partition) && !partition.includes('${')) {
    const rest = parts.slice(2)
    // AWS echoes the resource with absent fields shown as `*`.
    const service = rest[0] !== '' || rest.length > 1 ? rest[0] : '*'
    const region = rest.length > 1 ? rest[1] : '*'
    const account = rest.length > 2 ? rest[2] : '*'
    const tail = rest.length > 3 ? rest.slice(3).join(':') : '*'
    return msg.partition(partition, `arn:${partition}:${service}:${region}:${account}:${tail}`)
  }
  // The service must be spelled out: `arn:aws:s3*:::b` and `arn:aws::::b` are rejected alike.
  if (parts.length < 3 || parts[2] === '' || /[*?]/.test(parts[2] as string)) return msg.resourceVendor
  const service = parts[2]
  const region = parts[3] ?? ''
  const account = parts[4] ?? ''
  const rest = parts.slice(5).join(':')
  if (service === 'iam' && region !== '') return msg.iamRegion(resource)
  // Buckets and objects (`arn:aws:s3:::bucket/key`) carry neither region nor account; S3's regional resources
  // (access points, access grants, batch jobs, Storage Lens) carry both, and AWS managed policies use them.
  if (service === 's3' && region !== '' && account === '' && !rest.startsWith('accesspoint/')) return msg.s3Region(resource)
  if (service === 'iam' && parts.length >= 6 && rest !== '*' && rest !== 'root' && !rest.includes('${') && !iamResourceStarts.some((p) => rest.startsWith(p))) {
    return `IAM resource path must either be "*", root, or start with ${iamResourceStarts.join(', ')}.`
  }
  return undefined
}

const vendorPattern = /^[a-zA-Z0-9\-.]+$/

function checkVendors(statements: readonly PolicyStatement[]): void {
  for (const s of statements) {
    for (const action of s.action ?? s.notAction ?? []) {
      const problem = actionVendorProblem(action)
      if (problem) throw new PolicySyntaxError(problem, `Statement[${s.index}].Action`)
    }
    for (const clause of s.condition ?? []) {
      if (!clause.key.includes(':')) throw new PolicySyntaxError(msg.noVendor, `Statement[${s.index}].Condition`)
    }
  }
}

/** AWS's message for an action without a valid `vendor:` prefix; undefined if fine. */
export function actionVendorProblem(action: string): string | undefined {
  if (action === '*') return undefined
  const parts = action.split(':')
  if (parts.length === 1) return msg.noVendor
  if (parts.length > 2) return msg.oneColon
  const vendor = parts[0] as string
  if (vendor !== '*' && !vendorPattern.test(vendor)) return msg.invalidVendor(vendor)
  return undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Stage 8: what each policy type requires or forbids.

const sidPattern = /^[0-9A-Za-z]*$/

function checkTypeRules(statements: readonly PolicyStatement[], type: PolicyType): void {
  for (const s of statements) {
    const at = `Statement[${s.index}]`
    const hasPrincipal = s.principal !== undefined || s.notPrincipal !== undefined
    const hasResource = s.resource !== undefined || s.notResource !== undefined
    switch (type) {
      case 'identity':
      case 'boundary':
      case 'session':
      case 'scp':
        if (hasPrincipal) throw new PolicySyntaxError(msg.principalNotAllowed, `${at}.Principal`)
        if (!hasResource || (s.resource ?? s.notResource)!.length === 0) throw new PolicySyntaxError(msg.noResources, at)
        if (type === 'scp') checkScpActions(s)
        break
      case 'resource':
        if (!hasPrincipal) throw new PolicySyntaxError(msg.principalRequired, at)
        checkPrincipalFormats(s, at)
        if (!hasResource || (s.resource ?? s.notResource)!.length === 0) throw new PolicySyntaxError(msg.noResources, at)
        break
      case 'trust':
        if (!hasPrincipal) throw new PolicySyntaxError(msg.principalRequired, at)
        checkPrincipalFormats(s, at)
        if (hasResource) throw new PolicySyntaxError(msg.trustResource, `${at}.Resource`)
        for (const action of s.action ?? s.notAction ?? []) {
          if (action !== '*' && !action.toLowerCase().startsWith('sts:')) throw new PolicySyntaxError(msg.trustActions, `${at}.Action`)
        }
        break
      case 'rcp':
        checkRcpStatement(s, at)
        break
    }
    if ((type === 'identity' || type === 'boundary' || type === 'trust') && s.sid !== undefined && !sidPattern.test(s.sid)) {
      throw new PolicySyntaxError(
        'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
        `${at}.Sid`,
      )
    }
  }
}

// Principal values must name something: `*`, an account id, an IAM/STS ARN without wildcards, or an IAM unique id
// (what a deleted principal turns into); services look like host names. Whether the named principal exists is the
// IAM service's check, not the parser's.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
const awsPrincipalPattern = /^(\*|\d{12}|arn:[a-z-]+:(iam|sts)::\d{12}:[^*?]+|A[A-Z]{3}[A-Z0-9]{12,})$/
const servicePrincipalPattern = /^(\*|[a-z0-9][a-z0-9.-]*\.[a-z0-9.-]+)$/

function checkPrincipalFormats(s: PolicyStatement, at: string): void {
  const element = s.principal ?? s.notPrincipal
  if (!element || element.wildcard) return
  for (const value of element.aws) {
    if (!awsPrincipalPattern.test(value)) throw new PolicySyntaxError(msg.invalidPrincipal('AWS', value), `${at}.Principal.AWS`)
  }
  for (const value of element.service) {
    if (!servicePrincipalPattern.test(value)) throw new PolicySyntaxError(msg.invalidPrincipal('Service', value), `${at}.Principal.Service`)
  }
}

// SCPs: no Principal; wildcards in actions only alone or at the end
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html).
function checkScpActions(s: PolicyStatement): void {
  for (const action of s.action ?? s.notAction ?? []) {
    const name = action.slice(action.indexOf(':') + 1)
    const firstWildcard = name.search(/[*?]/)
    if (firstWildcard >= 0 && firstWildcard < name.length - 1 && !/^[*?]+$/.test(name.slice(firstWildcard))) {
      throw new PolicySyntaxError(msg.scpWildcard(action), `Statement[${s.index}].Action`)
    }
  }
}

// RCPs: Principal must be "*", no NotPrincipal or NotAction, and Allow only in the RCPFullAWSAccess shape
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html).
function checkRcpStatement(s: PolicyStatement, at: string): void {
  if (s.notPrincipal) throw new PolicySyntaxError(msg.rcpElement('NotPrincipal'), `${at}.NotPrincipal`)
  if (s.notAction) throw new PolicySyntaxError(msg.rcpElement('NotAction'), `${at}.NotAction`)
  if (!s.principal) throw new PolicySyntaxError(msg.principalRequired, at)
  const p = s.principal
  const onlyStar =
    p.wildcard ||
    (p.aws.length > 0 && p.aws.every((a) => a === '*') && p.service.length + p.federated.length + p.canonicalUser.length === 0)
  if (!onlyStar) throw new PolicySyntaxError(msg.rcpPrincipal, `${at}.Principal`)
  if (!s.resource && !s.notResource) throw new PolicySyntaxError(msg.noResources, at)
  if (s.effect === 'Allow') {
    const fullAccess = s.action?.length === 1 && s.action[0] === '*' && s.resource?.length === 1 && s.resource[0] === '*' && !s.condition
    if (!fullAccess) throw new PolicySyntaxError(msg.rcpEffect, `${at}.Effect`)
  }
}
