// S3 buckets through the SDK: create (name rules, Region, already exists), head, list, location, delete, tags, versioning.
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteBucketTaggingCommand, GetBucketLocationCommand, GetBucketTaggingCommand,
  GetBucketVersioningCommand, HeadBucketCommand, ListBucketsCommand, PutBucketTaggingCommand, PutBucketVersioningCommand,
  PutObjectCommand, DeleteObjectCommand, S3Client,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { failure, startS3Palisade } from './s3-support.js'

let server: TestPalisade
let s3: S3Client

beforeAll(async () => { ({ server, s3 } = await startS3Palisade()) })
afterAll(async () => server.stop())

describe('CreateBucket', () => {
  it('creates a bucket that HeadBucket, ListBuckets and GetBucketLocation then see', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'core-first' }))
    const head = await s3.send(new HeadBucketCommand({ Bucket: 'core-first' }))
    expect(head.BucketRegion).toBe('us-east-1')
    const list = await s3.send(new ListBucketsCommand({}))
    expect(list.Buckets?.map((bucket) => bucket.Name)).toContain('core-first')
    expect(list.Owner?.ID).toMatch(/^[0-9a-f]{64}$/)
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'core-first' }))
    expect(location.LocationConstraint ?? null).toBeNull()
  })

  it.each([
    { name: 'upper case', bucket: 'Core-Upper' },
    { name: 'too short', bucket: 'ab' },
    { name: 'adjacent dots', bucket: 'core..dots' },
    { name: 'an IP address', bucket: '192.168.5.4' },
    { name: 'the xn-- prefix', bucket: 'xn--core' },
    { name: 'the -s3alias suffix', bucket: 'core-s3alias' },
  ])('refuses a name with $name (InvalidBucketName)', async ({ bucket }) => {
    const error = await failure(s3.send(new CreateBucketCommand({ Bucket: bucket })))
    expect(error.name).toBe('InvalidBucketName')
    expect(error.$metadata.httpStatusCode).toBe(400)
  })

  it('refuses a LocationConstraint for another Region', async () => {
    const error = await failure(s3.send(new CreateBucketCommand({ Bucket: 'core-elsewhere', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })))
    expect(error.name).toBe('IllegalLocationConstraintException')
  })

  it('succeeds again for the owner in us-east-1 (legacy behaviour) and keeps the bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'core-taken' }))
    await s3.send(new PutBucketTaggingCommand({ Bucket: 'core-taken', Tagging: { TagSet: [{ Key: 'kept', Value: 'yes' }] } }))
    await s3.send(new CreateBucketCommand({ Bucket: 'core-taken' }))
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: 'core-taken' }))).TagSet).toEqual([{ Key: 'kept', Value: 'yes' }])
  })
})

describe('CreateBucket outside us-east-1, with two accounts', () => {
  // --auth permissive: a 12-digit access key id signs as that account's root, so two accounts need no IAM set-up.
  let regional: TestPalisade
  const as = (accountId: string) => new S3Client({
    endpoint: regional.url, region: 'eu-west-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: accountId, secretAccessKey: 'unused' },
  })
  beforeAll(async () => {
    regional = await startTestPalisade(['--auth', 'permissive', '--region', 'eu-west-1'])
  })
  afterAll(async () => regional.stop())

  it('creates in the endpoint Region, then answers BucketAlreadyOwnedByYou to the owner and BucketAlreadyExists to another account', async () => {
    const config = { LocationConstraint: 'eu-west-1' as const }
    await as('111111111111').send(new CreateBucketCommand({ Bucket: 'core-regional', CreateBucketConfiguration: config }))
    const location = await as('111111111111').send(new GetBucketLocationCommand({ Bucket: 'core-regional' }))
    expect(location.LocationConstraint).toBe('eu-west-1')
    const again = await failure(as('111111111111').send(new CreateBucketCommand({ Bucket: 'core-regional', CreateBucketConfiguration: config })))
    expect(again.name).toBe('BucketAlreadyOwnedByYou')
    expect(again.$metadata.httpStatusCode).toBe(409)
    const other = await failure(as('222222222222').send(new CreateBucketCommand({ Bucket: 'core-regional', CreateBucketConfiguration: config })))
    expect(other.name).toBe('BucketAlreadyExists')
    expect(other.$metadata.httpStatusCode).toBe(409)
    expect((await as('222222222222').send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([])
  })
})

describe('HeadBucket', () => {
  it('answers 404 without a body for a missing bucket', async () => {
    const error = await failure(s3.send(new HeadBucketCommand({ Bucket: 'core-missing' })))
    expect(error.$metadata.httpStatusCode).toBe(404)
    expect(error.name).toBe('NotFound')
  })
})

describe('DeleteBucket', () => {
  it('refuses a bucket that holds an object (BucketNotEmpty), then deletes it once empty', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'core-delete' }))
    await s3.send(new PutObjectCommand({ Bucket: 'core-delete', Key: 'a.txt', Body: 'a' }))
    const error = await failure(s3.send(new DeleteBucketCommand({ Bucket: 'core-delete' })))
    expect(error.name).toBe('BucketNotEmpty')
    expect(error.$metadata.httpStatusCode).toBe(409)
    await s3.send(new DeleteObjectCommand({ Bucket: 'core-delete', Key: 'a.txt' }))
    await s3.send(new DeleteBucketCommand({ Bucket: 'core-delete' }))
    const gone = await failure(s3.send(new DeleteBucketCommand({ Bucket: 'core-delete' })))
    expect(gone.name).toBe('NoSuchBucket')
  })
})

describe('bucket tags', () => {
  it('puts, gets and deletes a tag set; a missing one is NoSuchTagSet', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'core-tags' }))
    expect((await failure(s3.send(new GetBucketTaggingCommand({ Bucket: 'core-tags' })))).name).toBe('NoSuchTagSet')
    await s3.send(new PutBucketTaggingCommand({ Bucket: 'core-tags', Tagging: { TagSet: [{ Key: 'team', Value: 'red' }, { Key: 'env', Value: 'dev' }] } }))
    const got = await s3.send(new GetBucketTaggingCommand({ Bucket: 'core-tags' }))
    expect(got.TagSet).toEqual([{ Key: 'team', Value: 'red' }, { Key: 'env', Value: 'dev' }])
    await s3.send(new DeleteBucketTaggingCommand({ Bucket: 'core-tags' }))
    expect((await failure(s3.send(new GetBucketTaggingCommand({ Bucket: 'core-tags' })))).name).toBe('NoSuchTagSet')
  })

  it('refuses duplicate keys and aws: keys (InvalidTag)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'core-badtags' }))
    const duplicate = await failure(s3.send(new PutBucketTaggingCommand({ Bucket: 'core-badtags', Tagging: { TagSet: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] } })))
    expect(duplicate.name).toBe('InvalidTag')
    const reserved = await failure(s3.send(new PutBucketTaggingCommand({ Bucket: 'core-badtags', Tagging: { TagSet: [{ Key: 'aws:x', Value: '1' }] } })))
    expect(reserved.name).toBe('InvalidTag')
  })
})

describe('bucket versioning', () => {
  it('reports no status until enabled, then Enabled and Suspended', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'core-versioning' }))
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'core-versioning' }))).Status).toBeUndefined()
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'core-versioning', VersioningConfiguration: { Status: 'Enabled' } }))
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'core-versioning' }))).Status).toBe('Enabled')
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'core-versioning', VersioningConfiguration: { Status: 'Suspended' } }))
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'core-versioning' }))).Status).toBe('Suspended')
  })
})
