// The organization port of the authorization stage: where an account sits in an AWS Organizations tree and which
// SCPs and RCPs apply to it. services/organizations keeps it as an in-memory index, updated on change.
import type { CompiledPolicy } from '../policy/index.js'

export interface OrganizationPolicySource {
  /** The organization an account belongs to; undefined for an account outside any organization. */
  membership(accountId: string): OrganizationMembership | undefined
}

export interface OrganizationMembership {
  readonly organizationId: string
  readonly managementAccountId: string
  /**
   * aws:PrincipalOrgPaths / aws:ResourceOrgPaths: `o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/` from the root down to the
   * account's parent (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths).
   */
  readonly orgPath: string
  /**
   * Service control policies per level, root first, then each OU down to the account, compiled as `scp`; undefined
   * when the policy type is not enabled on the root (or the organization has only consolidated billing). The
   * management account is never restricted: its membership carries none.
   */
  readonly scps?: readonly (readonly CompiledPolicy[])[]
  /** Resource control policies per level, like `scps`, compiled as `rcp`. */
  readonly rcps?: readonly (readonly CompiledPolicy[])[]
  /**
   * The account was closed (CloseAccount: PENDING_CLOSURE, then SUSPENDED): authentication refuses its credentials
   * as AWS refuses a closed account's keys (InvalidClientTokenId).
   */
  readonly closed?: boolean
}
