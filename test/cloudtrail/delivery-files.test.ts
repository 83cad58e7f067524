// Trail delivery with a fake bucket: which events reach a trail's log files, the key layout, SSE-KMS, delivery
// errors in GetTrailStatus, and signed, chained digest files.
import { createHash } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { digestSignatureValid, type DigestFile } from '../../src/services/cloudtrail/digest.js'
import { validateLogs } from '../../src/services/cloudtrail/validate-logs.js'
import { ACCOUNT, REGION, managementEvent, s3ObjectEvent, startTrailsUnderTest, type TrailsUnderTest } from './trails-support.js'

describe('trail delivery', () => {
  let t: TrailsUnderTest
  beforeEach(async () => {
    t = await startTrailsUnderTest({ organizations: { [ACCOUNT]: ['o-abc123defg', ACCOUNT], '444455556666': ['o-abc123defg', ACCOUNT] }, kmsKeys: { 'key-1': true } })
    t.bucket.create('trail-bucket')
  })
  afterEach(() => t.close())

  const create = async (input: Record<string, unknown> = {}) => {
    await t.api.CreateTrail({ Name: 'main', S3BucketName: 'trail-bucket', ...input }, t.ctx())
    await t.api.StartLogging({ Name: 'main' }, t.ctx())
  }
  const logFiles = (prefix = 'AWSLogs/') => t.bucket.keys('trail-bucket', prefix).filter((key) => key.includes('/CloudTrail/'))
  const records = (key: string) => (t.bucket.json('trail-bucket', key) as { Records: { eventName: string }[] }).Records.map((record) => record.eventName)

  it('writes the selected events as one gzipped Records file under the AWSLogs key layout', async () => {
    await create()
    t.events.emit(managementEvent('CreateUser'))
    t.events.emit(managementEvent('GetUser'))
    t.events.emit(s3ObjectEvent('PutObject', 'data', 'a.txt')) // a data event: not in the default selector
    t.clock.set(new Date('2026-11-22T10:04:31Z'))
    await t.runtime.deliver()
    const [key, ...rest] = logFiles()
    expect(rest).toEqual([])
    expect(key).toMatch(new RegExp(`^AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/11/22/${ACCOUNT}_CloudTrail_${REGION}_20261122T1004Z_[A-Za-z0-9]{16}\\.json\\.gz$`))
    expect(records(key!)).toEqual(['CreateUser', 'GetUser'])
  })

  it('records nothing for a trail that is not logging, and nothing that happened after it stopped', async () => {
    await t.api.CreateTrail({ Name: 'main', S3BucketName: 'trail-bucket' }, t.ctx())
    t.events.emit(managementEvent('CreateUser'))
    await t.runtime.deliver()
    expect(logFiles()).toEqual([])
    await t.api.StartLogging({ Name: 'main' }, t.ctx())
    t.events.emit(managementEvent('CreateRole'))
    t.clock.set(new Date('2026-11-22T10:05:00Z'))
    await t.api.StopLogging({ Name: 'main' }, t.ctx()) // delivers what was buffered
    t.events.emit(managementEvent('DeleteRole', { eventTime: '2026-11-22T10:06:00Z' }))
    await t.runtime.deliver()
    expect(logFiles().flatMap(records)).toEqual(['CreateRole'])
  })

  it('puts log files under the trail prefix and encrypts them with the trail KMS key', async () => {
    await create({ S3KeyPrefix: 'audit/prod', KmsKeyId: 'key-1' })
    t.events.emit(managementEvent('CreateUser'))
    await t.runtime.deliver()
    const [key] = t.bucket.keys('trail-bucket', 'audit/prod/AWSLogs/')
    expect(key).toBeDefined()
    expect(t.bucket.objects.get('trail-bucket')!.get(key!)!.kmsKeyId).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/key-1`)
  })

  it('logs S3 data events for the buckets and prefixes a basic selector names, and read-only events only when asked', async () => {
    await create()
    await t.api.PutEventSelectors({ TrailName: 'main', EventSelectors: [{
      ReadWriteType: 'WriteOnly', IncludeManagementEvents: false,
      DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data/logs/'] }],
    }] }, t.ctx())
    t.events.emit(s3ObjectEvent('PutObject', 'data', 'logs/a.txt'))
    t.events.emit(s3ObjectEvent('PutObject', 'data', 'other/b.txt'))
    t.events.emit(s3ObjectEvent('PutObject', 'elsewhere', 'logs/c.txt'))
    t.events.emit(s3ObjectEvent('GetObject', 'data', 'logs/a.txt'))
    t.events.emit(managementEvent('CreateUser'))
    await t.runtime.deliver()
    const delivered = logFiles().flatMap((key) => (t.bucket.json('trail-bucket', key) as { Records: { eventName: string; resources: { ARN: string }[] }[] }).Records)
    expect(delivered.map((record) => `${record.eventName} ${record.resources[0]!.ARN}`)).toEqual(['PutObject arn:aws:s3:::data/logs/a.txt'])
  })

  it('applies advanced event selectors: management write events except one source, and KMS data', async () => {
    await create()
    await t.api.PutEventSelectors({ TrailName: 'main', AdvancedEventSelectors: [{
      Name: 'writes', FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] },
        { Field: 'eventSource', NotEquals: ['sts.amazonaws.com'] },
      ],
    }] }, t.ctx())
    t.events.emit(managementEvent('CreateUser'))
    t.events.emit(managementEvent('GetUser'))
    t.events.emit(managementEvent('AssumeRole', { eventSource: 'sts.amazonaws.com', readOnly: false }))
    t.events.emit(managementEvent('Encrypt', { eventSource: 'kms.amazonaws.com', readOnly: false }))
    await t.runtime.deliver()
    expect(logFiles().flatMap(records)).toEqual(['CreateUser', 'Encrypt'])
  })

  it('sends other regions\' events to multi-region trails only, and global service events only where included', async () => {
    await create({ IsMultiRegionTrail: true })
    await t.api.CreateTrail({ Name: 'local', S3BucketName: 'trail-bucket', S3KeyPrefix: 'local', IncludeGlobalServiceEvents: false }, t.ctx())
    await t.api.StartLogging({ Name: 'local' }, t.ctx())
    t.events.emit(managementEvent('CreateKey', { eventSource: 'kms.amazonaws.com', awsRegion: 'eu-west-1' }))
    t.events.emit(managementEvent('CreateKey', { eventSource: 'kms.amazonaws.com' }))
    t.events.emit(managementEvent('CreateUser')) // iam: a global service
    await t.runtime.deliver()
    expect(logFiles('AWSLogs/').map((key) => key.split('/')[3])).toEqual(['eu-west-1', REGION])
    expect(logFiles(`AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/`).flatMap(records)).toEqual(['CreateKey', 'CreateUser'])
    expect(logFiles('local/AWSLogs/').flatMap(records)).toEqual(['CreateKey'])
  })

  it('puts an organization trail\'s member account events under AWSLogs/ORG/ACCOUNT', async () => {
    await create({ IsOrganizationTrail: true })
    t.events.emit(managementEvent('CreateUser', { recipientAccountId: '444455556666' }))
    t.events.emit(managementEvent('CreateUser', { recipientAccountId: '999999999999' })) // outside the organization
    await t.runtime.deliver()
    expect(logFiles('AWSLogs/o-abc123defg/').map((key) => key.split('/').slice(0, 4).join('/')))
      .toEqual(['AWSLogs/o-abc123defg/444455556666/CloudTrail'])
    expect(t.bucket.keys('trail-bucket')).toHaveLength(1)
  })

  it('shows a refused delivery in GetTrailStatus and delivers the held events once the bucket accepts them', async () => {
    await create()
    t.bucket.refuse('trail-bucket', 'AccessDenied')
    t.events.emit(managementEvent('CreateUser'))
    await t.runtime.deliver()
    const failed = await t.api.GetTrailStatus({ Name: 'main' }, t.ctx())
    expect(failed).toMatchObject({ IsLogging: true, LatestDeliveryError: 'AccessDenied' })
    expect(failed.LatestDeliveryTime).toBeUndefined()
    t.bucket.refuse('trail-bucket', undefined)
    t.clock.advance(300_000)
    await t.runtime.deliver()
    const recovered = await t.api.GetTrailStatus({ Name: 'main' }, t.ctx())
    expect(recovered.LatestDeliveryError).toBeUndefined()
    expect(recovered.LatestDeliveryTime).toEqual(new Date('2026-11-22T10:05:00Z'))
    expect(logFiles().flatMap(records)).toEqual(['CreateUser'])
  })

  it('takes an event published just after StopLogging for a call made before it', async () => {
    await create()
    t.clock.set(new Date('2026-11-22T10:05:00Z'))
    await t.api.StopLogging({ Name: 'main' }, t.ctx())
    t.events.emit(managementEvent('CreateUser', { eventTime: '2026-11-22T10:04:59Z' }))
    await t.runtime.deliver()
    expect(logFiles().flatMap(records)).toEqual(['CreateUser'])
  })

  it('gives a trail created again under a deleted trail\'s name none of the events its predecessor held', async () => {
    await create()
    t.bucket.refuse('trail-bucket', 'AccessDenied')
    t.events.emit(managementEvent('CreateUser'))
    await t.api.DeleteTrail({ Name: 'main' }, t.ctx()) // its last delivery is refused: the events stay held
    t.bucket.refuse('trail-bucket', undefined)
    t.clock.set(new Date('2026-11-22T10:30:00Z'))
    await create()
    t.events.emit(managementEvent('DeleteUser', { eventTime: '2026-11-22T10:30:05Z' }))
    await t.runtime.deliver()
    expect(logFiles().flatMap(records)).toEqual(['DeleteUser'])
  })

  it('writes log files still buffered when it closes', async () => {
    await create()
    t.events.emit(managementEvent('CreateUser'))
    await t.runtime.close()
    expect(logFiles().flatMap(records)).toEqual(['CreateUser'])
  })

  describe('digest files', () => {
    const digests = () => t.bucket.keys('trail-bucket', `AWSLogs/${ACCOUNT}/CloudTrail-Digest/`)
    const read = (key: string) => {
      const object = t.bucket.objects.get('trail-bucket')!.get(key)!
      const content = gunzipSync(object.body).toString('utf8')
      return { digest: JSON.parse(content) as DigestFile, content, signature: object.metadata['signature']! }
    }

    it('lists each log file with the SHA-256 of its content, signed with the key ListPublicKeys returns, chained to the previous digest', async () => {
      await create({ EnableLogFileValidation: true })
      t.events.emit(managementEvent('CreateUser', { eventTime: '2026-11-22T10:00:05Z' }))
      t.clock.set(new Date('2026-11-22T10:05:00Z'))
      await t.runtime.deliver()
      t.clock.set(new Date('2026-11-22T11:00:00Z'))
      await t.runtime.deliver() // an hour after logging started: the first digest is due
      t.events.emit(managementEvent('DeleteUser', { eventTime: '2026-11-22T11:10:00Z' }))
      t.clock.set(new Date('2026-11-22T11:30:07Z'))
      await t.api.StopLogging({ Name: 'main' }, t.ctx()) // the buffered file, then a last digest

      const keys = digests()
      expect(keys).toEqual([
        `AWSLogs/${ACCOUNT}/CloudTrail-Digest/${REGION}/2026/11/22/${ACCOUNT}_CloudTrail-Digest_${REGION}_main_${REGION}_20261122T110000Z.json.gz`,
        `AWSLogs/${ACCOUNT}/CloudTrail-Digest/${REGION}/2026/11/22/${ACCOUNT}_CloudTrail-Digest_${REGION}_main_${REGION}_20261122T113007Z.json.gz`,
      ])
      const first = read(keys[0]!)
      const second = read(keys[1]!)
      const [logFile] = logFiles()
      const logContent = gunzipSync(t.bucket.objects.get('trail-bucket')!.get(logFile!)!.body)
      expect(first.digest).toMatchObject({
        awsAccountId: ACCOUNT, digestStartTime: '2026-11-22T10:00:00Z', digestEndTime: '2026-11-22T11:00:00Z',
        digestS3Bucket: 'trail-bucket', digestS3Object: keys[0], digestSignatureAlgorithm: 'SHA256withRSA',
        oldestEventTime: '2026-11-22T10:00:05Z', newestEventTime: '2026-11-22T10:00:05Z',
        previousDigestS3Bucket: null, previousDigestS3Object: null, previousDigestHashValue: null, previousDigestSignature: null,
        logFiles: [{ s3Bucket: 'trail-bucket', s3Object: logFile, hashValue: createHash('sha256').update(logContent).digest('hex'), hashAlgorithm: 'SHA-256' }],
      })
      expect(second.digest).toMatchObject({
        digestStartTime: '2026-11-22T11:00:00Z', digestEndTime: '2026-11-22T11:30:07Z',
        previousDigestS3Bucket: 'trail-bucket', previousDigestS3Object: keys[0], previousDigestHashAlgorithm: 'SHA-256',
        previousDigestHashValue: createHash('sha256').update(first.content).digest('hex'), previousDigestSignature: first.signature,
      })
      expect(second.digest.logFiles).toHaveLength(1)

      const { PublicKeyList } = await t.api.ListPublicKeys({}, t.ctx())
      expect(PublicKeyList).toHaveLength(1)
      const key = PublicKeyList![0]!
      expect(key.Fingerprint).toBe(createHash('md5').update(key.Value!).digest('hex'))
      expect(first.digest.digestPublicKeyFingerprint).toBe(key.Fingerprint)
      expect(t.bucket.objects.get('trail-bucket')!.get(keys[0]!)!.metadata['signature-algorithm']).toBe('SHA256withRSA')
      expect(digestSignatureValid(first.digest, first.content, first.signature, key.Value!)).toBe(true)
      expect(digestSignatureValid(second.digest, second.content, second.signature, key.Value!)).toBe(true)
      expect(digestSignatureValid(first.digest, first.content.replace('"awsAccountId":"1', '"awsAccountId":"2'), first.signature, key.Value!)).toBe(false)
      const status = await t.api.GetTrailStatus({ Name: 'main' }, t.ctx())
      expect(status.LatestDigestDeliveryTime).toEqual(new Date('2026-11-22T11:30:07Z'))
    })

    it('keeps one chain per member account for an organization trail, each under AWSLogs/ORG/ACCOUNT, all valid', async () => {
      await create({ IsOrganizationTrail: true, EnableLogFileValidation: true })
      t.events.emit(managementEvent('CreateUser', { recipientAccountId: '444455556666', eventTime: '2026-11-22T10:01:00Z' }))
      t.events.emit(managementEvent('CreateRole', { eventTime: '2026-11-22T10:01:00Z' }))
      t.clock.set(new Date('2026-11-22T10:05:00Z'))
      await t.api.StopLogging({ Name: 'main' }, t.ctx())
      const digestKeys = t.bucket.keys('trail-bucket').filter((key) => key.includes('/CloudTrail-Digest/'))
      expect(digestKeys.map((key) => key.split('/').slice(0, 4).join('/'))).toEqual([
        `AWSLogs/o-abc123defg/${ACCOUNT}/CloudTrail-Digest`, 'AWSLogs/o-abc123defg/444455556666/CloudTrail-Digest',
      ])
      expect(digestKeys.map((key) => (t.bucket.json('trail-bucket', key) as { awsAccountId: string }).awsAccountId)).toEqual([ACCOUNT, '444455556666'])
      const { PublicKeyList } = await t.api.ListPublicKeys({}, t.ctx())
      const report = await validateLogs(t.bucket.reader, {
        bucket: 'trail-bucket', accountFolders: [`AWSLogs/o-abc123defg/${ACCOUNT}`, 'AWSLogs/o-abc123defg/444455556666'], trailName: 'main', homeRegion: REGION,
        start: new Date('2026-11-22T09:00:00Z'), end: new Date('2026-11-22T11:00:00Z'), publicKeys: new Map(PublicKeyList!.map((key) => [key.Fingerprint!, key.Value!])),
      })
      expect(report.digests.map((digest) => digest.status)).toEqual(['valid', 'valid'])
      expect(report.logFiles.map((file) => file.status)).toEqual(['valid', 'valid'])
      expect(report.chainBreaks).toEqual([])
    })

    it('shows a refused digest in GetTrailStatus and chains the next one as if it had never been tried', async () => {
      await create({ EnableLogFileValidation: true })
      t.events.emit(managementEvent('CreateUser', { eventTime: '2026-11-22T10:01:00Z' }))
      t.clock.set(new Date('2026-11-22T10:05:00Z'))
      await t.runtime.deliver()
      t.bucket.refuse('trail-bucket', 'AccessDenied')
      t.clock.set(new Date('2026-11-22T11:00:00Z'))
      await t.runtime.deliver()
      expect((await t.api.GetTrailStatus({ Name: 'main' }, t.ctx())).LatestDigestDeliveryError).toBe('AccessDenied')
      expect(digests()).toEqual([])
      t.bucket.refuse('trail-bucket', undefined)
      t.clock.set(new Date('2026-11-22T11:01:00Z'))
      await t.runtime.deliver()
      const [only, ...rest] = digests()
      expect(rest).toEqual([])
      expect(read(only!).digest).toMatchObject({ digestStartTime: '2026-11-22T10:00:00Z', previousDigestS3Object: null })
      expect(read(only!).digest.logFiles).toHaveLength(1)
      expect((await t.api.GetTrailStatus({ Name: 'main' }, t.ctx())).LatestDigestDeliveryError).toBeUndefined()
    })

    it('writes no digests for a trail without log file validation', async () => {
      await create()
      t.events.emit(managementEvent('CreateUser'))
      t.clock.advance(2 * 3_600_000)
      await t.runtime.deliver()
      await t.api.StopLogging({ Name: 'main' }, t.ctx())
      expect(digests()).toEqual([])
    })
  })
})
