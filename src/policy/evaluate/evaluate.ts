// evaluate: one authorization request against the compiled policies that apply to it → Decision.
//
// AWS's evaluation logic, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// and, across accounts, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
// Each policy is scanned once for matching statements (say what applies); `decide` then combines the findings in
// one table (apply the effects).

import type {
  AuthorizationRequest, CompiledPolicy, Decision, Denial, EvaluationError, PolicySet, PolicyType, StatementRef,
} from '../types.js'
import { CompiledPolicyImpl, type CompiledStatement, type PrincipalMatcher, type ResourceMatcher } from './compile.js'
import { conditionHolds } from './conditions/condition.js'
import { RequestContext } from './request-context.js'
import { resolveTemplate } from './variables.js'
import { arnPiecesMatch, type Matcher } from './wildcard.js'

/** How a resource-based policy statement named the caller; larger is stronger. */
export enum Grant {
  None = 0,
  /** The caller's account (`123456789012`, `arn:aws:iam::123456789012:root`): delegates to its identity policies. */
  Account = 1,
  /** The role (or IAM user) that issued the caller's session: limited by boundary and session policies. */
  Issuer = 2,
  /** The caller itself: its user, role-session or federated-user ARN, `*`, its service or provider. */
  Direct = 3,
}

/** Evaluates a request against its policies. Pure: the same request and policies always give the same decision. */
export function evaluate(request: AuthorizationRequest, policies: PolicySet): Decision {
  const ctx = new RequestContext(request)
  const scan = new Scan(ctx, policies.boundary !== undefined)
  const principalType = request.principal.type

  // Which policy types apply at all (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html,
  // .../orgs_manage_policies_rcps.html): SCPs limit IAM principals of member accounts, never the management account,
  // service-linked roles, service principals or anonymous callers; RCPs limit access to member accounts' resources
  // by anyone but service-linked roles.
  // WebIdentityUser and SAMLUser are the callers of AssumeRoleWithWebIdentity/SAML: like services and anonymous
  // callers they have no identity policies and no account of their own; only the trust policy speaks for them.
  const outsider = principalType === 'AWSService' || principalType === 'Anonymous' || principalType === 'WebIdentityUser' || principalType === 'SAMLUser'
  const scpLevels =
    policies.scps && policies.scps.length > 0 && !outsider && !request.principal.isServiceLinkedRole && !request.principal.isManagementAccount
      ? policies.scps
      : undefined
  const rcpLevels =
    policies.rcps && policies.rcps.length > 0 && !request.principal.isServiceLinkedRole && !request.resourceInManagementAccount
      ? policies.rcps
      : undefined
  const iamPrincipal = principalType !== 'Root' && !outsider

  const scpAllows = scpLevels ? scanLevels(scan, scpLevels) : true
  const rcpAllows = rcpLevels ? scanLevels(scan, rcpLevels) : true
  const resourcePolicies = policies.trust ? [...(policies.resource ?? []), policies.trust] : policies.resource
  // Only resource-based policies grant by naming the caller (an RCP's Principal "*" grants nothing).
  scan.collectGrant = true
  scanSlot(scan, resourcePolicies)
  scan.collectGrant = false
  const identityAllows = iamPrincipal ? scanSlot(scan, policies.identity) : false
  const boundaryAllows = iamPrincipal && policies.boundary ? scanSlot(scan, [policies.boundary]) : true
  const sessionAllows = iamPrincipal && policies.session && policies.session.length > 0 ? scanSlot(scan, policies.session) : true

  // The scan object doubles as the Facts record, saving an allocation per decision.
  scan.principal = principalType === 'Root' ? 'root' : iamPrincipal ? 'iam' : 'other'
  scan.sameAccount = ctx.sameAccount
  scan.resourceMustAllow = policies.trust !== undefined || policies.resourceMustAllow === true
  scan.explicitDeny = scan.denies !== undefined
  scan.scpAllows = scpAllows
  scan.rcpAllows = rcpAllows
  scan.identityAllows = identityAllows
  scan.boundaryAllows = boundaryAllows
  scan.sessionAllows = sessionAllows
  const outcome = decide(scan)
  const resourceType: PolicyType = policies.trust ? 'trust' : 'resource'
  const missingContextKeys = ctx.missing ?? none
  const errors = scan.errors ?? none
  if (outcome === 'Allow') return { effect: 'Allow', matched: scan.allows ?? none, missingContextKeys, errors }
  if (outcome === 'ExplicitDeny') {
    const denies = scan.denies ?? none
    return { effect: 'ExplicitDeny', matched: denies, denial: denials.explicit[firstDenyType(denies)], missingContextKeys, errors }
  }
  const denial = denials.implicit[outcome === 'resource' ? resourceType : outcome]
  return { effect: 'ImplicitDeny', matched: scan.allows ?? none, denial, missingContextKeys, errors }
}

