// Delegated administrators and trusted access for the AWS services Palisade implements:
// Register/DeregisterDelegatedAdministrator, ListDelegatedAdministrators, ListDelegatedServicesForAccount,
// Enable/DisableAWSServiceAccess, ListAWSServiceAccessForOrganization.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services_list.html
import {
  AccountAlreadyRegisteredException,
  AccountNotRegisteredException,
  ConstraintViolationException,
  InvalidInputException,
} from '../../generated/organizations/errors.js'
import type { OrganizationsApi } from '../../generated/organizations/api.js'
import type { DelegatedAdministrator } from '../../generated/organizations/types.js'
import type { Db } from '../../storage/schema.js'
import { managementScope, readScope, requireMember, type OrgScope } from './org-access.js'
import type { OrganizationsDeps } from './org-deps.js'
import { orgStore } from './org-store.js'
import { toAccountShape } from './org-view.js'
import { paginate } from './pagination.js'

/**
 * The service principals that can be trusted or delegated to, with how many delegated administrators each allows
 * (one for most services; CloudTrail and Config allow several).
 */
export const SUPPORTED_SERVICE_PRINCIPALS: ReadonlyMap<string, number> = new Map([
  ['access-analyzer.amazonaws.com', 1],
  ['account.amazonaws.com', 1],
  ['cloudtrail.amazonaws.com', 3],
  ['config.amazonaws.com', 3],
  ['config-multiaccountsetup.amazonaws.com', 3],
  ['guardduty.amazonaws.com', 1],
  ['iam.amazonaws.com', 1],
  ['inspector2.amazonaws.com', 1],
  ['malware-protection.guardduty.amazonaws.com', 1],
])

const NOT_REGISTERED = 'The specified account is not a delegated administrator for this AWS service.'

