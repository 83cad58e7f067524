// Whether an organization trusts CloudTrail (EnableAWSServiceAccess for cloudtrail.amazonaws.com), read from the
// organization's service-access rows that services/organizations writes.
import type { Database } from '../../storage/database.js'

export function cloudTrailTrustedAccess(database: Database): (managementAccountId: string) => Promise<boolean> {
  return async (managementAccountId) => {
    const row = await database.db.selectFrom('org_service_access').select('service_principal')
      .where('account_id', '=', managementAccountId).where('service_principal', '=', 'cloudtrail.amazonaws.com').executeTakeFirst()
    return row !== undefined
  }
}
