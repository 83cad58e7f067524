// The Organizations service: the organization, its tree, accounts, policies, handshakes, delegated administrators and
// trusted access; and the organization index the authorization stage reads (SCPs, RCPs, org paths).
export {
  loadOrganizationIndex,
  notifyOrganizationChange,
  ORGANIZATIONS_CHANGED,
  type OrganizationFacts,
  type OrganizationIndex,
} from './organization-index.js'
