// Properties of evaluate over random policies and requests, and agreement with a deliberately simple reference
// interpreter written below from the AWS documentation (no indexes, no precompilation, no shortcuts).

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ACCOUNT, principals } from '../testing.js'
import type { AuthorizationRequest, ContextValue, DecisionEffect, PolicySourceSet, RequestPrincipal } from '../types.js'
import { compilePolicySet } from './compile.js'
import { evaluate } from './evaluate.js'

// ---------------------------------------------------------------------------------------------------------------
// Generators: small alphabets so that random statements often match random requests.

const actions = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 'ec2:DescribeInstances', 'iam:CreateUser']
const actionPatterns = [...actions, 's3:Get*', 's3:*', '*', 'ec2:Describe*', 'S3:getobject', 's3:?utObject', 'iam:*User']
const resources = ['arn:aws:s3:::b/k', 'arn:aws:s3:::b/other', 'arn:aws:s3:::c/k', `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`]
const resourcePatterns = [...resources, '*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::*', 'arn:aws:s3:::?/k', 'arn:aws:ec2:*:*:instance/*']

interface Clause {
  operator: string
  key: string
  values: string[]
}

const clause: fc.Arbitrary<Clause> = fc.oneof(
  fc.record({
    operator: fc.constantFrom('StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'StringEqualsIfExists', 'StringEqualsIgnoreCase'),
    key: fc.constantFrom('aws:key', 'aws:other'),
    values: fc.array(fc.constantFrom('a', 'b', 'A', 'a*', '?'), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    operator: fc.constantFrom('ForAnyValue:StringEquals', 'ForAllValues:StringEquals', 'ForAnyValue:StringNotEquals', 'ForAllValues:StringNotEquals', 'StringEquals', 'StringNotEquals', 'StringNotLike'),
    key: fc.constant('aws:TagKeys'),
    values: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ operator: fc.constantFrom('Bool', 'BoolIfExists'), key: fc.constant('aws:MultiFactorAuthPresent'), values: fc.constantFrom<string[]>(['true'], ['false']) }),
  fc.record({ operator: fc.constantFrom('NumericLessThan', 'NumericGreaterThanEquals'), key: fc.constant('s3:max-keys'), values: fc.constantFrom<string[]>(['5'], ['10']) }),
  fc.record({ operator: fc.constant('Null'), key: fc.constantFrom('aws:key', 'aws:TagKeys'), values: fc.constantFrom<string[]>(['true'], ['false']) }),
)

interface Stmt {
  Effect: 'Allow' | 'Deny'
  Action?: string[]
  NotAction?: string[]
  Resource?: string[]
  NotResource?: string[]
  Principal?: unknown
  Condition?: Record<string, Record<string, string[]>>
}

// SCPs allow wildcards only alone or at the end of an action.
const scpActionPatterns = actionPatterns.filter((a) => !/[*?]./.test(a))

function statement(withPrincipal: boolean, scp = false): fc.Arbitrary<Stmt> {
  return fc
    .record({
      Effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
      notAction: fc.boolean().map((b) => b && Math.random() < 0.3),
      action: fc.array(fc.constantFrom(...(scp ? scpActionPatterns : actionPatterns)), { minLength: 1, maxLength: 3 }),
      notResource: fc.boolean(),
      resource: fc.array(fc.constantFrom(...resourcePatterns), { minLength: 1, maxLength: 2 }),
      principal: fc.constantFrom<unknown>('*', { AWS: ACCOUNT }, { AWS: principals.user('alice').arn }, { AWS: principals.user('bob').arn }),
      conditions: fc.array(clause, { maxLength: 2 }),
    })
    .map((r) => {
      const s: Stmt = { Effect: r.Effect }
      if (r.notAction) s.NotAction = r.action
      else s.Action = r.action
      if (r.notResource && Math.random() < 0.3) s.NotResource = r.resource
      else s.Resource = r.resource
      if (withPrincipal) s.Principal = r.principal
      if (r.conditions.length > 0) {
        s.Condition = {}
        for (const c of r.conditions) (s.Condition[c.operator] ??= {})[c.key] = c.values
      }
      return s
    })
}

const doc = (statements: Stmt[]) => ({ Version: '2012-10-17', Statement: statements })
const policyArb = (withPrincipal: boolean, scp = false) => fc.array(statement(withPrincipal, scp), { minLength: 1, maxLength: 4 })

interface Scenario {
  identity: Stmt[][]
  boundary?: Stmt[]
  scps?: Stmt[][]
  resource?: Stmt[]
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    identity: fc.array(policyArb(false), { maxLength: 2 }),
    boundary: fc.option(policyArb(false), { nil: undefined }),
    scps: fc.option(fc.array(policyArb(false, true), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    resource: fc.option(policyArb(true), { nil: undefined }),
  })
  .map((r) => {
    const s: Scenario = { identity: r.identity }
    if (r.boundary) s.boundary = r.boundary
    if (r.scps) s.scps = r.scps
    if (r.resource) s.resource = r.resource
    return s
  })

const requestArb: fc.Arbitrary<AuthorizationRequest> = fc
  .record({
    who: fc.constantFrom('alice', 'bob'),
    action: fc.constantFrom(...actions),
    resource: fc.constantFrom(...resources),
    key: fc.option(fc.constantFrom('a', 'b', 'A'), { nil: undefined }),
    tags: fc.option(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 }), { nil: undefined }),
    mfa: fc.option(fc.constantFrom('true', 'false'), { nil: undefined }),
    maxKeys: fc.option(fc.constantFrom('3', '5', '20'), { nil: undefined }),
  })
  .map((r) => {
    const context: Record<string, ContextValue> = {}
    if (r.key !== undefined) context['aws:key'] = r.key
    if (r.tags !== undefined) context['aws:TagKeys'] = r.tags
    if (r.mfa !== undefined) context['aws:MultiFactorAuthPresent'] = r.mfa
    if (r.maxKeys !== undefined) context['s3:max-keys'] = r.maxKeys
    return { principal: principals.user(r.who), action: r.action, resource: r.resource, resourceAccountId: ACCOUNT, context }
  })

function toSources(s: Scenario): PolicySourceSet {
  return {
    identity: s.identity.map((statements, i) => ({ id: `identity-${i}`, document: doc(statements) })),
    ...(s.boundary && { boundary: { id: 'boundary', document: doc(s.boundary) } }),
    ...(s.scps && { scps: s.scps.map((level, i) => [{ id: `scp-${i}`, document: doc(level) }]) }),
    ...(s.resource && { resource: [{ id: 'resource', document: doc(s.resource) }] }),
  }
}

function engine(s: Scenario, request: AuthorizationRequest): DecisionEffect {
  return evaluate(request, compilePolicySet(toSources(s))).effect
}

// ---------------------------------------------------------------------------------------------------------------
// The reference interpreter: same-account IAM users only, written straight from the documentation.

function glob(pattern: string, value: string): boolean {
  if (pattern === '') return value === ''
  if (pattern[0] === '*') return glob(pattern.slice(1), value) || (value !== '' && glob(pattern, value.slice(1)))
  if (value === '') return false
  return (pattern[0] === '?' || pattern[0] === value[0]) && glob(pattern.slice(1), value.slice(1))
}

function arnGlob(pattern: string, value: string): boolean {
  if (pattern === '*') return true
  const p = pattern.split(':')
  const v = value.split(':')
  if (p.length < 6 || v.length < 6) return glob(pattern, value)
  for (let i = 0; i < 5; i++) if (!glob(p[i]!, v[i]!)) return false
  return glob(p.slice(5).join(':'), v.slice(5).join(':'))
}

function referenceCondition(operator: string, key: string, values: string[], context: Record<string, ContextValue>): boolean {
  const found = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1]
  const present = found !== undefined && !(Array.isArray(found) && found.length === 0)
  if (operator === 'Null') return values.some((v) => v === (present ? 'false' : 'true'))
  const set = operator.startsWith('ForAllValues:') ? 'all' : operator.startsWith('ForAnyValue:') ? 'any' : undefined
  let base = operator.replace(/^For(All|Any)Values?:/, '')
  const ifExists = base.endsWith('IfExists')
  if (ifExists) base = base.slice(0, -'IfExists'.length)
  const negated = base.includes('Not')
  if (!present) return ifExists || set === 'all' ? true : set === 'any' ? false : negated
  const positive = (v: string, p: string): boolean | undefined => {
    switch (base.replace('Not', '')) {
      case 'StringEquals': return v === p
      case 'StringEqualsIgnoreCase': return v.toLowerCase() === p.toLowerCase()
      case 'StringLike': return glob(p, v)
      case 'Bool': return /^(true|false)$/i.test(v) ? v.toLowerCase() === p : undefined
      case 'NumericLessThan': return Number(v) < Number(p)
      case 'NumericGreaterThanEquals': return Number(v) >= Number(p)
    }
    throw new Error(`reference does not know ${base}`)
  }
  const one = (v: string) => {
    const results = values.map((p) => positive(v, p))
    if (results.includes(undefined)) return false
    const any = results.includes(true)
    return negated ? !any : any
  }
  const requestValues = typeof found === 'string' ? [found] : [...(found as string[])]
  if (typeof found === 'string') return one(found)
  if (set === 'all' || (!set && negated)) return requestValues.every(one)
  return requestValues.some(one)
}

