// The STS service: temporary credentials (AssumeRole, GetSessionToken, GetFederationToken), web identity
// and SAML federation, and who a key or a caller is.
import { unsupportedOperations } from '../../core/unsupported-operations.js'
import type { StsApi } from '../../generated/sts/api.js'
import { accessKeyInfoOperations } from './access-key-info.js'
import { assumeRoleOperations } from './assume-role.js'
import { callerIdentityOperations } from './caller-identity.js'
import { decodeAuthorizationMessageOperations } from './decode-authorization-message.js'
import { samlOperations } from './saml.js'
import { sessionTokenOperations } from './session-tokens.js'
import type { StsDeps } from './sts-deps.js'
import { webIdentityOperations } from './web-identity.js'

export { stsAuthorization } from './authorization.js'
export { encodedAuthorizationMessages, type AuthorizationDetails, type AuthorizationMessages } from './encoded-authorization.js'
export { resealStsSessions } from './reseal-secrets.js'
export { loadOidcProviderIndex, type OidcProviderIndex } from './oidc-provider-index.js'
export { loadSessionIndex, type SessionIndex } from './session-index.js'
export { loadTrustIndex, type TrustIndex } from './trust-index.js'
export type { OidcKeySources, StsDeps } from './sts-deps.js'

export function stsService(deps: StsDeps): StsApi {
  return {
    ...callerIdentityOperations(),
    ...assumeRoleOperations(deps),
    ...sessionTokenOperations(deps),
    ...accessKeyInfoOperations(deps),
    ...webIdentityOperations(deps),
    ...samlOperations(deps),
    ...(deps.authorizationMessages
      ? decodeAuthorizationMessageOperations({ authorizationMessages: deps.authorizationMessages })
      : unsupportedOperations('sts', ['DecodeAuthorizationMessage'])),
  }
}
