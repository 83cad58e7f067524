// The policy engine's public types: the authorization request, the policy set by type, and the decision.
//
// Everything here is plain data (JSON-serializable), so a request, a policy set and a decision can be written
// in a test corpus, logged, or sent to the console as they are.

/** Where a policy sits in AWS's evaluation logic; also decides which parse rules apply to its document. */
export type PolicyType = 'identity' | 'resource' | 'trust' | 'boundary' | 'session' | 'scp' | 'rcp'

/**
 * CloudTrail's userIdentity types for whoever signed the request (Anonymous: an unsigned request). WebIdentityUser
 * and SAMLUser are the callers of AssumeRoleWithWebIdentity / AssumeRoleWithSAML; the sessions they obtain make
 * their later calls as AssumedRole.
 */
export type PrincipalType =
  | 'Root'
  | 'IAMUser'
  | 'AssumedRole'
  | 'FederatedUser'
  | 'WebIdentityUser'
  | 'SAMLUser'
  | 'AWSService'
  | 'Anonymous'

/** The principal making the request, as authentication established it. */
export interface RequestPrincipal {
  readonly type: PrincipalType
  /**
   * The principal's ARN: `arn:aws:iam::111122223333:root`, `…:user/path/Alice`,
   * `arn:aws:sts::111122223333:assumed-role/RoleName/session`, `arn:aws:sts::111122223333:federated-user/Bob`.
   * For AWSService the service principal name (`cloudtrail.amazonaws.com`); for Anonymous `*`.
   */
  readonly arn: string
  /** The account the principal belongs to (for AWSService/Anonymous: the account the request is made in, if any). */
  readonly accountId: string
  /** `aws:userid`: the account id for root, `AIDA…` for users, `AROA…:session` for role sessions. */
  readonly userId: string
  /** `aws:PrincipalTag/*`: the user's or role's tags, with session tags already merged over them. */
  readonly tags?: Readonly<Record<string, string>>
  /** A service-linked role (or a session of one): exempt from SCPs and RCPs. */
  readonly isServiceLinkedRole?: boolean
  /**
   * For AssumedRole (and FederatedUser) sessions: the issuer, e.g. `arn:aws:iam::111122223333:role/path/RoleName`
   * (CloudTrail's sessionContext.sessionIssuer.arn). A resource policy naming the role matches its sessions.
   */
  readonly issuerArn?: string
  /** The principal's account is the organization's management account: SCPs do not apply to it. */
  readonly isManagementAccount?: boolean
  /** For AWSService: the service principal (`cloudtrail.amazonaws.com`), matched by `Principal.Service`. */
  readonly servicePrincipal?: string
  /**
   * For WebIdentityUser/SAMLUser: the identity provider (`cognito-identity.amazonaws.com`, `accounts.google.com`,
   * or the SAML provider's ARN), matched by `Principal.Federated`.
   */
  readonly federatedProvider?: string
  /** The S3 canonical user id, matched by `Principal.CanonicalUser`. */
  readonly canonicalUserId?: string
}

/**
 * A context value exactly as the request carries it: a string for a single-valued key (`aws:SourceIp`,
 * `aws:MultiFactorAuthPresent` = `'true'`, `aws:CurrentTime` = `'2026-11-22T14:00:00Z'`), an array for a multivalued
 * key (`aws:TagKeys`, `aws:PrincipalOrgPaths`). An empty array is AWS's "empty data set": conditions treat it as an
 * absent key (ForAllValues is true, ForAnyValue is false, Null is true).
 */
export type ContextValue = string | readonly string[]

/**
 * One authorization question: may `principal` perform `action` on `resource`, given `context`?
 *
 * The engine reads no clock and no environment: time (`aws:CurrentTime`, `aws:EpochTime`), source IP, MFA and
 * every service key come in `context`. Context key names are matched case-insensitively (as AWS does); values
 * are compared as the operator says (StringEquals is case-sensitive, for example).
 *
 * Principal keys the context leaves out are derived from `principal`: `aws:PrincipalArn`, `aws:PrincipalAccount`,
 * `aws:PrincipalType`, `aws:userid`, `aws:username` (IAM users), `aws:PrincipalTag/*`,
 * `aws:PrincipalIsAWSService`, `aws:PrincipalServiceName`; and `aws:ResourceAccount` from `resourceAccountId`.
 * A key present in `context` always wins over a derived one.
 */
export interface AuthorizationRequest {
  readonly principal: RequestPrincipal
  /** `service:Action`, e.g. `s3:GetObject`; matched case-insensitively. */
  readonly action: string
  /** The resource ARN (`arn:aws:s3:::bucket/key`), or `*` for actions that take no resource. */
  readonly resource: string
  /**
   * The account that owns the resource. When absent, the resource ARN's account field is used; when that is empty
   * too (S3 bucket ARNs), the resource is taken to be in the principal's account.
   */
  readonly resourceAccountId?: string
  /** Every context key the request carries, by name (case-insensitive), with its value(s). */
  readonly context?: Readonly<Record<string, ContextValue>>
  /** The resource's account is the organization's management account: RCPs do not apply to it. */
  readonly resourceInManagementAccount?: boolean
}

