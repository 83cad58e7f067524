// The authorization stage: decides with the policy engine whether the caller may do what the operation declared,
// or throws AWS's AccessDenied carrying the engine's reason.
import type { AuthorizationTarget, CallFacts, ResourcePolicies } from '../core/authorization-target.js'
import { sessionConditionKeys, type Caller } from '../core/caller.js'
import type { Clock } from '../core/clock.js'
import type { AwsError } from '../core/aws-error.js'
import { AccessDeniedError, UnauthorizedOperationError } from '../core/common-errors.js'
import type { HttpRequest } from '../core/http.js'
import { compilePolicy, denialReason, evaluate, principalConditionKeys, type CompiledPolicy, type ContextValue, type Decision, type PolicySet, type RequestPrincipal } from '../policy/index.js'
import { addS3RequestKeys, globalContext } from './global-context.js'
import type { OrganizationPolicySource } from './organization-policies.js'
import { addOrganizationKeys, limitsRootUser, organizationScope, withOrganizationPolicies } from './organization-scope.js'

/** The caller's principal as the policy engine sees it, and every policy that applies to it. */
export interface CallerPolicies {
  readonly principal: RequestPrincipal
  readonly policies: PolicySet
}

/**
 * Where the stage gets a caller's policies: an in-memory index (services/iam's identity index), never SQL per
 * request. Undefined for a principal it does not know, which then has no permission at all.
 */
export interface IdentityPolicySource {
  forCaller(caller: Caller): CallerPolicies | undefined
  /** The IAM user, group or role a resource ARN names: its real ARN, tags and boundary. */
  resourceFacts?(resourceArn: string): ResourceFacts | undefined
}

/** What the stage knows of an IAM user, group or role a request acts on. */
export interface ResourceFacts {
  /** The entity's ARN with its path. */
  readonly arn: string
  readonly tags: Readonly<Record<string, string>>
  readonly boundaryArn?: string
}

export interface AuthorizerOptions {
  /** permissive: enforcement is off (every response is otherwise the same). */
  readonly mode: 'strict' | 'permissive'
  readonly identities: IdentityPolicySource
  /** aws:CurrentTime and aws:EpochTime. */
  readonly clock: Clock
  /** Services that answer a denial with an encoded authorization message instead of AccessDenied (EC2). */
  readonly encodedDenials?: EncodedDenials
  /** AWS Organizations: where each account sits and the SCPs and RCPs that limit it (services/organizations' index). */
  readonly organizations?: OrganizationPolicySource
}

/**
 * EC2 answers a denied call with UnauthorizedOperation and the denial's details sealed in the message, for
 * sts:DecodeAuthorizationMessage to open (https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html).
 */
export interface EncodedDenials {
  /** By the call's action prefix (`ec2`). */
  readonly services: ReadonlySet<string>
  encode(details: DenialDetails): string
}

/** What a denial's encoded message carries (STS's AuthorizationDetails has the same shape). */
export interface DenialDetails {
  readonly accountId: string
  readonly principal: { readonly id: string; readonly arn: string }
  readonly action: string
  readonly resource: string
  readonly decision: Decision
  readonly context: Readonly<Record<string, ContextValue>>
}

export type Authorize = (caller: Caller, target: AuthorizationTarget, request: HttpRequest, call: CallFacts) => void

/**
 * The root user has full access to its own account unless its organization limits it (SCPs and RCPs of a member
 * account), or the resource's own policy must allow it (KMS key policies, trust policies) or denies it; actions AWS
 * documents as needing no permission are always allowed. Every other call is decided by the policy engine over the
 * SCPs of the caller's account and the RCPs of the resource owner's account (every level of the organization tree),
 * the caller's identity policies and boundary and the resource's policies, for every action and resource it declares.
 */
