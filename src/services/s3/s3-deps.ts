// S3Deps: what every S3 operation module receives.
import type { Clock } from '../../core/clock.js'
import type { Ids } from '../../core/ids.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { Database } from '../../storage/database.js'
import type { KmsDataKeys } from '../kms/index.js'
import type { BucketIndex } from './bucket-index.js'
import type { ObjectCipher } from './encryption/object-cipher.js'
import type { ObjectFiles } from './object-files.js'

export interface S3Deps {
  readonly database: Database
  readonly clock: Clock
  readonly ids: Ids
  /** Seals per-object data keys under the root key. */
  readonly box: SecretBox
  /** Every bucket in memory, kept fresh by change notifications. */
  readonly buckets: BucketIndex
  /** Object bytes on disk under <data-dir>/s3. */
  readonly files: ObjectFiles
  /** Encrypts object bytes at rest (SSE-S3 here; S3-security adds SSE-KMS and SSE-C). */
  readonly cipher: ObjectCipher
  readonly partition: string
  /** KMS's data-key port for SSE-KMS; without it aws:kms writes are NotImplemented. */
  readonly kms?: KmsDataKeys
}
