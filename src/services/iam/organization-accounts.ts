// Accounts that AWS Organizations creates (CreateAccount): the account with its root user — no password and no
// access keys, as AWS creates it — and the role through which the management account administers it.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_create-cross-account-role.html
import type { Database } from '../../storage/database.js'
import type { Db } from '../../storage/schema.js'
import { accountStore } from './account-store.js'
import { attachmentStore } from './attachments-store.js'
import { AWS_POLICY_ARN_PREFIX } from './aws-managed-policies.js'
import { iamArn, nameKey, ROOT_PATH } from './iam-names.js'
import { DEFAULT_MAX_SESSION_DURATION, insertRole, notifyRoleChange } from './roles.js'
import { roleStore } from './roles-store.js'
import { serviceLinkedRole, serviceRolePath } from './service-linked-roles.js'

export interface OrganizationAccountSpec {
  readonly accountId: string
  readonly name: string
  readonly email: string
  readonly createdAt: Date
  readonly partition: string
  /** OrganizationAccountAccessRole unless CreateAccount named another. */
  readonly roleName: string
  /** AROA… */
  readonly roleId: string
  /** The account the role trusts. */
  readonly managementAccountId: string
}

/** Inside `tx`: inserts the account and its administrator role trusting the management account. */
export async function createOrganizationAccount(database: Database, tx: Db, spec: OrganizationAccountSpec): Promise<void> {
  await accountStore(tx).insertAccount({ accountId: spec.accountId, name: spec.name, email: spec.email, status: 'ACTIVE', createdAt: spec.createdAt })
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:${spec.partition}:iam::${spec.managementAccountId}:root` }, Action: 'sts:AssumeRole' }],
  }
  const role = {
    accountId: spec.accountId,
    roleName: spec.roleName,
    roleId: spec.roleId,
    path: ROOT_PATH,
    arn: iamArn(spec.partition, spec.accountId, 'role', ROOT_PATH, spec.roleName),
    createdAt: spec.createdAt,
    assumeRolePolicy: JSON.stringify(trust),
    maxSessionDuration: DEFAULT_MAX_SESSION_DURATION,
    serviceLinked: false,
  }
  await insertRole(tx, role)
  await attachmentStore(tx).attach({ kind: 'role', accountId: spec.accountId, key: nameKey(spec.roleName) }, `${AWS_POLICY_ARN_PREFIX}AdministratorAccess`, spec.createdAt)
  await notifyRoleChange(database, role)
}

/** Inside `tx`: a row for an account known only by its id (a permissive-mode caller), so it can join an organization. */
export async function ensureAccountRecord(tx: Db, accountId: string, createdAt: Date): Promise<void> {
  const store = accountStore(tx)
  if (await store.getAccount(accountId)) return
  await store.insertAccount({ accountId, name: `Account ${accountId}`, email: `root@${accountId}.palisade.invalid`, status: 'ACTIVE', createdAt })
}

/** Inside `tx`: an account's status as Organizations reports it (ACTIVE, PENDING_CLOSURE, SUSPENDED). */
export async function setAccountStatus(tx: Db, accountId: string, status: 'ACTIVE' | 'SUSPENDED'): Promise<void> {
  await tx.updateTable('accounts').set({ status }).where('account_id', '=', accountId).execute()
}

/** The service-linked role AWS Organizations keeps in every account of an organization. */
export const ORGANIZATIONS_SERVICE_ROLE = { service: 'organizations.amazonaws.com', name: 'AWSServiceRoleForOrganizations' } as const

export function organizationsServiceRoleArn(partition: string, accountId: string): string {
  return iamArn(partition, accountId, 'role', serviceRolePath(ORGANIZATIONS_SERVICE_ROLE.service), ORGANIZATIONS_SERVICE_ROLE.name)
}

/**
 * Inside `tx`: AWSServiceRoleForOrganizations in the account, unless it has it already — made when the account
 * creates an organization, is created by one or accepts an invitation
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services.html#orgs_integrate_services-using_slrs).
 */
export async function ensureOrganizationsServiceRole(database: Database, tx: Db, spec: { accountId: string; partition: string; roleId: string; createdAt: Date }): Promise<void> {
  if (await roleStore(tx).get(spec.accountId, ORGANIZATIONS_SERVICE_ROLE.name)) return
  const role = serviceLinkedRole({ ...spec, serviceName: ORGANIZATIONS_SERVICE_ROLE.service, roleName: ORGANIZATIONS_SERVICE_ROLE.name })
  await insertRole(tx, role)
  await notifyRoleChange(database, role)
}