export function delegationOperations(deps: OrganizationsDeps) {
  const { database, clock } = deps
  return {
    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_RegisterDelegatedAdministrator.html
    async RegisterDelegatedAdministrator(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        const limit = requireSupported(input.ServicePrincipal)
        requireAllFeatures(scope)
        const member = await requireMember(tx, scope, input.AccountId)
        if (member.accountId === scope.management) {
          throw new ConstraintViolationException('You cannot register the management account as a delegated administrator.', { Reason: 'CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR' })
        }
        if (member.status !== 'ACTIVE') {
          throw new ConstraintViolationException('You cannot register a suspended account as a delegated administrator.', { Reason: 'CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR' })
        }
        if (!(await serviceAccessEnabled(tx, scope, input.ServicePrincipal))) {
          throw new ConstraintViolationException('Trusted access is not enabled for this service.', { Reason: 'SERVICE_ACCESS_NOT_ENABLED' })
        }
        const admins = await adminsOf(tx, scope, input.ServicePrincipal)
        if (admins.some((row) => row.admin_account_id === member.accountId)) {
          throw new AccountAlreadyRegisteredException('The provided account is already a delegated administrator for your organization.')
        }
        if (admins.length >= limit) {
          throw new ConstraintViolationException('You have reached the maximum number of delegated administrators for this service.', { Reason: 'MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED' })
        }
        await tx.insertInto('org_delegated_admins').values({
          account_id: scope.management, admin_account_id: member.accountId, service_principal: input.ServicePrincipal, enabled_at: clock.now().toISOString(),
        }).execute()
      })
    },

    async DeregisterDelegatedAdministrator(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        requireSupported(input.ServicePrincipal)
        await requireMember(tx, scope, input.AccountId)
        const result = await tx.deleteFrom('org_delegated_admins').where('account_id', '=', scope.management)
          .where('admin_account_id', '=', input.AccountId).where('service_principal', '=', input.ServicePrincipal).executeTakeFirst()
        if (Number(result.numDeletedRows) === 0) throw new AccountNotRegisteredException(NOT_REGISTERED)
      })
    },

    async ListDelegatedAdministrators(input, ctx) {
      const scope = await readScope(deps, ctx)
      if (input.ServicePrincipal !== undefined) requireSupported(input.ServicePrincipal)
      const rows = await adminsOf(database.db, scope, input.ServicePrincipal)
      // One entry per account, with the date of its first delegation.
      const first = new Map<string, string>()
      for (const row of rows) if (!first.has(row.admin_account_id) || row.enabled_at < first.get(row.admin_account_id)!) first.set(row.admin_account_id, row.enabled_at)
      const page = paginate([...first.keys()].sort(), input, (id) => id)
      const admins: DelegatedAdministrator[] = []
      for (const id of page.items) {
        const member = await orgStore(database.db).member(scope.management, id)
        if (member) admins.push({ ...toAccountShape(scope, member), DelegationEnabledDate: new Date(first.get(id)!) })
      }
      return { DelegatedAdministrators: admins, ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },

    async ListDelegatedServicesForAccount(input, ctx) {
      const scope = await readScope(deps, ctx)
      await requireMember(database.db, scope, input.AccountId)
      const rows = await database.db.selectFrom('org_delegated_admins').selectAll().where('account_id', '=', scope.management)
        .where('admin_account_id', '=', input.AccountId).orderBy('service_principal').execute()
      if (rows.length === 0) throw new AccountNotRegisteredException(NOT_REGISTERED)
      const page = paginate(rows, input, (row) => row.service_principal)
      return {
        DelegatedServices: page.items.map((row) => ({ ServicePrincipal: row.service_principal, DelegationEnabledDate: new Date(row.enabled_at) })),
        ...(page.NextToken !== undefined && { NextToken: page.NextToken }),
      }
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnableAWSServiceAccess.html
    async EnableAWSServiceAccess(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        requireSupported(input.ServicePrincipal)
        requireAllFeatures(scope)
        await tx.insertInto('org_service_access').values({ account_id: scope.management, service_principal: input.ServicePrincipal, enabled_at: clock.now().toISOString() })
          .onConflict((conflict) => conflict.columns(['account_id', 'service_principal']).doNothing()).execute()
      })
    },

    async DisableAWSServiceAccess(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        requireSupported(input.ServicePrincipal)
        await tx.deleteFrom('org_service_access').where('account_id', '=', scope.management).where('service_principal', '=', input.ServicePrincipal).execute()
      })
    },

    async ListAWSServiceAccessForOrganization(input, ctx) {
      const scope = await readScope(deps, ctx)
      const rows = await database.db.selectFrom('org_service_access').selectAll().where('account_id', '=', scope.management).orderBy('service_principal').execute()
      const page = paginate(rows, input, (row) => row.service_principal)
      return {
        EnabledServicePrincipals: page.items.map((row) => ({ ServicePrincipal: row.service_principal, DateEnabled: new Date(row.enabled_at) })),
        ...(page.NextToken !== undefined && { NextToken: page.NextToken }),
      }
    },
  } satisfies Partial<OrganizationsApi>
}

/** The number of delegated administrators the service allows; InvalidInputException for a service Palisade lacks. */
function requireSupported(servicePrincipal: string): number {
  const limit = SUPPORTED_SERVICE_PRINCIPALS.get(servicePrincipal)
  if (limit === undefined) throw new InvalidInputException('You specified an unrecognized service principal.', { Reason: 'UNRECOGNIZED_SERVICE_PRINCIPAL' })
  return limit
}

function requireAllFeatures(scope: OrgScope): void {
  if (scope.org.feature_set !== 'ALL') {
    throw new ConstraintViolationException('The organization must have all features enabled for this operation.', { Reason: 'ORGANIZATION_NOT_IN_ALL_FEATURES_MODE' })
  }
}

async function serviceAccessEnabled(db: Db, scope: OrgScope, servicePrincipal: string): Promise<boolean> {
  const row = await db.selectFrom('org_service_access').select('service_principal').where('account_id', '=', scope.management)
    .where('service_principal', '=', servicePrincipal).executeTakeFirst()
  return row !== undefined
}

function adminsOf(db: Db, scope: OrgScope, servicePrincipal: string | undefined) {
  let query = db.selectFrom('org_delegated_admins').selectAll().where('account_id', '=', scope.management)
  if (servicePrincipal !== undefined) query = query.where('service_principal', '=', servicePrincipal)
  return query.orderBy('admin_account_id').execute()
}