export function createAuthorizer(options: AuthorizerOptions): Authorize {
  return function authorize(caller, target, request, call) {
    if (options.mode === 'permissive' || target.requiresPermission === false) return
    const own = target.resourcePolicies
    const organizations = options.organizations
    if (!own && caller.type === 'Root' && caller.accountId === call.accountId && !caller.session && !limitsRootUser(organizations, caller.accountId)) return
    const found = principalPolicies(caller, target, options.identities)
    const now = options.clock.now()
    const context = globalContext(request, call, now, target.context, caller.session && sessionConditionKeys(caller, now))
    const scope = organizations && organizationScope(organizations, caller, target.action, own?.ownerAccountId ?? call.accountId)
    if (scope) addOrganizationKeys(context, scope)
    if (target.action.startsWith('s3:')) addS3RequestKeys(context, request)
    if (!found || (!own && found.policies.identity === undefined && caller.type !== 'Root')) {
      throw refusal(target.action, target.resources[0] ?? '*', NO_IDENTITY_POLICY, context)
    }
    // The root user and a session with session policies get a policy set of their own each call: not worth remembering.
    const identitySide = scope ? withOrganizationPolicies(found.policies, scope, caller.type !== 'Root' && !caller.session?.policies) : found.policies
    const policies = own ? withResourcePolicies(identitySide, own) : identitySide
    const resources = target.resources.length > 0 ? target.resources : ANY_RESOURCE
    const actions = target.additionalActions ? [target.action, ...target.additionalActions] : [target.action]
    for (const action of actions) {
      for (const resource of resources) decide(action, resource, context, policies, own?.ownerAccountId)
    }
    // Permissions on other resources (iam:PassRole on a role handed over) rest on the caller's own policies, within
    // its SCPs (RCPs guard the call's own resource only).
    const required = target.alsoRequires
    if (required) {
      const ownSide = scope?.rcps ? withOrganizationPolicies(found.policies, { ...scope, rcps: undefined }, false) : identitySide
      for (const permission of required) {
        const requiredContext = permission.context ? { ...context, ...permission.context } : context
        for (const resource of permission.resources) decide(permission.action, resource, requiredContext, ownSide, undefined)
      }
    }

    function decide(action: string, declared: string, baseContext: Record<string, ContextValue>, set: PolicySet, ownerAccountId: string | undefined): void {
      const facts = options.identities.resourceFacts?.(declared)
      // Operations name a user, group or role before it is looked up, so at the root path; policies see its real path.
      const resource = facts && isRootPathEntityArn(declared) ? facts.arn : declared
      const resourceContext = facts ? withResourceFacts(baseContext, action, facts) : baseContext
      const decision: Decision = evaluate(
        { principal: found!.principal, action, resource, resourceAccountId: ownerAccountId, context: resourceContext },
        set,
      )
      if (decision.effect !== 'Allow') throw refusal(action, resource, decision, resourceContext)
    }

    function refusal(action: string, resource: string, decision: Decision, refusedContext: Readonly<Record<string, ContextValue>>): AwsError {
      const encoded = options.encodedDenials
      if (encoded?.services.has(target.action.slice(0, target.action.indexOf(':')))) {
        const principal = { id: caller.userId, arn: caller.arn }
        // The engine derives the principal's keys (aws:username, aws:PrincipalTag/*, …) internally; the decoded
        // message lists them with the request's own keys, which win as they do in evaluation.
        const context = found ? { ...principalConditionKeys(found.principal), ...refusedContext } : refusedContext
        return new UnauthorizedOperationError(encoded.encode({ accountId: call.accountId, principal, action, resource, decision, context }))
      }
      return accessDenied(caller, action, resource, denialReason(decision, action)!)
    }
  }
}

/**
 * The principal and its identity-side policies: from the identity index, with what an STS session adds — its
 * session policies (they only limit), its session tags over the principal's own tags. A federated user
 * (GetFederationToken) holds its issuing user's permissions, cut down by its session policy
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html).
 */
function principalPolicies(caller: Caller, target: AuthorizationTarget, identities: IdentityPolicySource): CallerPolicies | undefined {
  const session = caller.session
  const base = caller.type === 'FederatedUser' && session ? federatedUserPolicies(caller, identities) : identities.forCaller(caller) ?? policiesOfUnindexed(caller, target)
  if (!base || !session) return base
  const principal: RequestPrincipal = session.tags ? { ...base.principal, tags: { ...base.principal.tags, ...session.tags } } : base.principal
  const policies: PolicySet = session.policies ? { ...base.policies, session: session.policies as readonly CompiledPolicy[] } : base.policies
  return { principal, policies }
}

function federatedUserPolicies(caller: Caller, identities: IdentityPolicySource): CallerPolicies | undefined {
  const issuer = caller.session!.issuer
  const principal: RequestPrincipal = { type: 'FederatedUser', arn: caller.arn, accountId: caller.accountId, userId: caller.userId, issuerArn: issuer.arn }
  // The root user's permissions are everything in its account, so only the session policy limits its federated users.
  if (issuer.type === 'Root') return { principal, policies: { identity: [rootEquivalent()] } }
  const user = identities.forCaller({ type: 'IAMUser', arn: issuer.arn, accountId: caller.accountId, userId: issuer.id })
  return user && { principal, policies: user.policies }
}

