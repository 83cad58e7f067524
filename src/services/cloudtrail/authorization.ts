// What the event-history operations touch, for the authorization stage: LookupEvents has no resource type
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html).
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { CloudtrailApi } from '../../generated/cloudtrail/api.js'

export const lookupAuthorization: AuthorizationTable<Pick<CloudtrailApi, 'LookupEvents'>> = {
  LookupEvents: () => ({ action: 'cloudtrail:LookupEvents', resources: ['*'] }),
}
