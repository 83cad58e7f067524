// openS3Storage: the object files and cipher S3 needs, with the orphan sweep every start runs.
import type { Ids } from '../../core/ids.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { Database } from '../../storage/database.js'
import { objectCipher, type EnvelopeKeys, type ObjectCipher } from './encryption/object-cipher.js'
import { objectFiles, type ObjectFiles } from './object-files.js'
import { objectStore } from './object-store.js'

export interface S3Storage {
  readonly files: ObjectFiles
  readonly cipher: ObjectCipher
  /** Deletes temporary files and data files no row names; run at start and after a reset. */
  sweepOrphans(): Promise<number>
}

/** `kms` (KMS's data-key port) makes SSE-KMS objects writable and readable. */
export async function openS3Storage(dataDir: string, database: Database, box: SecretBox, ids: Ids, kms?: EnvelopeKeys): Promise<S3Storage> {
  const cipher = objectCipher(box, ids, kms)
  const files = await objectFiles(dataDir, cipher, ids)
  const sweepOrphans = async () => files.sweep(new Set(await objectStore(database.db).referencedFiles()))
  await sweepOrphans()
  return { files, cipher, sweepOrphans }
}
