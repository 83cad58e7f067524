// organizationScope: which SCPs and RCPs of an AWS Organizations tree limit one call, and the organization condition
// keys it carries. Pure lookups in the organization port's in-memory index: no storage on the request path.
import type { Caller } from '../core/caller.js'
import type { CompiledPolicy, ContextValue, PolicySet } from '../policy/index.js'
import type { OrganizationMembership, OrganizationPolicySource } from './organization-policies.js'

type Levels = readonly (readonly CompiledPolicy[])[]

/** Where a call stands in the organization: the principal's and the resource owner's memberships. */
export interface OrganizationScope {
  /** The caller's account's membership (aws:PrincipalOrgID / aws:PrincipalOrgPaths), if any. */
  readonly principal: OrganizationMembership | undefined
  /** The resource owner's membership (aws:ResourceOrgID / aws:ResourceOrgPaths), if any. */
  readonly resource: OrganizationMembership | undefined
  /** The SCP levels that limit the caller; undefined when none do. */
  readonly scps: Levels | undefined
  /** The RCP levels that limit access to the resource; undefined when none do. */
  readonly rcps: Levels | undefined
}

/**
 * The scope of one call. SCPs limit every principal of a member account — its IAM users and roles and its root user —
 * never the management account and never service-linked roles
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html). RCPs limit access to
 * resources owned by member accounts, in the services that support them, by anyone but service-linked roles
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html). Service principals and
 * anonymous callers belong to no account's organization.
 */
export function organizationScope(
  source: OrganizationPolicySource,
  caller: Caller,
  action: string,
  ownerAccountId: string,
): OrganizationScope | undefined {
  const principal = caller.type === 'Anonymous' || caller.type === 'AWSService' ? undefined : source.membership(caller.accountId)
  const resource = ownerAccountId === caller.accountId && principal !== undefined ? principal : source.membership(ownerAccountId)
  if (principal === undefined && resource === undefined) return undefined
  const serviceLinked = isServiceLinkedRoleSession(caller)
  const rcpService = supportsRcps(action)
  // The usual call acts in the caller's own account: its scope is remembered per membership, no object per request.
  const reusable = ownerAccountId === caller.accountId && principal !== undefined && !serviceLinked
  if (reusable) {
    const cached = ownAccountScopes.get(principal!)?.[rcpService ? 1 : 0]
    if (cached && cached.accountId === caller.accountId) return cached.scope
  }
  const scps = principal && !serviceLinked && isMember(principal, caller.accountId) ? nonEmpty(principal.scps) : undefined
  const rcps = resource && !serviceLinked && rcpService && isMember(resource, ownerAccountId) ? nonEmpty(resource.rcps) : undefined
  const scope: OrganizationScope = { principal, resource, scps, rcps }
  if (reusable) {
    let pair = ownAccountScopes.get(principal!)
    if (!pair) ownAccountScopes.set(principal!, (pair = [undefined, undefined]))
    pair[rcpService ? 1 : 0] = { accountId: caller.accountId, scope }
  }
  return scope
}

/**
 * Whether the root user of `accountId` is limited by its organization at all: it is, in a member account (SCPs, and
 * RCPs on its own resources), so it cannot skip evaluation as it does elsewhere.
 */
export function limitsRootUser(source: OrganizationPolicySource | undefined, accountId: string): boolean {
  const membership = source?.membership(accountId)
  return membership !== undefined && isMember(membership, accountId) && (nonEmpty(membership.scps) !== undefined || nonEmpty(membership.rcps) !== undefined)
}

/**
 * The organization condition keys (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 * aws:PrincipalOrgID and aws:PrincipalOrgPaths for a principal whose account is in an organization,
 * aws:ResourceOrgID and aws:ResourceOrgPaths for a resource owned by one. aws:ResourceAccount is derived by the
 * policy engine from the resource's owner. Keys the operation declared itself stay as declared.
 */
export function addOrganizationKeys(context: Record<string, ContextValue>, scope: OrganizationScope): void {
  if (scope.principal) {
    context['aws:PrincipalOrgID'] ??= scope.principal.organizationId
    context['aws:PrincipalOrgPaths'] ??= orgPaths(scope.principal)
  }
  if (scope.resource) {
    context['aws:ResourceOrgID'] ??= scope.resource.organizationId
    context['aws:ResourceOrgPaths'] ??= orgPaths(scope.resource)
  }
}

/**
 * `set` with the scope's SCP and RCP levels. Remembered per identity policy set, so the callers of one account
 * share the merged set until the organization index hands out new levels (a change to the tree or a policy).
 */
export function withOrganizationPolicies(set: PolicySet, scope: OrganizationScope, reusable: boolean): PolicySet {
  if (scope.scps === undefined && scope.rcps === undefined) return set
  const cached = reusable ? merged.get(set) : undefined
  if (cached && cached.scps === scope.scps && cached.rcps === scope.rcps) return cached
  const result: PolicySet = { ...set, scps: scope.scps, rcps: scope.rcps }
  if (reusable) merged.set(set, result)
  return result
}

/**
 * The services whose actions RCPs apply to
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#rcp-supported-services).
 */
const RCP_SERVICES = new Set(['s3', 'sts', 'kms', 'sqs', 'secretsmanager', 'ecr', 'aoss', 'cognito-idp', 'logs', 'dynamodb'])

/**
 * Actions of those services RCPs never limit: "the kms:RetireGrant permission is not effective in an RCP, even if the
 * Action element specifies an asterisk" (https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html).
 */
const RCP_EXEMPT_ACTIONS = new Set(['kms:retiregrant'])

const rcpActions = new Map<string, boolean>()

/** Answers per action name are remembered: actions come from the services' fixed authorization tables. */
function supportsRcps(action: string): boolean {
  let supported = rcpActions.get(action)
  if (supported === undefined) {
    const lower = action.toLowerCase()
    supported = RCP_SERVICES.has(lower.slice(0, lower.indexOf(':'))) && !RCP_EXEMPT_ACTIONS.has(lower)
    if (rcpActions.size < 10_000) rcpActions.set(action, supported)
  }
  return supported
}

/** An account in the organization other than its management account, which is never restricted. */
function isMember(membership: OrganizationMembership, accountId: string): boolean {
  return membership.managementAccountId !== accountId
}

function nonEmpty(levels: Levels | undefined): Levels | undefined {
  return levels !== undefined && levels.length > 0 ? levels : undefined
}

/** A session of a service-linked role: its role lives under the `/aws-service-role/` path. */
function isServiceLinkedRoleSession(caller: Caller): boolean {
  const issuer = caller.session?.issuer
  return issuer !== undefined && issuer.type === 'Role' && issuer.arn.includes(':role/aws-service-role/')
}

const merged = new WeakMap<PolicySet, PolicySet>()
/** Per membership: the scope of a call in the account's own account, without and with RCPs in play. */
const ownAccountScopes = new WeakMap<OrganizationMembership, [CachedScope | undefined, CachedScope | undefined]>()

interface CachedScope {
  readonly accountId: string
  readonly scope: OrganizationScope
}
const paths = new WeakMap<OrganizationMembership, readonly string[]>()

/** aws:*OrgPaths is multivalued; its one-element list is kept per membership rather than built per request. */
function orgPaths(membership: OrganizationMembership): readonly string[] {
  let list = paths.get(membership)
  if (list === undefined) {
    list = Object.freeze([membership.orgPath])
    paths.set(membership, list)
  }
  return list
}