let rootPolicy: CompiledPolicy | undefined

function rootEquivalent(): CompiledPolicy {
  rootPolicy ??= compilePolicy('root-user', 'identity', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })
  return rootPolicy
}

/**
 * Root and anonymous callers have no identity policies; the engine still weighs them against resource policies.
 * An unsigned sts:AssumeRoleWithWebIdentity or AssumeRoleWithSAML is made by the identity provider's user, whom
 * the trust policy names by `Principal.Federated` (the provider the STS service declares as aws:FederatedProvider).
 */
function policiesOfUnindexed(caller: Caller, target: AuthorizationTarget): CallerPolicies | undefined {
  if (caller.type !== 'Root' && caller.type !== 'Anonymous') return undefined
  const provider = target.context?.['aws:FederatedProvider']
  if (caller.type === 'Anonymous' && target.resourcePolicies?.kind === 'trust' && typeof provider === 'string') {
    const type = target.action === 'sts:AssumeRoleWithSAML' ? 'SAMLUser' : 'WebIdentityUser'
    return { principal: { type, arn: caller.arn, accountId: caller.accountId, userId: caller.userId, federatedProvider: provider }, policies: {} }
  }
  return { principal: { type: caller.type, arn: caller.arn, accountId: caller.accountId, userId: caller.userId }, policies: {} }
}

// INVARIANT: services compile resource policies with src/policy's compilePolicy (see ResourcePolicies).
function withResourcePolicies(set: PolicySet, own: ResourcePolicies): PolicySet {
  const compiled = own.policies as readonly CompiledPolicy[]
  if (own.kind === 'trust') return { ...set, trust: compiled[0] }
  return { ...set, resource: compiled, resourceMustAllow: own.mustAllow ?? false }
}

const ANY_RESOURCE = ['*']

/** A caller with no identity-based policy at all: denied before any evaluation. */
const NO_IDENTITY_POLICY: Decision = { effect: 'ImplicitDeny', matched: [], denial: { kind: 'implicit', policyType: 'identity' }, missingContextKeys: [], errors: [] }

/**
 * IAM actions on a user or role see its tags as aws:ResourceTag/KEY and iam:ResourceTag/KEY
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html) and, for the actions the service
 * authorization reference lists with iam:PermissionsBoundary, its current boundary: the key that lets an
 * administrator delegate user management only for users capped by a given boundary
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate).
 * Keys the operation declared itself stay as it declared them.
 */
function withResourceFacts(
  context: Record<string, ContextValue>,
  action: string,
  facts: ResourceFacts,
): Record<string, ContextValue> {
  const merged = { ...context }
  for (const key in facts.tags) {
    merged[`aws:ResourceTag/${key}`] ??= facts.tags[key]!
    merged[`iam:ResourceTag/${key}`] ??= facts.tags[key]!
  }
  if (facts.boundaryArn !== undefined && BOUNDARY_KEY_ACTIONS.has(action)) merged['iam:PermissionsBoundary'] ??= facts.boundaryArn
  return merged
}

/** `arn:aws:iam::111122223333:user/Name`: no path between the resource type and the name. */
function isRootPathEntityArn(arn: string): boolean {
  const type = arn.indexOf(':', arn.indexOf('::') + 2)
  return arn.indexOf('/', arn.indexOf('/', type) + 1) === -1
}

// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
const BOUNDARY_KEY_ACTIONS = new Set([
  'AttachRolePolicy', 'AttachUserPolicy', 'DeleteRole', 'DeleteRolePermissionsBoundary', 'DeleteRolePolicy',
  'DeleteUserPermissionsBoundary', 'DeleteUserPolicy', 'DetachRolePolicy', 'DetachUserPolicy', 'GetRole',
  'PutRolePermissionsBoundary', 'PutRolePolicy', 'PutUserPermissionsBoundary', 'PutUserPolicy', 'UpdateAssumeRolePolicy',
  'UpdateRole', 'UpdateRoleDescription',
].map((name) => `iam:${name}`))

// AWS's message: "User: ARN is not authorized to perform: ACTION on resource: ARN because no identity-based
// policy allows the ACTION action" (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
function accessDenied(caller: Caller, action: string, resource: string, reason: string): AccessDeniedError {
  // An anonymous S3 caller has no principal to name: S3 answers it with its plain text.
  if (caller.type === 'Anonymous' && action.startsWith('s3:')) return new AccessDeniedError('Access Denied')
  return new AccessDeniedError(`User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} ${reason}`)
}
