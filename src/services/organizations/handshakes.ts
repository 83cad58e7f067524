// Handshakes (open until answered or 15 days old, then EXPIRED): InviteAccountToOrganization, AcceptHandshake, DeclineHandshake, CancelHandshake, DescribeHandshake,
// ListHandshakesForAccount, ListHandshakesForOrganization, and EnableAllFeatures (a handshake every invited member
// approves before the management account finalizes it).
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_invites.html
import type { OperationContext } from '../../core/operation.js'
import {
  AccessDeniedException,
  AccountNotFoundException,
  DuplicateHandshakeException,
  HandshakeAlreadyInStateException,
  HandshakeConstraintViolationException,
  HandshakeNotFoundException,
  InvalidHandshakeTransitionException,
  InvalidInputException,
} from '../../generated/organizations/errors.js'
import type { OrganizationsApi } from '../../generated/organizations/api.js'
import type { Handshake, HandshakeFilter } from '../../generated/organizations/types.js'
import type { OrgHandshakeRow } from '../../storage/migrations/0012-organizations.js'
import type { Db } from '../../storage/schema.js'
import { ensureOrganizationsServiceRole } from '../iam/index.js'
import { checkAccountLimit } from './account-limits.js'
import { managementScope, ORG_MESSAGES, readScope, requireServiceLinkedRolePermission, scopeOf, type OrgScope } from './org-access.js'
import type { OrganizationsDeps } from './org-deps.js'
import { handshakeId } from './org-ids.js'
import { orgStore } from './org-store.js'
import { joinOrganization } from './membership-changes.js'
import { notifyOrganizationChange, organizationChangesApplied } from './organization-index.js'
import { paginate } from './pagination.js'
import { putTags, listTags, dropTags } from './tags.js'

/** Invitations and feature handshakes expire after 15 days (AWS's figure for invitations). */
const HANDSHAKE_LIFETIME_MS = 15 * 24 * 60 * 60 * 1000
const HANDSHAKE_NOT_FOUND = "We can't find a handshake with the HandshakeId that you specified."

