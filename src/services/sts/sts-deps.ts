// StsDeps: what every STS operation module receives.
import type { Clock } from '../../core/clock.js'
import type { Ids } from '../../core/ids.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { Database } from '../../storage/database.js'
import type { AuthorizationMessages } from './encoded-authorization.js'
import type { OidcProviderIndex } from './oidc-provider-index.js'
import type { SessionIndex } from './session-index.js'
import type { TrustIndex } from './trust-index.js'

export interface StsDeps {
  readonly database: Database
  readonly clock: Clock
  readonly ids: Ids
  /** Seals session secrets at rest under the root key. */
  readonly box: SecretBox
  readonly sessions: SessionIndex
  readonly trust: TrustIndex
  /** Every access key, long-term and temporary: GetAccessKeyInfo's answer. */
  readonly credentials: { find(accessKeyId: string): { readonly caller: { readonly accountId: string } } | undefined }
  /** Web identity: where to get each OIDC issuer's signing keys. */
  readonly oidc?: OidcKeySources
  /** Which issuers have an IAM OIDC provider, so that an unknown issuer is refused before the trust decision. */
  readonly oidcProviders?: OidcProviderIndex
  /** Opens the encoded messages of denied EC2 calls (DecodeAuthorizationMessage); without it the operation is 501. */
  readonly authorizationMessages?: AuthorizationMessages
}

/**
 * Signing keys for web identity tokens, by issuer URL (`https://token.actions.example.com`): a local JWKS file path
 * or a JWKS URL, used instead of the issuer's discovery document (offline use, tests). Issuers not listed are
 * looked up through `<issuer>/.well-known/openid-configuration`.
 */
export type OidcKeySources = Readonly<Record<string, string>>
