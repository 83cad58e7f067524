// compilePolicy: a parsed policy → matchers, built once per policy version (on write, then cached by the caller).
//
// Statements are indexed by action so that evaluation touches only statements whose Action can match: literal
// actions by exact lower-cased name, patterns by their literal service prefix, and the rest (a wildcard in the
// service prefix, `*`, and NotAction statements) in a short list checked for every request.

import type { PolicyDocument, PolicyStatement, PrincipalElement } from '../ast.js'
import { parsePolicy, type ParseOptions } from '../parse/parse-policy.js'
import type { CompiledPolicy, PolicySetOf, PolicySource, PolicyType, StatementRef } from '../types.js'
import { compileCondition, type CompiledCondition } from './conditions/condition.js'
import { parseTemplate, type Template } from './variables.js'
import { compileArnPattern, compileWildcard, matchAll, type Matcher } from './wildcard.js'

/** A compiled statement. Mutable only in `seen`, the evaluation stamp that keeps a statement from counting twice. */
export interface CompiledStatement {
  readonly ref: StatementRef
  readonly effect: 'Allow' | 'Deny'
  /** For NotAction statements: the patterns the action must not match. */
  readonly notAction: readonly Matcher[] | undefined
  readonly resource: ResourceMatcher
  readonly principal: PrincipalMatcher | undefined
  readonly conditions: readonly CompiledCondition[]
  /** A condition value that could not be parsed: the statement never grants, and a Deny still applies. */
  readonly error: string | undefined
  seen: number
}

export interface ResourceMatcher {
  /** NotResource: the statement applies when no entry matches. */
  readonly negated: boolean
  readonly any: boolean
  readonly matchers: readonly Matcher[]
  /** Entries with policy variables, resolved per request. */
  readonly templates: readonly Template[]
}

export interface PrincipalMatcher {
  /** NotPrincipal: the statement applies to everyone the element does not fully name. */
  readonly negated: boolean
  /** `"*"` or `{"AWS": "*"}`: everyone, including anonymous callers. */
  readonly everyone: boolean
  /** Exact principal ARNs (users, roles, sessions, federated users); account ids are normalized into `accounts`. */
  readonly arns: ReadonlySet<string>
  readonly accounts: ReadonlySet<string>
  readonly services: ReadonlySet<string>
  readonly federated: ReadonlySet<string>
  readonly canonicalUsers: ReadonlySet<string>
}

interface PatternEntry {
  readonly matches: Matcher
  readonly statement: CompiledStatement
}

export class CompiledPolicyImpl implements CompiledPolicy {
  readonly statementCount: number
  readonly version: '2012-10-17' | '2008-10-17'
  /** Literal actions (lower-cased) → statements. */
  readonly byAction = new Map<string, CompiledStatement[]>()
  /** Service prefix (lower-cased) → action patterns within that service. */
  readonly byService = new Map<string, PatternEntry[]>()
  /** Patterns whose service part has a wildcard, including `*`. */
  readonly anyService: PatternEntry[] = []
  /** NotAction statements: candidates for every action. */
  readonly notActionStatements: CompiledStatement[] = []
  readonly statements: readonly CompiledStatement[]

  constructor(
    readonly id: string,
    readonly type: PolicyType,
    readonly document: PolicyDocument,
  ) {
    this.version = document.version
    this.statementCount = document.statements.length
    this.statements = document.statements.map((s) => compileStatement(s, id, type, document))
    for (const statement of this.statements) this.index(statement, document.statements[statement.ref.statementIndex]!)
  }

  private index(compiled: CompiledStatement, statement: PolicyStatement): void {
    if (!statement.action) {
      this.notActionStatements.push(compiled)
      return
    }
    const literal = new Set<string>()
    for (const action of statement.action) {
      const lower = action.toLowerCase()
      const colon = lower.indexOf(':')
      const service = colon < 0 ? lower : lower.slice(0, colon)
      if (!/[*?]/.test(lower)) {
        if (literal.has(lower)) continue // the same action twice in one statement
        literal.add(lower)
        push(this.byAction, lower, compiled)
      } else if (colon >= 0 && !/[*?]/.test(service)) {
        push(this.byService, service, { matches: compileWildcard(lower, true), statement: compiled })
      } else {
        this.anyService.push({ matches: compileWildcard(lower, true), statement: compiled })
      }
    }
  }
}