export function handshakeOperations(deps: OrganizationsDeps) {
  const { database, clock, ids } = deps
  return {
    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_InviteAccountToOrganization.html
    async InviteAccountToOrganization(input, ctx) {
      const result = await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        const target = await invitedAccount(tx, input.Target)
        if (await orgStore(tx).organizationOf(target)) {
          throw new HandshakeConstraintViolationException('The account is already a member of an organization.', { Reason: 'ALREADY_IN_AN_ORGANIZATION' })
        }
        const open = await tx.selectFrom('org_handshakes').select('handshake_id').where('account_id', '=', scope.management)
          .where('target_account_id', '=', target).where('action', '=', 'INVITE').where('state', '=', 'OPEN')
          .where('expires_at', '>', clock.now().toISOString()).executeTakeFirst()
        if (open) throw new DuplicateHandshakeException('A handshake with the same action and target already exists.')
        await checkAccountLimit(tx, scope, clock.now())
        const migrating = await tx.selectFrom('org_handshakes').select('handshake_id').where('account_id', '=', scope.management)
          .where('action', '=', 'ENABLE_ALL_FEATURES').where('state', '=', 'OPEN')
          .where('expires_at', '>', clock.now().toISOString()).executeTakeFirst()
        if (migrating) {
          throw new HandshakeConstraintViolationException('You cannot invite accounts while the organization is enabling all features.', { Reason: 'INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES' })
        }
        const row = newHandshake(scope, 'INVITE', target, input.Notes ?? null, null)
        await tx.insertInto('org_handshakes').values(row).execute()
        // The tags go to the account when it joins; until then they wait under the handshake's id.
        await putTags(tx, scope, row.handshake_id, input.Tags)
        return toHandshake(tx, scope, row)
      })
      return { Handshake: result }
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_AcceptHandshake.html
    async AcceptHandshake(input, ctx) {
      const result = await database.transaction(async (tx) => {
        const { scope, row } = await visibleHandshake(tx, ctx, input.HandshakeId, 'respond')
        requireOpen(row, 'ACCEPTED', clock.now())
        if (row.action === 'INVITE') {
          if (await orgStore(tx).organizationOf(ctx.accountId)) {
            throw new HandshakeConstraintViolationException('The account is already a member of an organization.', { Reason: 'ALREADY_IN_AN_ORGANIZATION' })
          }
          if (scope.org.feature_set === 'ALL') requireServiceLinkedRolePermission(ctx)
          await ensureOrganizationsServiceRole(database, tx, { accountId: ctx.accountId, partition: ctx.partition, roleId: ids.uniqueId('AROA'), createdAt: clock.now() })
          await joinOrganization(tx, scope, ctx.accountId, 'INVITED', clock.now())
          await putTags(tx, scope, ctx.accountId, await listTags(tx, scope, row.handshake_id))
          await dropTags(tx, scope, row.handshake_id)
        } else if (row.action === 'ENABLE_ALL_FEATURES') {
          const pending = await tx.selectFrom('org_handshakes').select('handshake_id').where('account_id', '=', scope.management)
            .where('parent_handshake_id', '=', row.handshake_id).where('state', '!=', 'ACCEPTED').executeTakeFirst()
          if (pending) throw new InvalidHandshakeTransitionException('Every invited member account must approve all features before the management account can finalize them.')
          await orgStore(tx).setFeatureSet(scope.management, 'ALL')
        }
        await setState(tx, row, 'ACCEPTED')
        await notifyOrganizationChange(database, scope.management)
        return toHandshake(tx, scope, { ...row, state: 'ACCEPTED' })
      })
      await organizationChangesApplied(database)
      return { Handshake: result }
    },

    async DeclineHandshake(input, ctx) {
      return { Handshake: await transition(ctx, input.HandshakeId, 'respond', 'DECLINED') }
    },

    async CancelHandshake(input, ctx) {
      return { Handshake: await transition(ctx, input.HandshakeId, 'originate', 'CANCELED') }
    },

    async DescribeHandshake(input, ctx) {
      const { scope, row } = await visibleHandshake(database.db, ctx, input.HandshakeId, 'either')
      return { Handshake: await toHandshake(database.db, scope, withExpiry(row, clock.now())) }
    },

    async ListHandshakesForAccount(input, ctx) {
      const rows = filtered(await database.db.selectFrom('org_handshakes').selectAll().where('target_account_id', '=', ctx.accountId)
        .orderBy('handshake_id').execute(), input.Filter)
      const page = paginate(rows, input, (row) => row.handshake_id)
      const handshakes = await Promise.all(page.items.map(async (row) => {
        const org = await orgStore(database.db).organization(row.account_id)
        return toHandshake(database.db, scopeOf(org!, { accountId: ctx.accountId, partition: ctx.partition }), withExpiry(row, clock.now()))
      }))
      return { Handshakes: handshakes, ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },

    async ListHandshakesForOrganization(input, ctx) {
      const scope = await readScope(deps, ctx)
      const rows = filtered(await database.db.selectFrom('org_handshakes').selectAll().where('account_id', '=', scope.management)
        .orderBy('handshake_id').execute(), input.Filter)
      const page = paginate(rows, input, (row) => row.handshake_id)
      const handshakes = await Promise.all(page.items.map((row) => toHandshake(database.db, scope, withExpiry(row, clock.now()))))
      return { Handshakes: handshakes, ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnableAllFeatures.html
    async EnableAllFeatures(_input, ctx) {
      const result = await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        if (scope.org.feature_set === 'ALL') {
          throw new HandshakeConstraintViolationException('The organization already has all features enabled.', { Reason: 'ORGANIZATION_ALREADY_HAS_ALL_FEATURES' })
        }
        const pending = await tx.selectFrom('org_handshakes').select('handshake_id').where('account_id', '=', scope.management)
          .where('action', '=', 'ENABLE_ALL_FEATURES').where('state', '=', 'OPEN')
          .where('expires_at', '>', clock.now().toISOString()).executeTakeFirst()
        if (pending) {
          throw new HandshakeConstraintViolationException('The organization is already migrating to all features.', { Reason: 'ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION' })
        }
        const parent = newHandshake(scope, 'ENABLE_ALL_FEATURES', scope.management, null, null)
        await tx.insertInto('org_handshakes').values(parent).execute()
        // Invited members approve; accounts the organization created approve implicitly.
        const invited = await tx.selectFrom('org_members').select('member_account_id').where('account_id', '=', scope.management)
          .where('joined_method', '=', 'INVITED').where('member_account_id', '!=', scope.management).execute()
        for (const member of invited) {
          await tx.insertInto('org_handshakes').values(newHandshake(scope, 'APPROVE_ALL_FEATURES', member.member_account_id, null, parent.handshake_id)).execute()
        }
        return toHandshake(tx, scope, parent)
      })
      return { Handshake: result }
    },
  } satisfies Partial<OrganizationsApi>

  function newHandshake(scope: OrgScope, action: string, target: string, notes: string | null, parent: string | null): OrgHandshakeRow {
    const now = clock.now()
    return {
      account_id: scope.management,
      handshake_id: handshakeId(ids),
      action,
      state: 'OPEN',
      target_account_id: target,
      requested_at: now.toISOString(),
      expires_at: new Date(now.getTime() + HANDSHAKE_LIFETIME_MS).toISOString(),
      notes,
      parent_handshake_id: parent,
    }
  }

  async function transition(ctx: OperationContext, id: string, side: 'respond' | 'originate', state: 'DECLINED' | 'CANCELED'): Promise<Handshake> {
    return database.transaction(async (tx) => {
      const { scope, row } = await visibleHandshake(tx, ctx, id, side)
      requireOpen(row, state, clock.now())
      await setState(tx, row, state)
      if (row.action === 'INVITE') await dropTags(tx, scope, row.handshake_id)
      return toHandshake(tx, scope, { ...row, state })
    })
  }
}

/**
 * The handshake, when the caller is a party to it: the invited (or approving) account may respond, the
 * organization's management account originated it. Anyone else is told it does not exist.
 */
