// Accounts joining and leaving an organization: the rows, attachments, tags and registrations that go with them.
import { ConstraintViolationException, MasterCannotLeaveOrganizationException } from '../../generated/organizations/errors.js'
import type { Db } from '../../storage/schema.js'
import { attachDefaultPolicies } from './default-attachments.js'
import type { OrgScope } from './org-access.js'
import { orgStore } from './org-store.js'
import { policyStore } from './policy-store.js'
import { dropTags } from './tags.js'

/** Inside a transaction: the account joins at the root, with the default policies of the enabled types. */
export async function joinOrganization(tx: Db, scope: OrgScope, accountId: string, method: 'INVITED' | 'CREATED', at: Date): Promise<void> {
  await orgStore(tx).insertMember({ account_id: scope.management, member_account_id: accountId, parent_id: scope.org.root_id, joined_method: method, joined_at: at.toISOString() })
  await attachDefaultPolicies(tx, scope, accountId)
}

/**
 * Inside a transaction: the account leaves (RemoveAccountFromOrganization, LeaveOrganization). The management
 * account cannot, and a delegated administrator must be deregistered first
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_RemoveAccountFromOrganization.html).
 */
export async function leaveOrganization(tx: Db, scope: OrgScope, accountId: string): Promise<void> {
  if (accountId === scope.management) {
    throw new MasterCannotLeaveOrganizationException(
      "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account.",
    )
  }
  // A closed account stays in its organization (AWS keeps it there, SUSPENDED, until it is gone for good): leaving
  // would also let its refused credentials work again.
  const member = await orgStore(tx).member(scope.management, accountId)
  if (member && member.status !== 'ACTIVE') {
    throw new ConstraintViolationException('A closed account cannot leave or be removed from its organization.', { Reason: 'ACCOUNT_CANNOT_LEAVE_ORGANIZATION' })
  }
  const delegated = await tx.selectFrom('org_delegated_admins').select('service_principal')
    .where('account_id', '=', scope.management).where('admin_account_id', '=', accountId).executeTakeFirst()
  if (delegated) {
    throw new ConstraintViolationException('You cannot remove an account that is a delegated administrator. Deregister it first.', { Reason: 'CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG' })
  }
  await orgStore(tx).deleteMember(scope.management, accountId)
  await policyStore(tx).detachAllFrom(scope.management, accountId)
  await dropTags(tx, scope, accountId)
}