/**
 * Parses (with AWS's rules for the type) and compiles one policy. Throws PolicySyntaxError for a document AWS would
 * reject. The result is immutable apart from evaluation stamps and can be cached and shared.
 */
export function compilePolicy(
  id: string,
  type: PolicyType,
  document: string | Readonly<Record<string, unknown>> | PolicyDocument,
  options?: ParseOptions,
): CompiledPolicy {
  const parsed = isPolicyDocument(document) ? document : parsePolicy(document, type, options)
  return new CompiledPolicyImpl(id, type, parsed)
}

/** Compiles every policy of a set (for tests, the corpus and the simulator; services cache compiled policies). */
export function compilePolicySet(set: PolicySetOf<PolicySource>): PolicySetOf<CompiledPolicy> {
  const one = (type: PolicyType) => (p: PolicySource) => compilePolicy(p.id, type, p.document)
  return {
    ...(set.scps && { scps: set.scps.map((level) => level.map(one('scp'))) }),
    ...(set.rcps && { rcps: set.rcps.map((level) => level.map(one('rcp'))) }),
    ...(set.resource && { resource: set.resource.map(one('resource')) }),
    ...(set.trust && { trust: one('trust')(set.trust) }),
    ...(set.resourceMustAllow !== undefined && { resourceMustAllow: set.resourceMustAllow }),
    ...(set.identity && { identity: set.identity.map(one('identity')) }),
    ...(set.boundary && { boundary: one('boundary')(set.boundary) }),
    ...(set.session && { session: set.session.map(one('session')) }),
  }
}

function isPolicyDocument(value: unknown): value is PolicyDocument {
  return typeof value === 'object' && value !== null && Array.isArray((value as PolicyDocument).statements)
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function compileStatement(s: PolicyStatement, policyId: string, type: PolicyType, doc: PolicyDocument): CompiledStatement {
  const ref: StatementRef = {
    policyId,
    policyType: type,
    statementIndex: s.index,
    ...(s.sid !== undefined && s.sid !== '' && { sid: s.sid }),
    effect: s.effect,
  }
  const conditions = (s.condition ?? []).map((c) => compileCondition(c, doc.version))
  const error = conditions.find((c) => c.error !== undefined)?.error
  return {
    ref,
    effect: s.effect,
    notAction: s.notAction?.map((a) => compileWildcard(a, true)),
    resource: compileResources(s, doc),
    principal: compilePrincipal(s.principal ?? s.notPrincipal, s.notPrincipal !== undefined),
    conditions,
    error,
    seen: 0,
  }
}

function compileResources(s: PolicyStatement, doc: PolicyDocument): ResourceMatcher {
  const list = s.resource ?? s.notResource
  // Trust policies have no Resource: the role is the resource.
  if (!list) return { negated: false, any: true, matchers: [], templates: [] }
  const matchers: Matcher[] = []
  const templates: Template[] = []
  let any = false
  for (const resource of list) {
    const template = doc.version === '2012-10-17' ? parseTemplate(resource) : undefined
    if (template) templates.push(template)
    else if (resource === '*') any = true
    else matchers.push(compileArnPattern(resource))
  }
  return { negated: s.notResource !== undefined, any, matchers: any ? [matchAll] : matchers, templates }
}

function compilePrincipal(element: PrincipalElement | undefined, negated: boolean): PrincipalMatcher | undefined {
  if (!element) return undefined
  const arns = new Set<string>()
  const accounts = new Set<string>()
  let everyone = element.wildcard
  for (const entry of element.aws) {
    if (entry === '*') everyone = true
    else if (/^\d{12}$/.test(entry)) accounts.add(entry)
    else {
      const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(entry)
      if (root) accounts.add(root[1] as string)
      else arns.add(entry)
    }
  }
  return {
    negated,
    everyone,
    arns,
    accounts,
    services: new Set(element.service.map((s) => s.toLowerCase())),
    federated: new Set(element.federated),
    canonicalUsers: new Set(element.canonicalUser),
  }
}