function referenceApplies(s: Stmt, request: AuthorizationRequest, principalOk: boolean): boolean {
  const actionMatch = (list: string[]) => list.some((p) => glob(p.toLowerCase(), request.action.toLowerCase()))
  if (s.Action && !actionMatch(s.Action)) return false
  if (s.NotAction && actionMatch(s.NotAction)) return false
  const resourceMatch = (list: string[]) => list.some((p) => arnGlob(p, request.resource))
  if (s.Resource && !resourceMatch(s.Resource)) return false
  if (s.NotResource && resourceMatch(s.NotResource)) return false
  if (!principalOk) return false
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(block)) if (!referenceCondition(operator, key, values, request.context as Record<string, ContextValue>)) return false
  }
  return true
}

/** Principal match for same-account IAM users: 'direct' for the user's ARN or "*", 'account' for the account. */
function referencePrincipal(p: unknown, caller: RequestPrincipal): 'direct' | 'account' | undefined {
  if (p === '*') return 'direct'
  const aws = (p as { AWS: string }).AWS
  if (aws === caller.arn) return 'direct'
  if (aws === ACCOUNT) return 'account'
  return undefined
}

function reference(s: Scenario, request: AuthorizationRequest): DecisionEffect {
  const caller = request.principal
  const found = (statements: Stmt[], effect: 'Allow' | 'Deny') => statements.some((st) => st.Effect === effect && referenceApplies(st, request, true))
  const all = [...s.identity.flat(), ...(s.boundary ?? []), ...(s.scps ?? []).flat()]
  const resourceDeny = (s.resource ?? []).some((st) => st.Effect === 'Deny' && referenceApplies(st, request, referencePrincipal(st.Principal, caller) !== undefined))
  if (found(all, 'Deny') || resourceDeny) return 'ExplicitDeny'
  if (s.scps && !s.scps.every((level) => found(level, 'Allow'))) return 'ImplicitDeny'
  const grants = (s.resource ?? []).filter((st) => st.Effect === 'Allow' && referenceApplies(st, request, referencePrincipal(st.Principal, caller) !== undefined))
  // Same account: a resource policy naming the user (or "*") grants regardless of identity policies and boundary.
  if (grants.some((st) => referencePrincipal(st.Principal, caller) === 'direct')) return 'Allow'
  const identityAllows = found(s.identity.flat(), 'Allow')
  const boundaryAllows = s.boundary ? found(s.boundary, 'Allow') : true
  return identityAllows && boundaryAllows ? 'Allow' : 'ImplicitDeny'
}

