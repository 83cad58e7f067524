// What each STS operation touches, for the authorization stage
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html).
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { StsApi } from '../../generated/sts/api.js'

export const stsAuthorization: AuthorizationTable<StsApi> = {
  AssumeRole: (input) => ({ action: 'sts:AssumeRole', resources: [input.RoleArn] }),
  AssumeRoleWithSAML: (input) => ({ action: 'sts:AssumeRoleWithSAML', resources: [input.RoleArn] }),
  AssumeRoleWithWebIdentity: (input) => ({ action: 'sts:AssumeRoleWithWebIdentity', resources: [input.RoleArn] }),
  DecodeAuthorizationMessage: () => ({ action: 'sts:DecodeAuthorizationMessage', resources: ['*'] }),
  // "No permissions are required to perform this operation" for both (STS API reference).
  GetAccessKeyInfo: () => ({ action: 'sts:GetAccessKeyInfo', resources: ['*'], requiresPermission: false }),
  GetCallerIdentity: () => ({ action: 'sts:GetCallerIdentity', resources: ['*'], requiresPermission: false }),
  GetFederationToken: (input, call) => ({
    action: 'sts:GetFederationToken',
    resources: [`arn:${call.partition}:sts::${call.accountId}:federated-user/${input.Name}`],
  }),
  GetSessionToken: () => ({ action: 'sts:GetSessionToken', resources: ['*'] }),
}