const none: readonly never[] = Object.freeze([])

const policyTypes: readonly PolicyType[] = ['identity', 'resource', 'trust', 'boundary', 'session', 'scp', 'rcp']
const denialsOf = (kind: Denial['kind']) =>
  Object.fromEntries(policyTypes.map((policyType) => [policyType, Object.freeze({ kind, policyType })])) as Record<PolicyType, Denial>
/** Decisions share these frozen Denial values rather than allocating one per decision. */
const denials = { explicit: denialsOf('explicit'), implicit: denialsOf('implicit') }

/** What the scan found, in the terms of AWS's evaluation logic. */
export interface Facts {
  /**
   * root: the account's root user; iam: an IAM user, role session or federated session; other: a service principal,
   * an anonymous caller, or a web identity / SAML caller of AssumeRoleWith*.
   */
  readonly principal: 'root' | 'iam' | 'other'
  readonly sameAccount: boolean
  /** Role trust policies and KMS key policies must allow explicitly, even within the account. */
  readonly resourceMustAllow: boolean
  readonly explicitDeny: boolean
  /** Every SCP level allows (true when SCPs do not apply). */
  readonly scpAllows: boolean
  /** Every RCP level allows (true when RCPs do not apply). */
  readonly rcpAllows: boolean
  readonly grant: Grant
  readonly identityAllows: boolean
  /** The permissions boundary allows (true when there is none). */
  readonly boundaryAllows: boolean
  /** Some session policy allows (true when there are none). */
  readonly sessionAllows: boolean
}

export type Outcome = 'Allow' | 'ExplicitDeny' | 'scp' | 'rcp' | 'resource' | 'identity' | 'boundary' | 'session'

/**
 * The combining rule, in order; the first row that applies decides. "limits" = boundaryAllows && sessionAllows.
 *
 * | #  | when                                                                  | outcome                  |
 * |----|-----------------------------------------------------------------------|--------------------------|
 * | 1  | any applicable policy has a matching Deny                             | ExplicitDeny             |
 * | 2  | some SCP level has no matching Allow                                  | ImplicitDeny (scp)       |
 * | 3  | some RCP level has no matching Allow                                  | ImplicitDeny (rcp)       |
 * |    | root user                                                             |                          |
 * | 4  |   same account, and no explicit resource allow needed or one given    | Allow                    |
 * | 5  |   otherwise: a resource policy names its account (or it directly)     | Allow, else (resource)   |
 * |    | service principal, anonymous, web identity or SAML caller             |                          |
 * | 6  |   a resource policy names it (or `*`)                                 | Allow, else (resource)   |
 * |    | IAM user, role session, federated session — same account             |                          |
 * | 7  |   resource policy names the user / session ARN itself                 | Allow (nothing caps it)  |
 * | 8  |   explicit resource allow needed and no resource statement names it   | ImplicitDeny (resource)  |
 * | 9  |   identity allow, or resource names the issuing role / user           | Allow if limits, else    |
 * |    |   (an account grant only delegates to identity policies)             | (boundary) / (session)   |
 * | 10 |   otherwise                                                           | ImplicitDeny (identity)  |
 * |    | IAM user, role session, federated session — cross account            |                          |
 * | 11 |   identity allow && limits && resource policy names it in any form    | Allow                    |
 * | 12 |   first of: no identity allow, boundary, session, no resource allow   | ImplicitDeny (that type) |
 */
