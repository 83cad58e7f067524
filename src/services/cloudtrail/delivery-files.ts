// Writing one log file or one digest file for a trail, and recording the outcome: the trail's delivery status
// (GetTrailStatus) and its digest chain (the log files since the last digest, the last digest's hash and signature).
import { gzipSync } from 'node:zlib'
import type { Clock } from '../../core/clock.js'
import type { Ids } from '../../core/ids.js'
import type { Database } from '../../storage/database.js'
import { HASH_ALGORITHM, SIGNATURE_ALGORITHM, sha256Hex, signDigest, type DigestFile, type DigestLogFile } from './digest.js'
import type { DigestSigningKeys } from './digest-keys.js'
import { digestFileKey, digestTime, logFileKey, type FileOwner } from './delivery-keys.js'
import type { LogFileSink, TrailEvent } from './trail-ports.js'
import { notifyTrailChange } from './trails-index.js'
import { trailStore, type ChainKey, type CloudTrailDigestChainRow, type Trail, type TrailRowPatch } from './trails-store.js'

export interface DeliveryFileDeps {
  readonly database: Database
  readonly clock: Clock
  readonly ids: Ids
  readonly sink: LogFileSink
  readonly signingKeys: DigestSigningKeys
}

const UNIQUE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Writes `events` as one gzipped `{"Records":[…]}` file; false (and the error in the trail's status) when refused. */
export async function deliverLogFile(deps: DeliveryFileDeps, trail: Trail, owner: FileOwner, events: readonly TrailEvent[]): Promise<boolean> {
  const now = deps.clock.now()
  const content = JSON.stringify({ Records: events })
  const key = logFileKey(fileOwner(trail, owner), now, uniqueSuffix(deps.ids))
  const error = await put(deps, trail, key, gzipSync(content))
  const times = events.map((event) => event.eventTime).sort()
  const file: DigestLogFile = {
    s3Bucket: trail.s3BucketName, s3Object: key, hashValue: sha256Hex(content), hashAlgorithm: HASH_ALGORITHM,
    oldestEventTime: digestTime(new Date(times[0]!)), newestEventTime: digestTime(new Date(times.at(-1)!)),
  }
  await deps.database.transaction(async (tx) => {
    const store = trailStore(tx)
    const status: TrailRowPatch = error === undefined
      ? { latest_delivery_time: now.toISOString(), latest_delivery_attempt_time: now.toISOString(), latest_delivery_error: null }
      : { latest_delivery_attempt_time: now.toISOString(), latest_delivery_error: error }
    await store.update(trail.accountId, trail.homeRegion, trail.name, status)
    if (error === undefined && trail.logFileValidationEnabled) {
      const chainKey = toChainKey(trail, owner)
      const chain = (await store.chain(chainKey)) ?? newChain(chainKey, trail.startLoggingTime ?? now)
      await store.putChain({ ...chain, pending_log_files: JSON.stringify([...pendingFiles(chain), file]) })
    }
    await notifyTrailChange(deps.database, trail.accountId)
  })
  return error === undefined
}

/** Opens the trail's chain for its home region and own account, so digests start with logging even before any log file. */
export async function openChain(deps: Pick<DeliveryFileDeps, 'database'>, trail: Trail, at: Date): Promise<void> {
  const chainKey = toChainKey(trail, { accountId: trail.accountId, region: trail.homeRegion })
  await deps.database.transaction(async (tx) => {
    if (!(await trailStore(tx).chain(chainKey))) await trailStore(tx).putChain(newChain(chainKey, at))
  })
}

/** Writes the digest of `chain` (the log files since the previous digest), signed and chained to the previous one. */
export async function deliverDigest(deps: DeliveryFileDeps, trail: Trail, chain: CloudTrailDigestChainRow): Promise<boolean> {
  const start = new Date(chain.digest_start_time)
  // Second precision: a digest never ends where the previous one ended, so two never share a key.
  const end = new Date(Math.max(Math.floor(deps.clock.now().getTime() / 1000) * 1000, Math.floor(start.getTime() / 1000) * 1000 + 1000))
  const owner: FileOwner = { accountId: chain.log_account_id, region: chain.region }
  const key = digestFileKey(fileOwner(trail, owner), trail, end)
  const files = pendingFiles(chain)
  const signingKey = await deps.signingKeys.current(chain.region)
  const times = files.flatMap((file) => [file.oldestEventTime, file.newestEventTime]).sort()
  const digest: DigestFile = {
    awsAccountId: chain.log_account_id,
    digestStartTime: digestTime(start),
    digestEndTime: digestTime(end),
    digestS3Bucket: trail.s3BucketName,
    digestS3Object: key,
    digestPublicKeyFingerprint: signingKey.fingerprint,
    digestSignatureAlgorithm: SIGNATURE_ALGORITHM,
    newestEventTime: times.at(-1) ?? null,
    oldestEventTime: times[0] ?? null,
    previousDigestS3Bucket: chain.previous_digest_bucket,
    previousDigestS3Object: chain.previous_digest_key,
    previousDigestHashValue: chain.previous_digest_hash,
    previousDigestHashAlgorithm: chain.previous_digest_hash === null ? null : HASH_ALGORITHM,
    previousDigestSignature: chain.previous_digest_signature,
    logFiles: files,
  }
  const content = JSON.stringify(digest)
  const signature = signDigest(digest, content, signingKey.privateKey)
  const error = await put(deps, trail, key, gzipSync(content), { signature, 'signature-algorithm': SIGNATURE_ALGORITHM })
  await deps.database.transaction(async (tx) => {
    const store = trailStore(tx)
    const now = deps.clock.now().toISOString()
    if (error !== undefined) {
      await store.update(trail.accountId, trail.homeRegion, trail.name, { latest_digest_delivery_error: error })
    } else {
      await store.update(trail.accountId, trail.homeRegion, trail.name, { latest_digest_delivery_time: now, latest_digest_delivery_error: null })
      // Re-read: a log file delivered while this digest was written stays pending for the next one.
      const current = (await store.chain(chain)) ?? chain
      const covered = new Set(files.map((file) => file.s3Object))
      await store.putChain({
        ...current,
        digest_start_time: end.toISOString(),
        previous_digest_bucket: trail.s3BucketName,
        previous_digest_key: key,
        previous_digest_hash: sha256Hex(content),
        previous_digest_signature: signature,
        pending_log_files: JSON.stringify(pendingFiles(current).filter((file) => !covered.has(file.s3Object))),
      })
    }
    await notifyTrailChange(deps.database, trail.accountId)
  })
  return error === undefined
}

/** The S3 error code when the bucket refuses the object (AccessDenied, NoSuchBucket), else undefined. */
async function put(deps: DeliveryFileDeps, trail: Trail, key: string, body: Uint8Array, metadata?: Record<string, string>): Promise<string | undefined> {
  try {
    await deps.sink.put({
      bucket: trail.s3BucketName, key, body, sourceArn: trail.arn, sourceAccount: trail.accountId,
      ...(trail.kmsKeyId !== undefined && { kmsKeyId: trail.kmsKeyId }),
      ...(metadata && { metadata }),
    })
    return undefined
  } catch (error) {
    // The sink's error says why the bucket refused (NoSuchBucket, AccessDenied); anything else is our failure.
    const refusal = (error as { refusal?: unknown } | undefined)?.refusal
    return refusal === 'NoSuchBucket' || refusal === 'AccessDenied' ? refusal : 'InternalError'
  }
}

function fileOwner(trail: Trail, owner: FileOwner): FileOwner {
  return {
    ...owner,
    ...(trail.s3KeyPrefix !== undefined && { prefix: trail.s3KeyPrefix }),
    ...(trail.isOrganizationTrail && trail.organizationId !== undefined && { organizationId: trail.organizationId }),
  }
}

function toChainKey(trail: Trail, owner: Pick<FileOwner, 'accountId' | 'region'>): ChainKey {
  return { account_id: trail.accountId, home_region: trail.homeRegion, trail_name: trail.name, region: owner.region, log_account_id: owner.accountId }
}

function newChain(key: ChainKey, start: Date): CloudTrailDigestChainRow {
  return {
    ...key, digest_start_time: start.toISOString(), previous_digest_bucket: null, previous_digest_key: null,
    previous_digest_hash: null, previous_digest_signature: null, pending_log_files: '[]',
  }
}

function pendingFiles(chain: CloudTrailDigestChainRow): DigestLogFile[] {
  return JSON.parse(chain.pending_log_files) as DigestLogFile[]
}

function uniqueSuffix(ids: Ids): string {
  return [...ids.bytes(16)].map((byte) => UNIQUE_ALPHABET[byte % UNIQUE_ALPHABET.length]).join('')
}
