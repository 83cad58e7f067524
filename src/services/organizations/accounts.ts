// Accounts: CreateAccount with its status, DescribeAccount, ListAccounts, ListAccountsForParent, MoveAccount,
// RemoveAccountFromOrganization, LeaveOrganization and CloseAccount.
import {
  AccountAlreadyClosedException,
  AccountNotFoundException,
  ConstraintViolationException,
  CreateAccountStatusNotFoundException,
  DestinationParentNotFoundException,
  DuplicateAccountException,
  SourceParentNotFoundException,
} from '../../generated/organizations/errors.js'
import type { OrganizationsApi } from '../../generated/organizations/api.js'
import type { CreateAccountStatus } from '../../generated/organizations/types.js'
import type { OrgCreateAccountRequestRow } from '../../storage/migrations/0012-organizations.js'
import { createOrganizationAccount, ensureOrganizationsServiceRole, setAccountStatus } from '../iam/index.js'
import { checkAccountLimit } from './account-limits.js'
import { callerOrganization, managementScope, ORG_MESSAGES, readScope, requireMember, requireParent } from './org-access.js'
import type { OrganizationsDeps } from './org-deps.js'
import { createAccountRequestId, newAccountId } from './org-ids.js'
import { orgStore } from './org-store.js'
import { toAccountShape } from './org-view.js'
import { notifyOrganizationChange, organizationChangesApplied } from './organization-index.js'
import { joinOrganization, leaveOrganization } from './membership-changes.js'
import { pageOf, pageSize, pageStart, paginate } from './pagination.js'
import { putTags } from './tags.js'

/** The role CreateAccount makes when the request names none. */
export const DEFAULT_ACCESS_ROLE = 'OrganizationAccountAccessRole'

/**
 * "You can close only 10% of member accounts, between 10 and 1000, within a rolling 30 day period"
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_CloseAccount.html).
 */
export function closureQuota(memberCount: number): number {
  return Math.min(1000, Math.max(10, Math.floor(memberCount / 10)))
}
const CLOSURE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000