export function decide(f: Facts): Outcome {
  if (f.explicitDeny) return 'ExplicitDeny'
  if (!f.scpAllows) return 'scp'
  if (!f.rcpAllows) return 'rcp'
  if (f.principal === 'root') {
    if (f.sameAccount && (!f.resourceMustAllow || f.grant !== Grant.None)) return 'Allow'
    return f.grant !== Grant.None ? 'Allow' : 'resource'
  }
  if (f.principal === 'other') return f.grant === Grant.Direct ? 'Allow' : 'resource'
  if (f.sameAccount) {
    if (f.grant === Grant.Direct) return 'Allow'
    if (f.resourceMustAllow && f.grant === Grant.None) return 'resource'
    if (f.identityAllows || f.grant === Grant.Issuer) return limited(f) ?? 'Allow'
    return 'identity'
  }
  if (!f.identityAllows) return 'identity'
  return limited(f) ?? (f.grant !== Grant.None ? 'Allow' : 'resource')
}

function limited(f: Facts): Outcome | undefined {
  if (!f.boundaryAllows) return 'boundary'
  if (!f.sessionAllows) return 'session'
  return undefined
}

const denyOrder: readonly PolicyType[] = ['scp', 'rcp', 'resource', 'trust', 'identity', 'boundary', 'session']

function firstDenyType(denies: readonly StatementRef[]): PolicyType {
  let best = denyOrder.length
  for (const d of denies) best = Math.min(best, denyOrder.indexOf(d.policyType))
  return denyOrder[best] ?? 'identity'
}

// ---------------------------------------------------------------------------------------------------------------
// Scanning: which statements of a policy apply to the request.

let stampCounter = 0

class Scan implements Facts {
  allows: StatementRef[] | undefined
  denies: StatementRef[] | undefined
  errors: EvaluationError[] | undefined
  /** Strongest resource-based grant seen. */
  grant: Grant = Grant.None
  /** Whether the slot being scanned has a matching Allow. */
  found = false
  /** Whether the slot being scanned is the resource-based one, whose Allow statements grant by naming the caller. */
  collectGrant = false
  stamp = 0
  // The Facts, filled in once scanning is done.
  principal: Facts['principal'] = 'other'
  sameAccount = false
  resourceMustAllow = false
  explicitDeny = false
  scpAllows = false
  rcpAllows = false
  identityAllows = false
  boundaryAllows = false
  sessionAllows = false

  constructor(
    readonly ctx: RequestContext,
    readonly hasBoundary: boolean,
  ) {}
}

function scanLevels(scan: Scan, levels: readonly (readonly CompiledPolicy[])[]): boolean {
  let all = true
  for (let i = 0; i < levels.length; i++) if (!scanSlot(scan, levels[i]!)) all = false
  return all
}

/** Scans the policies of one slot; true when one of them has a matching Allow. */
function scanSlot(scan: Scan, policies: readonly CompiledPolicy[] | undefined): boolean {
  scan.found = false
  if (policies) for (let i = 0; i < policies.length; i++) scanPolicy(scan, asCompiled(policies[i]!))
  return scan.found
}

function asCompiled(policy: CompiledPolicy): CompiledPolicyImpl {
  if (policy instanceof CompiledPolicyImpl) return policy
  throw new TypeError(`policy \`${policy.id}\` was not compiled by compilePolicy`)
}

function scanPolicy(scan: Scan, policy: CompiledPolicyImpl): void {
  // A fresh stamp per policy scan: the same compiled policy may sit at several SCP levels.
  scan.stamp = ++stampCounter
  const ctx = scan.ctx
  const literal = policy.byAction.get(ctx.actionLower)
  if (literal) for (let i = 0; i < literal.length; i++) consider(scan, literal[i]!)
  const patterns = policy.byService.get(ctx.service)
  if (patterns) {
    for (let i = 0; i < patterns.length; i++) {
      const entry = patterns[i]!
      if (entry.statement.seen !== scan.stamp && entry.matches(ctx.actionLower)) consider(scan, entry.statement)
    }
  }
  const any = policy.anyService
  for (let i = 0; i < any.length; i++) {
    const entry = any[i]!
    if (entry.statement.seen !== scan.stamp && entry.matches(ctx.actionLower)) consider(scan, entry.statement)
  }
  const notAction = policy.notActionStatements
  for (let i = 0; i < notAction.length; i++) {
    const s = notAction[i]!
    if (!anyMatches(s.notAction!, ctx.actionLower)) consider(scan, s)
  }
}

function anyMatches(matchers: readonly Matcher[], value: string): boolean {
  for (let i = 0; i < matchers.length; i++) if (matchers[i]!(value)) return true
  return false
}

