// Data events (S3 object calls) are recorded only for a logging trail whose selectors select them, as in AWS: without
// one, an upload and a download leave nothing in the event store nor in LookupEvents; with one, the trail's log files
// hold them, and event history still does not (it holds management events only).
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
import { CreateTrailCommand, LookupEventsCommand, PutEventSelectorsCommand, StartLoggingCommand, StopLoggingCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail'
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decodeRecords } from '../../src/services/cloudtrail/event-store.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { lookupAll } from './cloudtrail-support.js'
import { cloudTrailClient, listKeys, readGzipJson, s3Client, trailBucket } from './trails-e2e-support.js'

const ACCOUNT = '000000000000'

describe('data events', () => {
  let palisade: TestPalisade
  let cloudtrail: CloudTrailClient
  let s3: S3Client
  beforeEach(async () => {
    palisade = await startTestPalisade()
    cloudtrail = cloudTrailClient(palisade)
    s3 = s3Client(palisade)
    await s3.send(new CreateBucketCommand({ Bucket: 'data' }))
  })
  afterEach(() => palisade.stop())

  const uploadAndDownload = async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'reports/q1.txt', Body: 'numbers' }))
    await (await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'reports/q1.txt' }))).Body!.transformToString()
  }

  /** The event names stored in the server's event store, management and data events alike. */
  const storedEventNames = async (): Promise<string[]> => {
    await cloudtrail.send(new LookupEventsCommand({ MaxResults: 1 })) // writes what is still waiting for its batch
    const database = new Database(join(palisade.dataDir, 'palisade.db'), { readonly: true })
    try {
      const rows = database.prepare('SELECT records FROM cloudtrail_event_batches').all() as { records: string }[]
      return rows.flatMap((row) => decodeRecords(row.records).split('\n').map((line) => (JSON.parse(line) as { eventName: string }).eventName))
    } finally {
      database.close()
    }
  }

  it('records no S3 object call without a trail selecting data events, in the store or in event history', async () => {
    await trailBucket(s3, 'logs', ACCOUNT, 'management-only')
    await cloudtrail.send(new CreateTrailCommand({ Name: 'management-only', S3BucketName: 'logs' }))
    await cloudtrail.send(new StartLoggingCommand({ Name: 'management-only' }))
    await uploadAndDownload()
    await s3.send(new CreateBucketCommand({ Bucket: 'made-while-logging' })) // a management event the trail logs

    const stored = await storedEventNames()
    expect(stored).toContain('CreateBucket')
    expect(stored).not.toContain('PutObject')
    expect(stored).not.toContain('GetObject')
    const history = await lookupAll(cloudtrail, { AttributeKey: 'EventSource', AttributeValue: 's3.amazonaws.com' })
    expect(history.map((record) => record.eventName)).not.toEqual(expect.arrayContaining(['PutObject']))
    expect(history.every((record) => record.eventCategory === 'Management')).toBe(true)

    await cloudtrail.send(new StopLoggingCommand({ Name: 'management-only' }))
    const delivered = await deliveredRecords('logs')
    expect(delivered.map((record) => `${record.eventName} ${record.requestParameters?.bucketName}`)).toContain('CreateBucket made-while-logging')
    expect(delivered.filter((record) => record.eventCategory === 'Data')).toEqual([])
  })

  it('delivers the S3 object calls a trail selects to its log files, and keeps them out of event history', async () => {
    await trailBucket(s3, 'logs', ACCOUNT, 'with-data')
    await cloudtrail.send(new CreateTrailCommand({ Name: 'with-data', S3BucketName: 'logs' }))
    await cloudtrail.send(new PutEventSelectorsCommand({
      TrailName: 'with-data',
      EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data/'] }] }],
    }))
    await cloudtrail.send(new StartLoggingCommand({ Name: 'with-data' }))
    await uploadAndDownload()
    await s3.send(new PutObjectCommand({ Bucket: 'logs', Key: 'elsewhere.txt', Body: 'not selected' }))

    expect(await lookupAll(cloudtrail, { AttributeKey: 'EventName', AttributeValue: 'PutObject' })).toEqual([])
    await cloudtrail.send(new StopLoggingCommand({ Name: 'with-data' }))
    const data = (await deliveredRecords('logs')).filter((record) => record.eventCategory === 'Data')
    expect(data.map((record) => `${record.eventName} ${record.resources[0].ARN}`).sort()).toEqual([
      'GetObject arn:aws:s3:::data/reports/q1.txt',
      'PutObject arn:aws:s3:::data/reports/q1.txt',
    ])
    expect(data[0]).toMatchObject({ eventSource: 's3.amazonaws.com', managementEvent: false, recipientAccountId: ACCOUNT, requestParameters: { bucketName: 'data', key: 'reports/q1.txt' } })
  })

  /** Every record of the trail log files in `bucket`. */
  async function deliveredRecords(bucket: string): Promise<Record<string, any>[]> {
    const keys = await listKeys(s3, bucket, `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/`)
    const files = await Promise.all(keys.map((key) => readGzipJson<{ Records: Record<string, any>[] }>(s3, bucket, key)))
    return files.flatMap((file) => file.json.Records)
  }
})
