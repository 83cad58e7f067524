// AuthorizationTarget: what a call touches, declared per operation by each service; authz decides whether it may.
import type { Caller } from './caller.js'

/** Single- or multi-valued condition key values, as strings the way AWS's request context carries them. */
export type ContextValues = Readonly<Record<string, string | readonly string[]>>

export interface AuthorizationTarget {
  /** The IAM action, e.g. `iam:CreateUser`. */
  readonly action: string
  /** The resource ARN(s) the action applies to; `*` where the action has no resource type. */
  readonly resources: readonly string[]
  /** Service-specific condition keys (`iam:PassedToService`, `s3:prefix`, `kms:EncryptionContext:…`). */
  readonly context?: ContextValues
  /** False where AWS documents that no permission is needed (sts:GetCallerIdentity). */
  readonly requiresPermission?: boolean
  /**
   * Further actions the same call needs on the same resources, each decided like `action` (sts:TagSession beside
   * sts:AssumeRole when tags are passed, iam:PassRole where a role is handed over).
   */
  readonly additionalActions?: readonly string[]
  /**
   * Permissions the call needs on other resources, decided on the caller's own policies alone — iam:PassRole on the
   * role a call hands to a service (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
   */
  readonly alsoRequires?: readonly RequiredPermission[]
  /** The resource's own policy (a KMS key policy, a role's trust policy, a bucket policy), when it has one. */
  readonly resourcePolicies?: ResourcePolicies
}

export interface RequiredPermission {
  readonly action: string
  readonly resources: readonly string[]
  /** Keys of this permission's own, e.g. iam:PassedToService and iam:AssociatedResourceArn for iam:PassRole. */
  readonly context?: ContextValues
}

/**
 * Resource-based policies for one call, compiled by the service with src/policy (`compilePolicy`) and kept in its
 * in-memory index. Typed loosely here because core imports nothing; the authorization stage reads them as
 * CompiledPolicy.
 */
export interface ResourcePolicies {
  /** `trust` for a role's trust policy (sts:AssumeRole*), else `resource`. */
  readonly kind: 'resource' | 'trust'
  readonly policies: readonly object[]
  /** The account that owns the resource (same- versus cross-account rules). */
  readonly ownerAccountId: string
  /**
   * The resource policy must allow explicitly, even in the same account and even for the root user, as KMS key
   * policies and trust policies require.
   */
  readonly mustAllow?: boolean
}

/** What the authorization function of an operation can see of the call besides its input. */
export interface CallFacts {
  readonly caller: Caller
  readonly accountId: string
  readonly region: string
  readonly partition: string
}

export type AuthorizeOperation<I> = (input: I, call: CallFacts) => AuthorizationTarget

/** One entry per operation of the service's API: an operation cannot ship without declaring what it touches. */
export type AuthorizationTable<Api> = {
  readonly [Op in keyof Api]: Api[Op] extends (input: infer I, ...rest: never[]) => unknown ? AuthorizeOperation<I> : never
}

const readOnly = new Map<string, boolean>()

/** CloudTrail's readOnly: operations whose names start with these prefixes do not change anything. */
export function isReadOnlyOperation(operation: string): boolean {
  let known = readOnly.get(operation) // operation names are a fixed set: remember each answer
  if (known === undefined) {
    known = /^(Get|List|Describe|Head|Lookup|Search|Check|Validate|Decode|Simulate|Generate(CredentialReport|ServiceLastAccessedDetails))/.test(operation) &&
      !/^(GenerateDataKey|GenerateRandom|GenerateMac)/.test(operation)
    readOnly.set(operation, known)
  }
  return known
}