function consider(scan: Scan, s: CompiledStatement): void {
  if (s.seen === scan.stamp) return
  s.seen = scan.stamp
  const ctx = scan.ctx
  if (!resourceMatches(s.resource, ctx)) return
  let grant = Grant.Direct
  if (s.principal) {
    grant = principalGrant(s.principal, ctx, s.effect === 'Deny' && scan.hasBoundary)
    if (grant === Grant.None) return
  }
  if (s.error !== undefined) {
    // A statement we cannot evaluate never grants; a Deny still applies (fail closed).
    ;(scan.errors ??= []).push({ statement: s.ref, message: s.error })
    if (s.effect === 'Deny') (scan.denies ??= []).push(s.ref)
    return
  }
  const conditions = s.conditions
  for (let i = 0; i < conditions.length; i++) if (!conditionHolds(conditions[i]!, ctx)) return
  if (s.effect === 'Deny') {
    ;(scan.denies ??= []).push(s.ref)
    return
  }
  ;(scan.allows ??= []).push(s.ref)
  scan.found = true
  if (scan.collectGrant && grant > scan.grant) scan.grant = grant
}

function resourceMatches(r: ResourceMatcher, ctx: RequestContext): boolean {
  let matched = r.any
  if (!matched) {
    const resource = ctx.resource
    const matchers = r.matchers
    for (let i = 0; i < matchers.length; i++) {
      if (matchers[i]!(resource)) {
        matched = true
        break
      }
    }
    if (!matched && r.templates.length > 0) matched = templateResourceMatches(r, ctx)
  }
  return r.negated ? !matched : matched
}

function templateResourceMatches(r: ResourceMatcher, ctx: RequestContext): boolean {
  const templates = r.templates
  for (let i = 0; i < templates.length; i++) {
    const template = templates[i]!
    const pieces = resolveTemplate(template, ctx)
    if (pieces && arnPiecesMatch(pieces, ctx.resource)) return true
  }
  return false
}

/**
 * How a Principal / NotPrincipal element names the caller.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 */
function principalGrant(p: PrincipalMatcher, ctx: RequestContext, denyWithBoundary: boolean): Grant {
  const caller = ctx.principal
  if (p.negated) {
    // "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a permissions
    // boundary policy attached" (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
    if (denyWithBoundary && caller.type !== 'Root' && caller.type !== 'AWSService' && caller.type !== 'Anonymous') return Grant.Direct
    return excludedByNotPrincipal(p, ctx) ? Grant.None : Grant.Direct
  }
  if (p.everyone) return Grant.Direct
  switch (caller.type) {
    case 'Anonymous':
      return Grant.None
    case 'AWSService':
      return p.services.has((caller.servicePrincipal ?? caller.arn).toLowerCase()) ? Grant.Direct : Grant.None
    case 'Root':
      return p.accounts.has(caller.accountId) || p.arns.has(caller.arn) ? Grant.Direct : Grant.None
  }
  if (caller.federatedProvider && p.federated.has(caller.federatedProvider)) return Grant.Direct
  if (caller.canonicalUserId && p.canonicalUsers.has(caller.canonicalUserId)) return Grant.Direct
  if (p.arns.has(caller.arn)) return Grant.Direct
  if (caller.issuerArn && p.arns.has(caller.issuerArn)) return Grant.Issuer
  if (p.accounts.has(caller.accountId)) return Grant.Account
  return Grant.None
}

/**
 * NotPrincipal excludes a caller only when it names every identity the caller has: the account and the caller's own
 * ARN (for a session, its session ARN or its role's ARN).
 */
function excludedByNotPrincipal(p: PrincipalMatcher, ctx: RequestContext): boolean {
  const caller = ctx.principal
  if (p.everyone) return true
  switch (caller.type) {
    case 'Anonymous':
      return false
    case 'AWSService':
      return p.services.has((caller.servicePrincipal ?? caller.arn).toLowerCase())
    case 'Root':
      return p.accounts.has(caller.accountId) || p.arns.has(caller.arn)
  }
  if (caller.federatedProvider && p.federated.has(caller.federatedProvider)) return true
  const self = p.arns.has(caller.arn) || (caller.issuerArn !== undefined && p.arns.has(caller.issuerArn))
  return self && p.accounts.has(caller.accountId)
}
