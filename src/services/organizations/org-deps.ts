// OrganizationsDeps: what every Organizations operation module receives.
import type { Clock } from '../../core/clock.js'
import type { Ids } from '../../core/ids.js'
import type { Database } from '../../storage/database.js'
import type { OrganizationIndex } from './organization-index.js'

export interface OrganizationsDeps {
  readonly database: Database
  readonly clock: Clock
  readonly ids: Ids
  /** Every account's organization in memory, for the authorization table's ARNs. */
  readonly organizations: OrganizationIndex
}
