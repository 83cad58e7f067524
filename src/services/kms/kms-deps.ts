// KmsDeps: what every KMS operation module receives.
import type { Clock } from '../../core/clock.js'
import type { Ids } from '../../core/ids.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { Database } from '../../storage/database.js'
import type { KeyIndex } from './key-index.js'

export interface KmsDeps {
  readonly database: Database
  readonly clock: Clock
  readonly ids: Ids
  /** Seals key material at rest under the root key. */
  readonly box: SecretBox
  /** Every key in memory, kept fresh by change notifications. */
  readonly keys: KeyIndex
}
