// How many accounts an organization may hold, and the check CreateAccount and InviteAccountToOrganization share.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
import { ConstraintViolationException } from '../../generated/organizations/errors.js'
import type { Db } from '../../storage/schema.js'
import type { OrgScope } from './org-access.js'
import { orgStore } from './org-store.js'

/**
 * AWS starts an organization at 10 accounts and raises the quota on request; Palisade applies the highest figure
 * AWS documents granting (10,000), so large organizations can be modelled without a quota request.
 */
export const MAX_ACCOUNTS = 10_000

/** Inside a transaction: ConstraintViolationException when members plus open (unexpired) invitations reach the quota. */
export async function checkAccountLimit(tx: Db, scope: OrgScope, now: Date): Promise<void> {
  const members = await orgStore(tx).countMembers(scope.management)
  const invited = await tx.selectFrom('org_handshakes').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', scope.management).where('action', '=', 'INVITE').where('state', '=', 'OPEN').where('expires_at', '>', now.toISOString())
    .executeTakeFirstOrThrow()
  if (members + Number(invited.n) >= MAX_ACCOUNTS) {
    throw new ConstraintViolationException('You have reached the maximum number of accounts allowed in the organization.', { Reason: 'ACCOUNT_NUMBER_LIMIT_EXCEEDED' })
  }
}
