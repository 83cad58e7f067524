// Writing a new version of a key as the bucket's versioning state says: a fresh version id while versioning is
// Enabled, the single 'null' version otherwise (replaced by each write), and delete markers the same way
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html).
import type { Clock } from '../../core/clock.js'
import type { Ids } from '../../core/ids.js'
import type { Database } from '../../storage/database.js'
import type { Bucket } from './bucket-index.js'
import type { ObjectFiles } from './object-files.js'
import { objectStore, type StoredObject } from './object-store.js'

export const NULL_VERSION = 'null'

export interface VersionStamp {
  readonly versionId: string
  readonly sequence: string
  /** Whether the write replaces the key's 'null' version. */
  readonly replacesNull: boolean
}

let counter = 0

/** The version id and ordering stamp of a new write to `bucket`. */
export function newVersion(bucket: Bucket, clock: Clock, ids: Ids): VersionStamp {
  counter = (counter + 1) % 1_000_000
  // Time first, then a per-process counter: versions of a key sort newest first even within one millisecond.
  const sequence = `${clock.now().getTime().toString().padStart(15, '0')}.${counter.toString().padStart(6, '0')}.${ids.bytes(4).toString('hex')}`
  if (bucket.versioning === 'Enabled') return { versionId: ids.bytes(24).toString('base64url'), sequence, replacesNull: false }
  return { versionId: NULL_VERSION, sequence, replacesNull: true }
}

/**
 * Commits `object` as the key's latest version once its data files are durable; afterwards deletes the files of a
 * 'null' version it replaced. If the commit fails, the new files are removed and nothing changed.
 */
export async function commitVersion(database: Database, files: ObjectFiles, object: StoredObject, replacesNull: boolean): Promise<void> {
  let freed: string[]
  try {
    freed = await database.transaction((tx) => objectStore(tx).insertLatest(object, replacesNull))
  } catch (error) {
    await files.remove(object.segments.map((segment) => segment.file))
    throw error
  }
  await files.remove(freed)
}

/** Whether responses name the version: once versioning was ever enabled on the bucket. */
export function reportsVersions(bucket: Bucket): boolean {
  return bucket.versioning !== undefined
}