async function visibleHandshake(db: Db, ctx: OperationContext, id: string, side: 'respond' | 'originate' | 'either'): Promise<{ scope: OrgScope; row: OrgHandshakeRow }> {
  const row = await db.selectFrom('org_handshakes').selectAll().where('handshake_id', '=', id).executeTakeFirst()
  if (!row) throw new HandshakeNotFoundException(HANDSHAKE_NOT_FOUND)
  const isTarget = row.target_account_id === ctx.accountId
  const isOriginator = row.account_id === ctx.accountId
  if (!isTarget && !isOriginator) throw new HandshakeNotFoundException(HANDSHAKE_NOT_FOUND)
  if ((side === 'respond' && !isTarget) || (side === 'originate' && !isOriginator)) throw new AccessDeniedException(ORG_MESSAGES.accessDenied)
  const org = await orgStore(db).organization(row.account_id)
  if (!org) throw new HandshakeNotFoundException(HANDSHAKE_NOT_FOUND)
  return { scope: scopeOf(org, ctx), row }
}

/** Only an open handshake changes state; one already in `wanted` says so, an expired one has expired. */
function requireOpen(row: OrgHandshakeRow, wanted: string, now: Date): void {
  const current = withExpiry(row, now).state
  if (current === wanted) throw new HandshakeAlreadyInStateException('The specified handshake is already in the requested state.')
  if (current !== 'OPEN') throw new InvalidHandshakeTransitionException("You can't perform the operation on the handshake in its current state.")
}

function withExpiry(row: OrgHandshakeRow, now: Date): OrgHandshakeRow {
  return row.state === 'OPEN' && new Date(row.expires_at) <= now ? { ...row, state: 'EXPIRED' } : row
}

async function setState(tx: Db, row: OrgHandshakeRow, state: string): Promise<void> {
  await tx.updateTable('org_handshakes').set({ state }).where('account_id', '=', row.account_id).where('handshake_id', '=', row.handshake_id).execute()
}

function filtered(rows: OrgHandshakeRow[], filter: HandshakeFilter | undefined): OrgHandshakeRow[] {
  if (filter?.ActionType !== undefined && filter.ParentHandshakeId !== undefined) {
    throw new InvalidInputException('You can specify only one filter parameter at a time.', { Reason: 'MAX_LIMIT_EXCEEDED_FILTER' })
  }
  return rows.filter((row) =>
    (filter?.ActionType === undefined || row.action === filter.ActionType) &&
    (filter?.ParentHandshakeId === undefined || row.parent_handshake_id === filter.ParentHandshakeId))
}

/** The account an invitation targets: by id, or by the email of an account Palisade holds. */
async function invitedAccount(db: Db, target: { Id: string; Type: string }): Promise<string> {
  if (target.Type === 'ACCOUNT') {
    const found = /^\d{12}$/.test(target.Id) && await db.selectFrom('accounts').select('account_id').where('account_id', '=', target.Id).executeTakeFirst()
    if (!found) throw new AccountNotFoundException(ORG_MESSAGES.accountNotFound)
    return target.Id
  }
  if (target.Type === 'EMAIL') {
    const found = await db.selectFrom('accounts').select('account_id').where('email', '=', target.Id).executeTakeFirst()
    if (!found) throw new InvalidInputException('You provided an email address that does not belong to an account.', { Reason: 'INVALID_EMAIL_ADDRESS_TARGET' })
    return found.account_id
  }
  throw new InvalidInputException('You specified a party type that is not valid for the target of an invitation.', { Reason: 'INVALID_PARTY_TYPE_TARGET' })
}

async function toHandshake(db: Db, scope: OrgScope, row: OrgHandshakeRow): Promise<Handshake> {
  const management = await db.selectFrom('accounts').select(['name', 'email']).where('account_id', '=', scope.management).executeTakeFirst()
  const organization = {
    Type: 'ORGANIZATION' as const,
    Value: scope.org.organization_id,
    Resources: [
      { Type: 'MASTER_EMAIL' as const, Value: management?.email ?? '' },
      { Type: 'MASTER_NAME' as const, Value: management?.name ?? '' },
      { Type: 'ORGANIZATION_FEATURE_SET' as const, Value: scope.org.feature_set },
    ],
  }
  return {
    Id: row.handshake_id,
    Arn: scope.arns.handshake(row.action, row.handshake_id),
    Parties: [{ Id: scope.org.organization_id, Type: 'ORGANIZATION' }, { Id: row.target_account_id, Type: 'ACCOUNT' }],
    State: row.state as Handshake['State'],
    RequestedTimestamp: new Date(row.requested_at),
    ExpirationTimestamp: new Date(row.expires_at),
    Action: row.action as Handshake['Action'],
    Resources: [
      organization,
      { Type: 'ACCOUNT', Value: row.target_account_id },
      ...(row.notes !== null ? [{ Type: 'NOTES' as const, Value: row.notes }] : []),
      ...(row.parent_handshake_id !== null ? [{ Type: 'PARENT_HANDSHAKE' as const, Value: row.parent_handshake_id }] : []),
    ],
  }
}
