// Writing one log file or one digest file for a trail, and recording the outcome: the trail's delivery status
// (GetTrailStatus) and its digest chain (the log files since the last digest, the last digest's hash and signature).
import { gzipSync } from 'node:zlib'
import type { Clock } from '../../core/clock.js'
import type { Ids } from '../../core/ids.js'
import type { Database } from '../../storage/database.js'
import { HASH_ALGORITHM, SIGNATURE_ALGORITHM, sha256Hex, signDigest, type DigestFile, type DigestLogFile } from './digest.js'
import type { DigestSigningKeys, SigningKey } from './digest-keys.js'
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

/**
 * Writes the digest of a chain (the log files since its previous digest, signed and chained to it) when `due` says
 * its period is over. The chain is advanced in the transaction that reads it, before the file is written, so two
 * processes sharing the database never both sign a successor of one digest; a refused file puts the chain back.
 */
export async function deliverDigest(deps: DeliveryFileDeps, trail: Trail, chainKey: ChainKey, due: (start: Date) => boolean): Promise<void> {
  const signingKey = await deps.signingKeys.current(chainKey.region)
  const claimed = await deps.database.transaction(async (tx) => {
    const store = trailStore(tx)
    const chain = await store.chain(chainKey)
    if (!chain || !due(new Date(chain.digest_start_time))) return undefined
    const built = buildDigest(trail, chain, signingKey, deps.clock.now())
    await store.putChain({
      ...chain,
      digest_start_time: built.end.toISOString(),
      previous_digest_bucket: trail.s3BucketName,
      previous_digest_key: built.key,
      previous_digest_hash: sha256Hex(built.content),
      previous_digest_signature: built.signature,
      pending_log_files: '[]',
    })
    return { chain, ...built }
  })
  if (!claimed) return
  const error = await put(deps, trail, claimed.key, gzipSync(claimed.content), { signature: claimed.signature, 'signature-algorithm': SIGNATURE_ALGORITHM })
  await deps.database.transaction(async (tx) => {
    const store = trailStore(tx)
    if (error === undefined) {
      await store.update(trail.accountId, trail.homeRegion, trail.name, { latest_digest_delivery_time: deps.clock.now().toISOString(), latest_digest_delivery_error: null })
    } else {
      await store.update(trail.accountId, trail.homeRegion, trail.name, { latest_digest_delivery_error: error })
      const current = await store.chain(chainKey)
      if (current && current.previous_digest_key === claimed.key) {
        // Back to before this digest, with the log files delivered since kept pending too.
        await store.putChain({ ...claimed.chain, pending_log_files: JSON.stringify([...pendingFiles(claimed.chain), ...pendingFiles(current)]) })
      }
    }
    await notifyTrailChange(deps.database, trail.accountId)
  })
}

function buildDigest(trail: Trail, chain: CloudTrailDigestChainRow, signingKey: SigningKey, now: Date): { key: string; end: Date; content: string; signature: string } {
  const start = new Date(chain.digest_start_time)
  // Second precision: a digest never ends where the previous one ended, so two never share a key.
  const end = new Date(Math.max(Math.floor(now.getTime() / 1000) * 1000, Math.floor(start.getTime() / 1000) * 1000 + 1000))
  const key = digestFileKey(fileOwner(trail, { accountId: chain.log_account_id, region: chain.region }), trail, end)
  const files = pendingFiles(chain)
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
  return { key, end, content, signature: signDigest(digest, content, signingKey.privateKey) }
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
