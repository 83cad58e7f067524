// The trail operations through @aws-sdk/client-cloudtrail against a started Palisade: lifecycle, AWS's errors,
// selectors, tags, insight selectors, public keys, and delivery into a real bucket through its policy.
import {
  AddTagsCommand, CreateTrailCommand, DeleteTrailCommand, DescribeTrailsCommand, GetEventSelectorsCommand, GetInsightSelectorsCommand,
  GetTrailCommand, GetTrailStatusCommand, ListPublicKeysCommand, ListTagsCommand, ListTrailsCommand, PutEventSelectorsCommand,
  RemoveTagsCommand, StartLoggingCommand, StopLoggingCommand, UpdateTrailCommand, type CloudTrailClient,
} from '@aws-sdk/client-cloudtrail'
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam'
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms'
import { DeleteBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { cloudTrailClient, listKeys, readGzipJson, s3Client, trailBucket } from './trails-e2e-support.js'

const ACCOUNT = '000000000000'
const arnOf = (name: string) => `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${name}`

describe('trails through the SDK', () => {
  let palisade: TestPalisade
  let cloudtrail: CloudTrailClient
  let s3: S3Client
  beforeAll(async () => {
    palisade = await startTestPalisade()
    cloudtrail = cloudTrailClient(palisade)
    s3 = s3Client(palisade)
  })
  afterAll(() => palisade.stop())

  const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure') }, (error: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => error)

  it.each([
    { name: 'shorter than 3 characters', trail: 'ab' },
    { name: 'starting with a dash', trail: '-trail' },
    { name: 'with two adjacent separators', trail: 'my--trail' },
    { name: 'with a space', trail: 'my trail' },
    { name: 'formatted as an IP address', trail: '192.168.5.4' },
  ])('refuses a trail name $name with InvalidTrailNameException', async ({ trail }) => {
    const error = await failure(cloudtrail.send(new CreateTrailCommand({ Name: trail, S3BucketName: 'whatever-bucket' })))
    expect(error.name).toBe('InvalidTrailNameException')
    expect(error.$metadata.httpStatusCode).toBe(400)
  })

  it('refuses a bucket that does not exist, and one whose policy does not let CloudTrail write', async () => {
    expect((await failure(cloudtrail.send(new CreateTrailCommand({ Name: 'nobucket', S3BucketName: 'no-such-bucket-here' })))).name)
      .toBe('S3BucketDoesNotExistException')
    await trailBucket(s3, 'no-policy-bucket', ACCOUNT, 'nopolicy', false)
    const error = await failure(cloudtrail.send(new CreateTrailCommand({ Name: 'nopolicy', S3BucketName: 'no-policy-bucket' })))
    expect(error.name).toBe('InsufficientS3BucketPolicyException')
    expect(error.message).toBe('Incorrect S3 bucket policy is detected for bucket: no-policy-bucket')
  })

  it('creates, reads, lists, updates and deletes a trail', async () => {
    await trailBucket(s3, 'lifecycle-bucket', ACCOUNT, 'lifecycle')
    const created = await cloudtrail.send(new CreateTrailCommand({ Name: 'lifecycle', S3BucketName: 'lifecycle-bucket', TagsList: [{ Key: 'team', Value: 'sec' }] }))
    expect(created).toMatchObject({
      Name: 'lifecycle', S3BucketName: 'lifecycle-bucket', TrailARN: arnOf('lifecycle'), IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: false, LogFileValidationEnabled: false, IsOrganizationTrail: false,
    })
    expect((await failure(cloudtrail.send(new CreateTrailCommand({ Name: 'lifecycle', S3BucketName: 'lifecycle-bucket' })))).name).toBe('TrailAlreadyExistsException')

    const { Trail } = await cloudtrail.send(new GetTrailCommand({ Name: arnOf('lifecycle') }))
    expect(Trail).toMatchObject({ Name: 'lifecycle', HomeRegion: 'us-east-1', HasCustomEventSelectors: false, HasInsightSelectors: false })
    const { trailList } = await cloudtrail.send(new DescribeTrailsCommand({ trailNameList: ['lifecycle'] }))
    expect(trailList!.map((trail) => trail.TrailARN)).toEqual([arnOf('lifecycle')])
    const { Trails } = await cloudtrail.send(new ListTrailsCommand({}))
    expect(Trails).toContainEqual({ TrailARN: arnOf('lifecycle'), Name: 'lifecycle', HomeRegion: 'us-east-1' })
    expect(await cloudtrail.send(new GetTrailStatusCommand({ Name: 'lifecycle' }))).toMatchObject({ IsLogging: false })

    const updated = await cloudtrail.send(new UpdateTrailCommand({ Name: 'lifecycle', EnableLogFileValidation: true, IsMultiRegionTrail: true }))
    expect(updated).toMatchObject({ LogFileValidationEnabled: true, IsMultiRegionTrail: true })
    const multiRegionWithoutGlobal = await failure(cloudtrail.send(new UpdateTrailCommand({ Name: 'lifecycle', IncludeGlobalServiceEvents: false })))
    expect(multiRegionWithoutGlobal.name).toBe('InvalidParameterCombinationException')

    await cloudtrail.send(new DeleteTrailCommand({ Name: 'lifecycle' }))
    const gone = await failure(cloudtrail.send(new GetTrailCommand({ Name: 'lifecycle' })))
    expect(gone.name).toBe('TrailNotFoundException')
    expect(gone.message).toBe(`Unknown trail: ${arnOf('lifecycle')} for the user: ${ACCOUNT}`)
  })

  it('keeps basic or advanced event selectors and refuses invalid ones', async () => {
    await trailBucket(s3, 'selectors-bucket', ACCOUNT, 'selectors')
    await cloudtrail.send(new CreateTrailCommand({ Name: 'selectors', S3BucketName: 'selectors-bucket' }))
    expect(await cloudtrail.send(new GetEventSelectorsCommand({ TrailName: 'selectors' }))).toMatchObject({
      TrailARN: arnOf('selectors'),
      EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }],
    })
    const basic = [{ ReadWriteType: 'All' as const, IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data-bucket/'] }] }]
    await cloudtrail.send(new PutEventSelectorsCommand({ TrailName: 'selectors', EventSelectors: basic }))
    expect((await cloudtrail.send(new GetEventSelectorsCommand({ TrailName: 'selectors' }))).EventSelectors).toMatchObject(basic)
    expect((await cloudtrail.send(new GetTrailCommand({ Name: 'selectors' }))).Trail!.HasCustomEventSelectors).toBe(true)

    const advanced = [{ Name: 'kms writes', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }] }]
    await cloudtrail.send(new PutEventSelectorsCommand({ TrailName: 'selectors', AdvancedEventSelectors: advanced }))
    const read = await cloudtrail.send(new GetEventSelectorsCommand({ TrailName: 'selectors' }))
    expect(read.AdvancedEventSelectors).toEqual(advanced)
    expect(read.EventSelectors).toBeUndefined()

    const both = await failure(cloudtrail.send(new PutEventSelectorsCommand({ TrailName: 'selectors', EventSelectors: basic, AdvancedEventSelectors: advanced })))
    expect(both.name).toBe('InvalidParameterCombinationException')
    const badType = await failure(cloudtrail.send(new PutEventSelectorsCommand({ TrailName: 'selectors', EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Bucket', Values: ['arn:aws:s3'] }] }] })))
    expect(badType.name).toBe('InvalidEventSelectorsException')
    const sixSelectors = Array.from({ length: 6 }, () => ({ ReadWriteType: 'All' as const }))
    expect((await failure(cloudtrail.send(new PutEventSelectorsCommand({ TrailName: 'selectors', EventSelectors: sixSelectors })))).name).toBe('InvalidEventSelectorsException')
    expect((await failure(cloudtrail.send(new PutEventSelectorsCommand({ TrailName: 'missing', EventSelectors: basic })))).name).toBe('TrailNotFoundException')
  })

  it('tags a trail, and answers InsightNotEnabledException for its insight selectors', async () => {
    await trailBucket(s3, 'tags-bucket', ACCOUNT, 'tagged')
    await cloudtrail.send(new CreateTrailCommand({ Name: 'tagged', S3BucketName: 'tags-bucket', TagsList: [{ Key: 'a', Value: '1' }] }))
    await cloudtrail.send(new AddTagsCommand({ ResourceId: arnOf('tagged'), TagsList: [{ Key: 'b', Value: '2' }] }))
    await cloudtrail.send(new RemoveTagsCommand({ ResourceId: arnOf('tagged'), TagsList: [{ Key: 'a' }] }))
    const { ResourceTagList } = await cloudtrail.send(new ListTagsCommand({ ResourceIdList: [arnOf('tagged')] }))
    expect(ResourceTagList).toEqual([{ ResourceId: arnOf('tagged'), TagsList: [{ Key: 'b', Value: '2' }] }])
    expect((await failure(cloudtrail.send(new AddTagsCommand({ ResourceId: arnOf('tagged'), TagsList: [{ Key: 'aws:x', Value: '1' }] })))).name)
      .toBe('InvalidTagParameterException')
    expect((await failure(cloudtrail.send(new ListTagsCommand({ ResourceIdList: [arnOf('nothing')] })))).name).toBe('ResourceNotFoundException')
    expect((await failure(cloudtrail.send(new GetInsightSelectorsCommand({ TrailName: 'tagged' })))).name).toBe('InsightNotEnabledException')
  })

  it('lists the region public key with its MD5 fingerprint', async () => {
    const { PublicKeyList } = await cloudtrail.send(new ListPublicKeysCommand({}))
    expect(PublicKeyList).toHaveLength(1)
    const [key] = PublicKeyList!
    expect(key!.Fingerprint).toBe(createHash('md5').update(key!.Value!).digest('hex'))
    expect(key!.ValidityStartTime!.getTime()).toBeLessThanOrEqual(Date.now())
    expect(key!.ValidityEndTime!.getTime()).toBeGreaterThan(Date.now())
    const reversed = await failure(cloudtrail.send(new ListPublicKeysCommand({ StartTime: new Date(), EndTime: new Date(Date.now() - 3_600_000) })))
    expect(reversed.name).toBe('InvalidTimeRangeException')
  })

  it('encrypts log files with the trail KMS key once its key policy lets CloudTrail use it', async () => {
    const kms = new KMSClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
    const rootStatement = { Sid: 'root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }
    const ownerOnly = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!
    await trailBucket(s3, 'kms-trail-bucket', ACCOUNT, 'encrypted')
    const refused = await failure(cloudtrail.send(new CreateTrailCommand({ Name: 'encrypted', S3BucketName: 'kms-trail-bucket', KmsKeyId: ownerOnly.KeyId })))
    expect(refused.name).toBe('InsufficientEncryptionPolicyException')
    expect((await failure(cloudtrail.send(new CreateTrailCommand({ Name: 'encrypted', S3BucketName: 'kms-trail-bucket', KmsKeyId: 'alias/none' })))).name)
      .toBe('KmsKeyNotFoundException')

    // AWS's documented key policy statement for CloudTrail (create-kms-key-policy-for-cloudtrail.html).
    const forCloudTrail = (await kms.send(new CreateKeyCommand({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [rootStatement, {
      Sid: 'cloudtrail', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*', Resource: '*',
      Condition: { StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` }, StringEquals: { 'aws:SourceArn': arnOf('encrypted') } },
    }] }) }))).KeyMetadata!
    const created = await cloudtrail.send(new CreateTrailCommand({ Name: 'encrypted', S3BucketName: 'kms-trail-bucket', KmsKeyId: forCloudTrail.KeyId }))
    expect(created.KmsKeyId).toBe(forCloudTrail.Arn)
    await cloudtrail.send(new StartLoggingCommand({ Name: 'encrypted' }))
    await new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 }).send(new CreateUserCommand({ UserName: 'encrypted-user' }))
    await cloudtrail.send(new StopLoggingCommand({ Name: 'encrypted' }))
    const [key] = await listKeys(s3, 'kms-trail-bucket', `AWSLogs/${ACCOUNT}/CloudTrail/`)
    const read = await readGzipJson<{ Records: unknown[] }>(s3, 'kms-trail-bucket', key!)
    expect(read).toMatchObject({ encryption: 'aws:kms', kmsKeyId: forCloudTrail.Arn })
    expect(read.json.Records.length).toBeGreaterThan(0)
  })

  it('delivers encrypted log files when the key policy limits CloudTrail to S3 in the region (kms:ViaService)', async () => {
    const kms = new KMSClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
    const rootStatement = { Sid: 'root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }
    await trailBucket(s3, 'via-trail-bucket', ACCOUNT, 'via-s3')
    const viaS3 = (await kms.send(new CreateKeyCommand({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [rootStatement, {
      Sid: 'cloudtrail', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*', Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    }] }) }))).KeyMetadata!
    await cloudtrail.send(new CreateTrailCommand({ Name: 'via-s3', S3BucketName: 'via-trail-bucket', KmsKeyId: viaS3.KeyId }))
    await cloudtrail.send(new StartLoggingCommand({ Name: 'via-s3' }))
    await new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 }).send(new CreateUserCommand({ UserName: 'via-s3-user' }))
    await cloudtrail.send(new StopLoggingCommand({ Name: 'via-s3' }))
    const [key] = await listKeys(s3, 'via-trail-bucket', `AWSLogs/${ACCOUNT}/CloudTrail/`)
    expect(key).toBeDefined()
    expect(await readGzipJson(s3, 'via-trail-bucket', key!)).toMatchObject({ encryption: 'aws:kms', kmsKeyId: viaS3.Arn })
  })

  it('refuses an organization trail outside an organization', async () => {
    await trailBucket(s3, 'org-bucket', ACCOUNT, 'org')
    const error = await failure(cloudtrail.send(new CreateTrailCommand({ Name: 'org', S3BucketName: 'org-bucket', IsOrganizationTrail: true })))
    expect(error.name).toBe('OrganizationsNotInUseException')
  })

  it('delivers the calls made while logging into the bucket, and shows a bucket policy that stops it in GetTrailStatus', async () => {
    await trailBucket(s3, 'delivery-bucket', ACCOUNT, 'delivery')
    await cloudtrail.send(new CreateTrailCommand({ Name: 'delivery', S3BucketName: 'delivery-bucket' }))
    await cloudtrail.send(new StartLoggingCommand({ Name: 'delivery' }))
    const iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
    await iam.send(new CreateUserCommand({ UserName: 'delivered-user' }))
    await cloudtrail.send(new StopLoggingCommand({ Name: 'delivery' }))

    const keys = await listKeys(s3, 'delivery-bucket', `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/`)
    expect(keys.length).toBeGreaterThan(0)
    const records = (await Promise.all(keys.map((key) => readGzipJson<{ Records: { eventName: string; requestParameters: unknown }[] }>(s3, 'delivery-bucket', key))))
      .flatMap((file) => file.json.Records)
    expect(records.find((record) => record.eventName === 'CreateUser')?.requestParameters).toEqual({ userName: 'delivered-user' })
    const status = await cloudtrail.send(new GetTrailStatusCommand({ Name: 'delivery' }))
    expect(status).toMatchObject({ IsLogging: false })
    expect(status.LatestDeliveryTime).toBeInstanceOf(Date)
    expect(status.LatestDeliveryError).toBeUndefined()

    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'delivery-bucket' }))
    await cloudtrail.send(new StartLoggingCommand({ Name: 'delivery' }))
    await iam.send(new CreateUserCommand({ UserName: 'undelivered-user' }))
    await cloudtrail.send(new StopLoggingCommand({ Name: 'delivery' }))
    expect((await cloudtrail.send(new GetTrailStatusCommand({ Name: 'delivery' }))).LatestDeliveryError).toBe('AccessDenied')
  })
})
