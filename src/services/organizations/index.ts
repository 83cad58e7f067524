// The Organizations service: the organization, its tree, accounts, policies, handshakes, delegated administrators and
// trusted access; and the organization index the authorization stage reads (SCPs, RCPs, org paths).
import { unsupportedOperations } from '../../core/unsupported-operations.js'
import type { OrganizationsApi } from '../../generated/organizations/api.js'
import { accountOperations } from './accounts.js'
import { attachmentOperations } from './attachments.js'
import { delegationOperations } from './delegation.js'
import { effectivePolicyOperations } from './effective-policy.js'
import { handshakeOperations } from './handshakes.js'
import type { OrganizationsDeps } from './org-deps.js'
import { organizationOperations } from './organization.js'
import { policyOperations } from './policies.js'
import { tagOperations } from './tags.js'
import { unitOperations } from './units.js'

export { organizationsAuthorization } from './authorization.js'
export type { OrganizationsDeps } from './org-deps.js'
export {
  loadOrganizationIndex,
  notifyOrganizationChange,
  ORGANIZATIONS_CHANGED,
  type OrganizationFacts,
  type OrganizationIndex,
} from './organization-index.js'

export function organizationsService(deps: OrganizationsDeps): OrganizationsApi {
  return {
    ...organizationOperations(deps),
    ...unitOperations(deps),
    ...accountOperations(deps),
    ...handshakeOperations(deps),
    ...policyOperations(deps),
    ...attachmentOperations(deps),
    ...effectivePolicyOperations(deps),
    ...tagOperations(deps),
    ...delegationOperations(deps),
    // GovCloud accounts and the organization's resource-based policy are outside what Palisade models.
    ...unsupportedOperations('organizations', ['CreateGovCloudAccount', 'PutResourcePolicy', 'DescribeResourcePolicy', 'DeleteResourcePolicy']),
  }
}
