// IamDeps: what every IAM operation module receives.
import type { Clock } from '../../core/clock.js'
import type { Ids } from '../../core/ids.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { Database } from '../../storage/database.js'
import type { PasswordChangeIndex } from './password-change-index.js'

export interface IamDeps {
  readonly database: Database
  readonly clock: Clock
  readonly ids: Ids
  /** Seals secrets at rest (secret access keys, MFA seeds) under the root key. */
  readonly box: SecretBox
  /**
   * Which accounts let users change their own password, for the authorization of ChangePassword and
   * GetAccountPasswordPolicy. Without it (router tests, the benchmark) only the caller's policies can allow them.
   */
  readonly passwordChanges?: PasswordChangeIndex
}
