// The STS service: GetCallerIdentity now; role assumption and federation arrive with the STS issue.
import { unsupportedOperations } from '../../core/unsupported-operations.js'
import type { StsApi } from '../../generated/sts/api.js'
import { callerIdentityOperations } from './caller-identity.js'

export { stsAuthorization } from './authorization.js'

export function stsService(): StsApi {
  return {
    ...callerIdentityOperations(),
    ...unsupportedOperations('sts', [
      'AssumeRole',
      'AssumeRoleWithSAML',
      'AssumeRoleWithWebIdentity',
      'DecodeAuthorizationMessage',
      'GetAccessKeyInfo',
      'GetFederationToken',
      'GetSessionToken',
    ]),
  }
}
