// validateLogs over a fake bucket that trails delivered into: valid files, then a tampered log file, a deleted one,
// a removed digest, swapped digests, an edited digest and a forged log file, each reported.
import { gzipSync, gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { validateLogs, type ValidationReport } from '../../src/services/cloudtrail/validate-logs.js'
import { ACCOUNT, REGION, managementEvent, startTrailsUnderTest, type TrailsUnderTest } from './trails-support.js'

const BUCKET = 'trail-bucket'

describe('validateLogs', () => {
  let t: TrailsUnderTest
  let logFiles: string[]
  let digests: string[]
  let publicKeys: Map<string, Uint8Array>

  beforeEach(async () => {
    t = await startTrailsUnderTest()
    t.bucket.create(BUCKET)
    await t.api.CreateTrail({ Name: 'main', S3BucketName: BUCKET, EnableLogFileValidation: true }, t.ctx())
    await t.api.StartLogging({ Name: 'main' }, t.ctx())
    for (const hour of [10, 11, 12]) { // one log file and one digest per hour
      t.events.emit(managementEvent(`Call${hour}`, { eventTime: `2026-11-22T${hour}:01:00Z` }))
      t.clock.set(new Date(`2026-11-22T${hour}:05:00Z`))
      await t.runtime.deliver()
      t.clock.set(new Date(`2026-11-22T${hour + 1}:00:00Z`))
      await t.runtime.deliver()
    }
    logFiles = t.bucket.keys(BUCKET, `AWSLogs/${ACCOUNT}/CloudTrail/`)
    digests = t.bucket.keys(BUCKET, `AWSLogs/${ACCOUNT}/CloudTrail-Digest/`)
    const { PublicKeyList } = await t.api.ListPublicKeys({}, t.ctx())
    publicKeys = new Map(PublicKeyList!.map((key) => [key.Fingerprint!, key.Value!]))
  })
  afterEach(() => t.close())

  const validate = () => validateLogs(t.bucket.reader, {
    bucket: BUCKET, accountFolders: [`AWSLogs/${ACCOUNT}`], trailName: 'main', homeRegion: REGION,
    start: new Date('2026-11-22T09:00:00Z'), end: new Date('2026-11-22T14:00:00Z'), publicKeys,
  })
  const statuses = (report: ValidationReport) => ({
    digests: report.digests.map((digest) => `${digests.indexOf(digest.key)} ${digest.status}`).sort(),
    logFiles: report.logFiles.map((file) => `${logFiles.indexOf(file.key)} ${file.status}`).sort(),
    chainBreaks: report.chainBreaks.length,
  })
  const object = (key: string) => t.bucket.objects.get(BUCKET)!.get(key)!

  it('finds every digest and log file valid when nothing was touched', async () => {
    expect(logFiles).toHaveLength(3)
    expect(digests).toHaveLength(3)
    expect(statuses(await validate())).toEqual({ digests: ['0 valid', '1 valid', '2 valid'], logFiles: ['0 valid', '1 valid', '2 valid'], chainBreaks: 0 })
  })

  it('reports a log file whose content was changed as modified', async () => {
    const tampered = gunzipSync(object(logFiles[1]!).body).toString().replace('Call11', 'Nothing')
    object(logFiles[1]!).body = gzipSync(tampered)
    expect(statuses(await validate()).logFiles).toEqual(['0 valid', '1 modified', '2 valid'])
  })

  it('reports a deleted log file as not found', async () => {
    t.bucket.objects.get(BUCKET)!.delete(logFiles[0]!)
    expect(statuses(await validate()).logFiles).toEqual(['0 not found', '1 valid', '2 valid'])
  })

  it('reports a removed digest as not found and the chain as broken there; its log files are then in no digest', async () => {
    t.bucket.objects.get(BUCKET)!.delete(digests[1]!)
    const report = statuses(await validate())
    expect(report.digests).toEqual(['0 valid', '1 not found', '2 valid'])
    expect(report.chainBreaks).toBe(2) // the pointer to the missing digest, and the older digest nobody points to
    expect(report.logFiles).toEqual(['0 valid', '1 not in any digest', '2 valid'])
  })

  it('reports digests swapped between their keys as moved', async () => {
    const first = object(digests[0]!)
    const second = object(digests[1]!)
    t.bucket.objects.get(BUCKET)!.set(digests[0]!, second)
    t.bucket.objects.get(BUCKET)!.set(digests[1]!, first)
    const report = statuses(await validate())
    expect(report.digests).toEqual(['0 moved', '1 moved', '2 valid'])
    expect(report.chainBreaks).toBeGreaterThan(0)
  })

  it('reports a digest edited in place as failing its signature', async () => {
    const edited = gunzipSync(object(digests[0]!).body).toString().replace(/"hashValue":"[0-9a-f]/, '"hashValue":"0')
    object(digests[0]!).body = gzipSync(edited)
    const report = statuses(await validate())
    expect(report.digests).toEqual(['0 signature invalid', '1 valid', '2 valid'])
  })

  it('reports a digest replaced by JSON that is not an object as unreadable', async () => {
    object(digests[0]!).body = gzipSync('null')
    const report = statuses(await validate())
    expect(report.digests).toEqual(['0 unreadable', '1 valid', '2 valid'])
  })

  it('reports a log file no digest lists', async () => {
    const forged = `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/11/22/${ACCOUNT}_CloudTrail_${REGION}_20261122T1130Z_AAAAAAAAAAAAAAAA.json.gz`
    t.bucket.objects.get(BUCKET)!.set(forged, { body: gzipSync('{"Records":[]}'), metadata: {} })
    const report = await validate()
    expect(report.logFiles.filter((file) => file.status === 'not in any digest').map((file) => file.key)).toEqual([forged])
  })
})