/** A policy as stored: its id for the explanation and its document (JSON text, or already-parsed JSON). */
export interface PolicySource {
  /** The policy's name, ARN, ARN + version (`arn:aws:iam::aws:policy/ReadOnlyAccess:v3`), or SCP id. */
  readonly id: string
  readonly document: string | Readonly<Record<string, unknown>>
}

/**
 * The policies that apply to one request, grouped by where they sit in the evaluation logic.
 * P is `PolicySource` before compiling and `CompiledPolicy` after (see `compilePolicySet`).
 *
 * An absent or empty slot means: that policy type does not apply (no SCPs because the account is not in an
 * organization, no boundary set, not a session with session policies), which is different from a slot holding
 * policies none of which allows the action.
 */
export interface PolicySetOf<P> {
  /** Service control policies per organization level, root first, then each OU, then the account; every level must allow. */
  readonly scps?: readonly (readonly P[])[]
  /** Resource control policies per level, like `scps`. */
  readonly rcps?: readonly (readonly P[])[]
  /** Resource-based policies (a bucket policy, a key policy; more than one where the service layers them). */
  readonly resource?: readonly P[]
  /** The role's trust policy, when the action is an sts:AssumeRole*; it must allow explicitly. */
  readonly trust?: P
  /** Identity-based policies: inline and managed, the user's groups' included. */
  readonly identity?: readonly P[]
  /** The permissions boundary of the user or role, if one is set. */
  readonly boundary?: P
  /**
   * The resource-based policy must allow explicitly, as KMS key policies must: an identity-based allow alone is not
   * enough even in the same account (a key policy naming the account root delegates to identity policies).
   * Always true when `trust` is set.
   */
  readonly resourceMustAllow?: boolean
  /** Session policies passed to AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity or GetFederationToken, if any (inline and managed ARNs together). */
  readonly session?: readonly P[]
}

export type PolicySourceSet = PolicySetOf<PolicySource>

/** A compiled policy: what `compilePolicy` returns and `evaluate` consumes. Opaque beyond these fields. */
export interface CompiledPolicy {
  readonly id: string
  readonly type: PolicyType
  readonly version: '2012-10-17' | '2008-10-17'
  /** Number of statements in the document. */
  readonly statementCount: number
}

export type PolicySet = PolicySetOf<CompiledPolicy>

export type DecisionEffect = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny'

/** One statement of one policy, named for the explanation. */
export interface StatementRef {
  readonly policyId: string
  readonly policyType: PolicyType
  /** Zero-based position in the policy's Statement list (0 when Statement is a single object). */
  readonly statementIndex: number
  readonly sid?: string
  readonly effect: 'Allow' | 'Deny'
}

/**
 * Why the request was denied, in AWS's own words (see `denialReason`):
 * - explicit: "with an explicit deny in a service control policy" (scp), "… in a resource control policy" (rcp),
 *   "… in an identity-based policy", "… in a resource-based policy" (resource, trust), "… in a permissions boundary",
 *   "… in a session policy".
 * - implicit: "because no service control policy allows the X action", "because no resource control policy …",
 *   "because no identity-based policy allows …", "because no resource-based policy allows …" (resource, trust),
 *   "because no permissions boundary allows …", "because no session policy allows …".
 */
export interface Denial {
  readonly kind: 'explicit' | 'implicit'
  readonly policyType: PolicyType
}

/** A condition key that a condition needed and the request did not carry (the simulator's MissingContextValues). */
export type MissingContextKey = string

/** Something that went wrong while evaluating one statement; it can make the statement not apply, never Allow. */
export interface EvaluationError {
  readonly statement: StatementRef
  /** Cedar style: lower-case, no final period, user input in backticks. */
  readonly message: string
}

export interface Decision {
  readonly effect: DecisionEffect
  /**
   * The statements that decided it: for ExplicitDeny the matching Deny statements; for Allow the Allow statements
   * that granted it (identity or resource) and those that let it through each limiting type; for ImplicitDeny the
   * Allow statements that matched before the denying type stopped it (possibly none).
   */
  readonly matched: readonly StatementRef[]
  /** Which policy type caused the denial; absent when effect is Allow. */
  readonly denial?: Denial
  /** Condition keys that conditions referenced and the request lacked, spelled as the policy spells them, deduplicated case-insensitively. */
  readonly missingContextKeys: readonly MissingContextKey[]
  /** Evaluation errors; a statement with an error never grants. */
  readonly errors: readonly EvaluationError[]
}
