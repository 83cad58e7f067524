// Versioning through the SDK: versions kept while Enabled, reads of a version, delete markers, ListObjectVersions,
// permanent deletes of a version, and the 'null' version of a suspended bucket.
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand,
  PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestPalisade } from '../support/palisade.js'
import { failure, startS3Palisade } from './s3-support.js'

let server: TestPalisade
let s3: S3Client
const BUCKET = 'core-versions'

beforeAll(async () => {
  ({ server, s3 } = await startS3Palisade({ buckets: [BUCKET] }))
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }))
})
afterAll(async () => server.stop())

describe('versioned objects', () => {
  it('keeps every version, reads each by id, and lists them newest first', async () => {
    const first = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'doc', Body: 'one' }))
    const second = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'doc', Body: 'two' }))
    expect(first.VersionId).toBeTruthy()
    expect(second.VersionId).not.toBe(first.VersionId)
    const latest = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc' }))
    expect(await latest.Body!.transformToString()).toBe('two')
    expect(latest.VersionId).toBe(second.VersionId)
    const old = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc', VersionId: first.VersionId }))
    expect(await old.Body!.transformToString()).toBe('one')
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'doc' }))
    expect(versions.Versions?.map((version) => [version.VersionId, version.IsLatest])).toEqual([[second.VersionId, true], [first.VersionId, false]])
  })

  it('hides a key behind a delete marker, answers 405 for the marker by id, and restores it when the marker is deleted', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'marked', Body: 'kept' }))
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'marked' }))
    expect(deleted.DeleteMarker).toBe(true)
    const hidden = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'marked' })))
    expect(hidden.name).toBe('NoSuchKey')
    const byId = await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'marked', VersionId: deleted.VersionId })))
    expect(byId.$metadata.httpStatusCode).toBe(405)
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'marked' }))
    expect(listed.DeleteMarkers?.map((marker) => [marker.VersionId, marker.IsLatest])).toEqual([[deleted.VersionId, true]])
    expect(listed.Versions?.[0]?.IsLatest).toBe(false)
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'marked', VersionId: deleted.VersionId }))
    const restored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'marked' }))
    expect(await restored.Body!.transformToString()).toBe('kept')
  })

  it('deletes one version permanently and answers NoSuchVersion for it afterwards', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'purged', Body: 'x' }))
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'purged', VersionId: put.VersionId }))
    const error = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'purged', VersionId: put.VersionId })))
    expect(error.name).toBe('NoSuchVersion')
  })

  it('pages through versions with key and version-id markers', async () => {
    for (const body of ['1', '2', '3']) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'paged', Body: body }))
    const first = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'paged', MaxKeys: 2 }))
    expect(first.IsTruncated).toBe(true)
    const second = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'paged', MaxKeys: 2, KeyMarker: first.NextKeyMarker, VersionIdMarker: first.NextVersionIdMarker }))
    expect(second.IsTruncated).toBe(false)
    expect([...first.Versions!, ...second.Versions!].map((version) => version.IsLatest)).toEqual([true, false, false])
  })
})

describe('suspended versioning', () => {
  it('overwrites the null version and keeps the versions made before', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'core-suspended' }))
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'core-suspended', VersioningConfiguration: { Status: 'Enabled' } }))
    const kept = await s3.send(new PutObjectCommand({ Bucket: 'core-suspended', Key: 'k', Body: 'versioned' }))
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'core-suspended', VersioningConfiguration: { Status: 'Suspended' } }))
    await s3.send(new PutObjectCommand({ Bucket: 'core-suspended', Key: 'k', Body: 'null-1' }))
    await s3.send(new PutObjectCommand({ Bucket: 'core-suspended', Key: 'k', Body: 'null-2' }))
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'core-suspended' }))
    expect(versions.Versions?.map((version) => version.VersionId)).toEqual(['null', kept.VersionId])
    const latest = await s3.send(new GetObjectCommand({ Bucket: 'core-suspended', Key: 'k' }))
    expect(await latest.Body!.transformToString()).toBe('null-2')
  })
})
