// TrailDeps: what every trail operation module receives.
import type { Clock } from '../../core/clock.js'
import type { Ids } from '../../core/ids.js'
import type { Database } from '../../storage/database.js'
import type { DigestSigningKeys } from './digest-keys.js'
import type { TrailDelivery } from './delivery.js'
import type { LogFileSink, TrailKmsKeys, TrailOrganizations } from './trail-ports.js'
import type { TrailIndex } from './trails-index.js'

export interface TrailDeps {
  readonly database: Database
  readonly clock: Clock
  readonly ids: Ids
  /** Every trail in memory, kept fresh by change notifications. */
  readonly trails: TrailIndex
  /** The S3 side: checks a bucket would accept CloudTrail's files, and writes them. */
  readonly sink: LogFileSink
  /** Resolves a trail's KmsKeyId; without it, KmsKeyId is refused as an unknown key. */
  readonly kmsKeys?: TrailKmsKeys
  /** Without it no account is in an organization, so IsOrganizationTrail is refused. */
  readonly organizations?: TrailOrganizations
  /** Buffers events per trail and writes log and digest files. */
  readonly delivery: TrailDelivery
  /** The per-region digest signing keys (ListPublicKeys). */
  readonly signingKeys: DigestSigningKeys
  /** Publishes the events of calls already made (the recorder's batch), so StopLogging and DeleteTrail see them. */
  readonly flushEvents?: () => Promise<void>
}