export function accountOperations(deps: OrganizationsDeps) {
  const { database, clock, ids } = deps
  return {
    /**
     * Creates the account at once; the response says IN_PROGRESS as AWS's does, and DescribeCreateAccountStatus then
     * reports SUCCEEDED with the account id (or FAILED with the reason, e.g. an email already in use).
     * https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html
     */
    async CreateAccount(input, ctx) {
      const requestedAt = clock.now()
      const request = await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        await checkAccountLimit(tx, scope, requestedAt)
        const row: OrgCreateAccountRequestRow = {
          account_id: scope.management,
          request_id: createAccountRequestId(ids),
          account_name: input.AccountName,
          state: 'SUCCEEDED',
          requested_at: requestedAt.toISOString(),
          completed_at: requestedAt.toISOString(),
          created_account_id: null,
          failure_reason: null,
        }
        const emailTaken = await tx.selectFrom('accounts').select('account_id').where('email', '=', input.Email).executeTakeFirst()
        if (emailTaken) {
          await tx.insertInto('org_create_account_requests').values({ ...row, state: 'FAILED', failure_reason: 'EMAIL_ALREADY_EXISTS' }).execute()
          return row
        }
        let accountId = newAccountId(ids)
        while (await tx.selectFrom('accounts').select('account_id').where('account_id', '=', accountId).executeTakeFirst()) accountId = newAccountId(ids)
        await createOrganizationAccount(database, tx, {
          accountId,
          name: input.AccountName,
          email: input.Email,
          createdAt: requestedAt,
          partition: ctx.partition,
          roleName: input.RoleName ?? DEFAULT_ACCESS_ROLE,
          roleId: ids.uniqueId('AROA'),
          managementAccountId: scope.management,
        })
        await ensureOrganizationsServiceRole(database, tx, { accountId, partition: ctx.partition, roleId: ids.uniqueId('AROA'), createdAt: requestedAt })
        await joinOrganization(tx, scope, accountId, 'CREATED', requestedAt)
        await putTags(tx, scope, accountId, input.Tags)
        await tx.insertInto('org_create_account_requests').values({ ...row, created_account_id: accountId }).execute()
        await notifyOrganizationChange(database, scope.management)
        return row
      })
      await organizationChangesApplied(database)
      return { CreateAccountStatus: { Id: request.request_id, AccountName: request.account_name, State: 'IN_PROGRESS', RequestedTimestamp: requestedAt } }
    },

    async DescribeCreateAccountStatus(input, ctx) {
      const scope = await readScope(deps, ctx)
      const row = await database.db.selectFrom('org_create_account_requests').selectAll()
        .where('account_id', '=', scope.management).where('request_id', '=', input.CreateAccountRequestId).executeTakeFirst()
      if (!row) throw new CreateAccountStatusNotFoundException("We can't find a create account request with the CreateAccountRequestId that you specified.")
      return { CreateAccountStatus: toStatusShape(row) }
    },

    async ListCreateAccountStatus(input, ctx) {
      const scope = await readScope(deps, ctx)
      let query = database.db.selectFrom('org_create_account_requests').selectAll().where('account_id', '=', scope.management)
      if (input.States && input.States.length > 0) query = query.where('state', 'in', input.States)
      const page = paginate(await query.orderBy('request_id').execute(), input, (row) => row.request_id)
      return { CreateAccountStatuses: page.items.map(toStatusShape), ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },

    async DescribeAccount(input, ctx) {
      const scope = await readScope(deps, ctx)
      return { Account: toAccountShape(scope, await requireMember(database.db, scope, input.AccountId)) }
    },

    /** One indexed range query per page, so paging through thousands of accounts stays fast. */
    async ListAccounts(input, ctx) {
      const scope = await readScope(deps, ctx)
      const size = pageSize(input)
      const after = pageStart(input)
      const rows = await orgStore(database.db).members(scope.management, { limit: size + 1, ...(after !== undefined && { afterId: after }) })
      const page = pageOf(rows, size, (member) => member.accountId)
      return { Accounts: page.items.map((member) => toAccountShape(scope, member)), ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },

    async ListAccountsForParent(input, ctx) {
      const scope = await readScope(deps, ctx)
      await requireParent(database.db, scope, input.ParentId)
      const size = pageSize(input)
      const after = pageStart(input)
      const rows = await orgStore(database.db).members(scope.management, { parentId: input.ParentId, limit: size + 1, ...(after !== undefined && { afterId: after }) })
      const page = pageOf(rows, size, (member) => member.accountId)
      return { Accounts: page.items.map((member) => toAccountShape(scope, member)), ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_MoveAccount.html
    async MoveAccount(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        await requireParent(tx, scope, input.SourceParentId, () => new SourceParentNotFoundException("We can't find a source root or OU with the ParentId that you specified."))
        await requireParent(tx, scope, input.DestinationParentId, () => new DestinationParentNotFoundException("We can't find a destination root or OU with the ParentId that you specified."))
        const member = await requireMember(tx, scope, input.AccountId)
        if (member.parentId !== input.SourceParentId) throw new AccountNotFoundException(ORG_MESSAGES.accountNotFound)
        if (member.parentId === input.DestinationParentId) throw new DuplicateAccountException('That account is already present in the specified destination.')
        await orgStore(tx).moveMember(scope.management, member.accountId, input.DestinationParentId)
        await notifyOrganizationChange(database, scope.management)
      })
      await organizationChangesApplied(database)
    },

    async RemoveAccountFromOrganization(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        const member = await requireMember(tx, scope, input.AccountId)
        await leaveOrganization(tx, scope, member.accountId)
        await notifyOrganizationChange(database, scope.management)
      })
      await organizationChangesApplied(database)
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_LeaveOrganization.html
    async LeaveOrganization(_input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await callerOrganization(tx, ctx)
        await leaveOrganization(tx, scope, ctx.accountId)
        await notifyOrganizationChange(database, scope.management)
      })
      await organizationChangesApplied(database)
    },

    /**
     * Closes a member account. AWS reports PENDING_CLOSURE while it works and then SUSPENDED; Palisade closes at once,
     * so the account is SUSPENDED when the call returns and its credentials stop working on the next request.
     * https://docs.aws.amazon.com/organizations/latest/APIReference/API_CloseAccount.html
     */
    async CloseAccount(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        const member = await requireMember(tx, scope, input.AccountId)
        if (member.accountId === scope.management) {
          throw new ConstraintViolationException('You cannot close the management account of an organization.', { Reason: 'CANNOT_CLOSE_MANAGEMENT_ACCOUNT' })
        }
        if (member.status !== 'ACTIVE') throw new AccountAlreadyClosedException('You attempted to close an account that is already closed.')
        if (scope.org.feature_set !== 'ALL') {
          throw new ConstraintViolationException('You can close an account only when all features are enabled.', { Reason: 'ORGANIZATION_NOT_IN_ALL_FEATURES_MODE' })
        }
        const now = clock.now()
        if ((await orgStore(tx).countClosedSince(scope.management, new Date(now.getTime() - CLOSURE_WINDOW_MS))) >= closureQuota(await orgStore(tx).countMembers(scope.management))) {
          throw new ConstraintViolationException('You have exceeded the number of accounts you can close within 30 days.', { Reason: 'CLOSE_ACCOUNT_QUOTA_EXCEEDED' })
        }
        await setAccountStatus(tx, member.accountId, 'SUSPENDED')
        await orgStore(tx).markClosed(scope.management, member.accountId, now)
        await notifyOrganizationChange(database, scope.management)
      })
      await organizationChangesApplied(database)
    },
  } satisfies Partial<OrganizationsApi>
}

function toStatusShape(row: OrgCreateAccountRequestRow): CreateAccountStatus {
  return {
    Id: row.request_id,
    AccountName: row.account_name,
    State: row.state as CreateAccountStatus['State'],
    RequestedTimestamp: new Date(row.requested_at),
    ...(row.completed_at !== null && { CompletedTimestamp: new Date(row.completed_at) }),
    ...(row.created_account_id !== null && { AccountId: row.created_account_id }),
    ...(row.failure_reason !== null && { FailureReason: row.failure_reason as CreateAccountStatus['FailureReason'] }),
  }
}