// ---------------------------------------------------------------------------------------------------------------

const runs = { numRuns: 400 }

describe('evaluate (properties)', () => {
  it('agrees with the reference interpreter', () => {
    fc.assert(
      fc.property(scenario, requestArb, (s, request) => {
        expect(engine(s, request)).toBe(reference(s, request))
      }),
      runs,
    )
  })

  it('adding an explicit deny never turns a denial into an allow', () => {
    fc.assert(
      fc.property(scenario, requestArb, statement(false), fc.nat(), (s, request, extra, at) => {
        const before = engine(s, request)
        const deny = { ...extra, Effect: 'Deny' as const }
        const changed: Scenario = { ...s, identity: s.identity.length === 0 ? [[deny]] : s.identity.map((p, i) => (i === at % s.identity.length ? [...p, deny] : p)) }
        const after = engine(changed, request)
        if (before !== 'Allow') expect(after).not.toBe('Allow')
        if (before === 'ExplicitDeny') expect(after).toBe('ExplicitDeny')
      }),
      runs,
    )
  })

  it('removing an allow statement never turns a denial into an allow', () => {
    fc.assert(
      fc.property(scenario, requestArb, fc.nat(), (s, request, pick) => {
        const before = engine(s, request)
        // Every policy of the scenario with at least two statements, as [get, set] pairs.
        const slots: [Stmt[], (next: Stmt[]) => Scenario][] = []
        s.identity.forEach((p, i) => slots.push([p, (n) => ({ ...s, identity: s.identity.map((q, j) => (j === i ? n : q)) })]))
        if (s.boundary) slots.push([s.boundary, (n) => ({ ...s, boundary: n })])
        s.scps?.forEach((p, i) => slots.push([p, (n) => ({ ...s, scps: s.scps!.map((q, j) => (j === i ? n : q)) })]))
        if (s.resource) slots.push([s.resource, (n) => ({ ...s, resource: n })])
        const candidates = slots.filter(([p]) => p.length >= 2 && p.some((st) => st.Effect === 'Allow'))
        if (candidates.length === 0) return
        const [statements, rebuild] = candidates[pick % candidates.length]!
        const allowIndexes = statements.flatMap((st, i) => (st.Effect === 'Allow' ? [i] : []))
        const drop = allowIndexes[pick % allowIndexes.length]!
        const after = engine(rebuild(statements.filter((_, i) => i !== drop)), request)
        if (before !== 'Allow') expect(after).not.toBe('Allow')
      }),
      runs,
    )
  })

  it('statement order and duplicate statements never change the decision', () => {
    fc.assert(
      fc.property(scenario, requestArb, fc.nat(), (s, request, seed) => {
        const shuffle = (statements: Stmt[]): Stmt[] => {
          const copy = [...statements, ...statements.filter((_, i) => (seed >> i) & 1)]
          for (let i = copy.length - 1; i > 0; i--) {
            const j = (seed * (i + 7)) % (i + 1)
            ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
          }
          return copy
        }
        const reordered: Scenario = {
          identity: [...s.identity].reverse().map(shuffle),
          ...(s.boundary && { boundary: shuffle(s.boundary) }),
          ...(s.scps && { scps: s.scps.map(shuffle) }),
          ...(s.resource && { resource: shuffle(s.resource) }),
        }
        expect(engine(reordered, request)).toBe(engine(s, request))
      }),
      runs,
    )
  })
})
