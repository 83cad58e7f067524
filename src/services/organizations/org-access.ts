// Who may do what in an organization: the caller's organization, management-only operations, delegated
// administrators, and the lookups of roots, OUs and accounts every module shares, with AWS's errors.
import { AccessDeniedError } from '../../core/common-errors.js'
import type { OperationContext } from '../../core/operation.js'
import {
  AccessDeniedException,
  AccessDeniedForDependencyException,
  AccountNotFoundException,
  AWSOrganizationsNotInUseException,
  ParentNotFoundException,
} from '../../generated/organizations/errors.js'
import type { OrgOrganizationRow, OrgUnitRow } from '../../storage/migrations/0012-organizations.js'
import type { Db } from '../../storage/schema.js'
import { ORGANIZATIONS_SERVICE_ROLE, organizationsServiceRoleArn } from '../iam/index.js'
import type { OrganizationsDeps } from './org-deps.js'
import { orgArns, type OrgArns } from './org-ids.js'
import { orgStore, type MemberAccount } from './org-store.js'

export interface OrgScope {
  readonly org: OrgOrganizationRow
  readonly arns: OrgArns
  /** The management account: the key of every row the organization owns. */
  readonly management: string
  readonly callerIsManagement: boolean
}

// The messages AWS returns (API reference, Errors of each operation).
export const ORG_MESSAGES = {
  notInUse: 'Your account is not a member of an organization.',
  accessDenied: "You don't have permissions to access this resource.",
  accountNotFound: "You specified an account that doesn't exist.",
  parentNotFound: "We can't find a root or OU with the ParentId that you specified.",
} as const

/** The organization the caller's account belongs to; AWSOrganizationsNotInUseException when none. */
export async function callerOrganization(db: Db, ctx: OperationContext): Promise<OrgScope> {
  const org = await orgStore(db).organizationOf(ctx.accountId)
  if (!org) throw new AWSOrganizationsNotInUseException(ORG_MESSAGES.notInUse)
  return scopeOf(org, ctx)
}

/**
 * The caller's organization when the caller is its management account — or, with `delegated`, an account
 * registered as a delegated administrator, for the read operations AWS opens to them
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_delegate_policies.html). AccessDeniedException
 * for any other member.
 */
export async function managementScope(db: Db, ctx: OperationContext, options: { delegated?: boolean } = {}): Promise<OrgScope> {
  const scope = await callerOrganization(db, ctx)
  if (scope.callerIsManagement || (options.delegated && (await isDelegatedAdministrator(db, scope, ctx.accountId)))) return scope
  throw new AccessDeniedException(ORG_MESSAGES.accessDenied)
}

/**
 * For read operations: the caller's organization from the organization index, without a query (as KMS reads its
 * key index) — kept current by every change in this process before the change returns, and by notifications from
 * other processes. `anyMember` lets every account of the organization in (DescribeOrganization); otherwise only the
 * management account and delegated administrators, as `managementScope` with `delegated`.
 */
export async function readScope(deps: Pick<OrganizationsDeps, 'database' | 'organizations'>, ctx: OperationContext, options: { anyMember?: boolean } = {}): Promise<OrgScope> {
  const facts = deps.organizations.organizationOf(ctx.accountId)
  if (!facts) throw new AWSOrganizationsNotInUseException(ORG_MESSAGES.notInUse)
  const scope = scopeOf({
    account_id: facts.managementAccountId,
    organization_id: facts.organizationId,
    feature_set: facts.featureSet,
    root_id: facts.rootId,
    created_at: facts.createdAt,
  }, ctx)
  if (options.anyMember || scope.callerIsManagement || (await isDelegatedAdministrator(deps.database.db, scope, ctx.accountId))) return scope
  throw new AccessDeniedException(ORG_MESSAGES.accessDenied)
}

async function isDelegatedAdministrator(db: Db, scope: OrgScope, accountId: string): Promise<boolean> {
  const admin = await db.selectFrom('org_delegated_admins').select('admin_account_id')
    .where('account_id', '=', scope.management).where('admin_account_id', '=', accountId).executeTakeFirst()
  return admin !== undefined
}

/**
 * Organizations creates AWSServiceRoleForOrganizations in the caller's account when it creates an organization or,
 * in an organization with all features, accepts an invitation; so the caller needs iam:CreateServiceLinkedRole too,
 * and AWS answers AccessDeniedForDependencyException without it
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganization.html,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_AcceptHandshake.html).
 */
export function requireServiceLinkedRolePermission(ctx: OperationContext): void {
  try {
    ctx.authorize?.({
      action: 'iam:CreateServiceLinkedRole',
      resources: [organizationsServiceRoleArn(ctx.partition, ctx.accountId)],
      context: { 'iam:AWSServiceName': ORGANIZATIONS_SERVICE_ROLE.service },
    })
  } catch (error) {
    if (!(error instanceof AccessDeniedError)) throw error
    throw new AccessDeniedForDependencyException(
      'The request failed because your credentials do not have permission to create the service-linked role required by AWS Organizations.',
      { Reason: 'ACCESS_DENIED_DURING_CREATE_SERVICE_LINKED_ROLE' },
    )
  }
}

export function scopeOf(org: OrgOrganizationRow, ctx: Pick<OperationContext, 'accountId' | 'partition'>): OrgScope {
  return {
    org,
    arns: orgArns(ctx.partition, org.account_id, org.organization_id),
    management: org.account_id,
    callerIsManagement: org.account_id === ctx.accountId,
  }
}

/** A root or OU of the organization, or the error `missing` makes (ParentNotFoundException by default). */
export async function requireParent(
  db: Db,
  scope: OrgScope,
  parentId: string,
  missing: () => Error = () => new ParentNotFoundException(ORG_MESSAGES.parentNotFound),
): Promise<{ kind: 'ROOT' } | { kind: 'ORGANIZATIONAL_UNIT'; unit: OrgUnitRow }> {
  if (parentId === scope.org.root_id) return { kind: 'ROOT' }
  const unit = parentId.startsWith('ou-') ? await orgStore(db).unit(scope.management, parentId) : undefined
  if (!unit) throw missing()
  return { kind: 'ORGANIZATIONAL_UNIT', unit }
}

/** A member account of the organization (the management account included); AccountNotFoundException otherwise. */
export async function requireMember(db: Db, scope: OrgScope, accountId: string): Promise<MemberAccount> {
  const member = await orgStore(db).member(scope.management, accountId)
  if (!member) throw new AccountNotFoundException(ORG_MESSAGES.accountNotFound)
  return member
}

/** How deep an OU sits: 1 for an OU directly under the root. */
export async function unitDepth(db: Db, scope: OrgScope, ouId: string): Promise<number> {
  let depth = 0
  for (let id: string | undefined = ouId; id !== undefined && id !== scope.org.root_id; depth++) {
    id = (await orgStore(db).unit(scope.management, id))?.parent_id
    if (depth > 10) break // INVARIANT: the tree has at most five levels of OUs; this only guards against a cycle
  }
  return depth
}
