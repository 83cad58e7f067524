// The delivery port CloudTrail writes through: the bucket policy decides for the service principal
// cloudtrail.amazonaws.com, under aws:SourceArn/aws:SourceAccount and s3:x-amz-acl bucket-owner-full-control.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../src/core/clock.js'
import { randomIds } from '../../src/core/ids.js'
import { secretBox } from '../../src/crypto/secret-box.js'
import { bucketStore, cloudTrailDelivery, loadBucketIndex, objectStore, openS3Storage, trailBucketPolicy, type BucketIndex, type DeliveryPort, type S3Deps } from '../../src/services/s3/index.js'
import { openDatabase, type Database } from '../../src/storage/database.js'
import { privateAcl } from '../../src/services/s3/access/acl.js'

const ACCOUNT = '123456789012'
const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`
let dir: string
let database: Database
let buckets: BucketIndex
let deps: S3Deps
let port: DeliveryPort

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-delivery-'))
  database = await openDatabase({ url: join(dir, 'palisade.db') })
  buckets = await loadBucketIndex(database)
  const box = secretBox(randomBytes(32))
  const storage = await openS3Storage(dir, database, box, randomIds)
  deps = { database, clock: systemClock, ids: randomIds, box, buckets, files: storage.files, cipher: storage.cipher, partition: 'aws' }
  await database.transaction((tx) => bucketStore(database).insertBucket(tx, {
    name: 'trail-logs', account_id: ACCOUNT, region: 'us-east-1', created_at: new Date().toISOString(), versioning: '',
    policy: null, acl: JSON.stringify(privateAcl(ACCOUNT)), public_access_block: null, ownership_controls: null, encryption: null, tags: null,
  }))
  await buckets.settled()
  port = cloudTrailDelivery(deps)
})
afterAll(async () => {
  await buckets.close()
  await database.close()
  rmSync(dir, { recursive: true, force: true })
})

async function setPolicy(policy: string | null): Promise<void> {
  await database.transaction((tx) => bucketStore(database).updateBucketConfig(tx, 'trail-logs', { policy }))
  await buckets.settled()
}

describe('cloudTrailDelivery', () => {
  it('reports a missing bucket, and a bucket without a policy for the service', async () => {
    expect(await port.refusal('no-such-bucket', TRAIL, ACCOUNT)).toBe('NoSuchBucket')
    expect(await port.refusal('trail-logs', TRAIL, ACCOUNT)).toBe('AccessDenied')
  })

  it('accepts the documented trail bucket policy for its trail, not for another trail or another key prefix', async () => {
    await setPolicy(trailBucketPolicy('trail-logs', TRAIL, ACCOUNT))
    expect(await port.refusal('trail-logs', TRAIL, ACCOUNT)).toBeUndefined()
    expect(await port.refusal('trail-logs', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/other`, ACCOUNT)).toBe('AccessDenied')
    expect(await port.refusal('trail-logs', TRAIL, ACCOUNT, 'prefix')).toBe('AccessDenied')
  })

  it('writes the file as the bucket owner\'s object, encrypted, and refuses a write the policy does not cover', async () => {
    const key = `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11/22/${ACCOUNT}_CloudTrail_us-east-1_20261122T0000Z_abc.json.gz`
    await port.put({ bucket: 'trail-logs', key, body: Buffer.from('{"Records":[]}'), sourceArn: TRAIL, sourceAccount: ACCOUNT, metadata: { signature: 'abc' } })
    const stored = await objectStore(database.db).latest('trail-logs', key)
    expect(stored?.ownerAccountId).toBe(ACCOUNT)
    expect(stored?.encryption.ServerSideEncryption).toBe('AES256')
    expect(stored?.metadata).toEqual({ signature: 'abc' })
    const chunks: Buffer[] = []
    for await (const chunk of deps.files.read(stored!.segments, 0, stored!.size)) chunks.push(chunk)
    expect(Buffer.concat(chunks).toString()).toBe('{"Records":[]}')

    await expect(port.put({ bucket: 'trail-logs', key: 'elsewhere/file', body: Buffer.from('x'), sourceArn: TRAIL, sourceAccount: ACCOUNT }))
      .rejects.toMatchObject({ refusal: 'AccessDenied' })
    await setPolicy(null)
    await expect(port.put({ bucket: 'trail-logs', key, body: Buffer.from('x'), sourceArn: TRAIL, sourceAccount: ACCOUNT })).rejects.toMatchObject({ refusal: 'AccessDenied' })
  })
})
