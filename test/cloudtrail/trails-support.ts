// Test support for the trail suites: trails running on an in-memory database with fakes for the S3 bucket (a map
// that can refuse), the recorded events (emit by hand), KMS keys and organizations, and a caller context.
import { randomBytes } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import { fixedClock } from '../../src/core/clock.js'
import { sequentialIds } from '../../src/core/ids.js'
import { silentLogger } from '../../src/core/logger.js'
import type { OperationContext } from '../../src/core/operation.js'
import { secretBox } from '../../src/crypto/secret-box.js'
import {
  LogFileDeliveryError, startTrails, trailHandlers, type DeliveryRefusal, type LogFileObject, type LogFileSink, type TrailEvent,
  type TrailEventSource, type TrailRuntime,
} from '../../src/services/cloudtrail/trail-service.js'
import type { LogBucketReader } from '../../src/services/cloudtrail/validate-logs.js'
import { openDatabase, type Database } from '../../src/storage/database.js'

export const ACCOUNT = '111122223333'
export const REGION = 'us-east-1'

export interface StoredObject {
  body: Uint8Array
  readonly metadata: Readonly<Record<string, string>>
  readonly kmsKeyId?: string
}

/** A bucket store: `refuse` makes a bucket answer as missing or denying; `objects` is bucket → key → object. */
export function fakeBucket() {
  const objects = new Map<string, Map<string, StoredObject>>()
  const refusals = new Map<string, DeliveryRefusal>()
  const sink: LogFileSink = {
    async put(object: LogFileObject) {
      const refusal = refusals.get(object.bucket) ?? (objects.has(object.bucket) ? undefined : 'NoSuchBucket')
      if (refusal) throw new LogFileDeliveryError(refusal, `refused by ${object.bucket}`)
      objects.get(object.bucket)!.set(object.key, { body: object.body, metadata: object.metadata ?? {}, ...(object.kmsKeyId && { kmsKeyId: object.kmsKeyId }) })
    },
    async refusal(bucket) {
      return refusals.get(bucket) ?? (objects.has(bucket) ? undefined : 'NoSuchBucket')
    },
  }
  const reader: LogBucketReader = {
    async list(bucket, prefix) {
      return [...(objects.get(bucket)?.keys() ?? [])].filter((key) => key.startsWith(prefix)).sort()
    },
    async get(bucket, key) {
      const object = objects.get(bucket)?.get(key)
      return object && { body: object.body, metadata: object.metadata }
    },
  }
  return {
    sink,
    reader,
    objects,
    create: (bucket: string) => objects.set(bucket, new Map()),
    refuse: (bucket: string, refusal: DeliveryRefusal | undefined) => (refusal ? refusals.set(bucket, refusal) : refusals.delete(bucket)),
    keys: (bucket: string, prefix = '') => [...(objects.get(bucket)?.keys() ?? [])].filter((key) => key.startsWith(prefix)).sort(),
    json: (bucket: string, key: string) => JSON.parse(gunzipSync(objects.get(bucket)!.get(key)!.body).toString('utf8')) as Record<string, unknown>,
  }
}

export function fakeEvents(): TrailEventSource & { emit(event: TrailEvent): void } {
  const listeners = new Set<(event: TrailEvent) => void>()
  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    emit: (event) => listeners.forEach((listener) => listener(event)),
  }
}

export function managementEvent(eventName: string, overrides: Partial<TrailEvent> = {}): TrailEvent {
  return {
    eventVersion: '1.09', eventTime: '2026-11-22T10:00:00Z', eventSource: 'iam.amazonaws.com', eventName, awsRegion: REGION,
    recipientAccountId: ACCOUNT, readOnly: eventName.startsWith('Get') || eventName.startsWith('List'), managementEvent: true,
    eventCategory: 'Management', eventType: 'AwsApiCall', userIdentity: { arn: `arn:aws:iam::${ACCOUNT}:root` },
    ...overrides,
  }
}

export function s3ObjectEvent(eventName: string, bucket: string, key: string, overrides: Partial<TrailEvent> = {}): TrailEvent {
  return managementEvent(eventName, {
    eventSource: 's3.amazonaws.com', managementEvent: false, eventCategory: 'Data', readOnly: eventName.startsWith('Get'),
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
      { type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}`, accountId: ACCOUNT },
    ],
    ...overrides,
  })
}

export interface TrailsUnderTest {
  readonly database: Database
  readonly runtime: TrailRuntime
  readonly api: ReturnType<typeof trailHandlers>
  readonly bucket: ReturnType<typeof fakeBucket>
  readonly events: ReturnType<typeof fakeEvents>
  readonly clock: ReturnType<typeof fixedClock>
  ctx(accountId?: string, region?: string): OperationContext
  close(): Promise<void>
}

/** Trails on a fresh in-memory database; `organizations` maps member account → [organization id, management account]. */
export async function startTrailsUnderTest(options: { organizations?: Record<string, [string, string]>; kmsKeys?: Record<string, boolean> } = {}): Promise<TrailsUnderTest> {
  const database = await openDatabase({ url: ':memory:' })
  const clock = fixedClock('2026-11-22T10:00:00Z')
  const bucket = fakeBucket()
  const events = fakeEvents()
  const runtime = await startTrails({
    database, clock, ids: sequentialIds(), box: secretBox(randomBytes(32)), log: silentLogger, partition: 'aws', sink: bucket.sink, events,
    // Timers far away: tests deliver by calling deliver(), StopLogging or close().
    delivery: { logIntervalMs: 3_600_000, digestIntervalMs: 3_600_000 },
    kmsKeys: {
      resolve: (keyId, accountId) => {
        const enabled = options.kmsKeys?.[keyId]
        return enabled === undefined ? undefined : { arn: `arn:aws:kms:${REGION}:${accountId}:key/${keyId}`, usable: enabled }
      },
    },
    organizations: {
      membership: (accountId) => {
        const found = options.organizations?.[accountId]
        return found && { organizationId: found[0], managementAccountId: found[1] }
      },
    },
  })
  return {
    database, runtime, bucket, events, clock,
    api: trailHandlers(runtime.deps),
    ctx: (accountId = ACCOUNT, region = REGION) => ({
      caller: { type: 'Root', arn: `arn:aws:iam::${accountId}:root`, accountId, userId: accountId },
      accountId, region, partition: 'aws', requestId: 'test',
    }),
    async close() {
      await runtime.close()
      await database.close()
    },
  }
}
