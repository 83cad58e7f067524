// The stored text of an event batch: the chunked form gives back exactly the JSON lines of its records, and rows
// written before it (base64 of deflated JSON lines) still read.
import { randomUUID } from 'node:crypto'
import { deflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { derivedEventId } from '../../src/services/cloudtrail/derived-event-id.js'
import { decodeRecords, openBatch, sealRecords } from '../../src/services/cloudtrail/event-store.js'
import { recordText } from '../../src/services/cloudtrail/record-text.js'
import type { CloudTrailRecord } from '../../src/services/cloudtrail/event-record.js'

const identity = { type: 'IAMUser', principalId: 'AIDAALICE', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', accessKeyId: 'AKIAALICE', userName: 'alice' }
const bucket = { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::reports' }

function record(index: number, fields: Partial<Record<keyof CloudTrailRecord, unknown>> = {}): CloudTrailRecord {
  return {
    eventVersion: '1.09', userIdentity: identity, eventTime: `2026-05-01T10:00:0${index % 10}Z`, eventSource: 'iam.amazonaws.com', eventName: 'GetUser',
    awsRegion: 'us-east-1', sourceIPAddress: '192.0.2.1', userAgent: 'aws-cli/2 "quoted"\ttab', requestParameters: { userName: `user-${index % 2}` },
    responseElements: null, requestID: `request-${index}`, eventID: `0000000${index}-0000-4000-8000-000000000000`, readOnly: true,
    eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: '111122223333', eventCategory: 'Management', ...fields,
  } as CloudTrailRecord
}

describe('stored batch text', () => {
  it('reads back exactly the JSON lines of its records, repeated and unique members, errors, resources and odd characters alike', () => {
    const records = [
      record(0),
      record(10), // the same call again: only its ids differ
      record(1),
      record(2, { errorCode: 'AccessDenied', errorMessage: 'User: alice\nis not authorized \u2028 ü', responseElements: undefined }),
      record(3, { resources: [bucket, { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::reports/a\tb.csv' }], sharedEventID: 'shared-1', tlsDetails: { tlsVersion: 'TLSv1.3' } }),
      record(5, { requestID: 'odd "request"\\id\u0001é' }),
      record(4, { userIdentity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' } }),
    ]
    const lines = records.map((one) => JSON.stringify(one)).join('\n')
    const { text } = sealRecords({ accountId: '111122223333', region: 'us-east-1', batchId: 'b', management: true }, records)
    expect(decodeRecords(text)).toBe(lines)
    expect(records.map((one) => recordText(one).length)).toEqual(records.map((one) => JSON.stringify(one).length))
    expect(text.length).toBeLessThan(lines.length)
  })

  it('stores a record repeating the previous one\'s members as its ids alone, odd ids included, and reads it back', () => {
    const records = Array.from({ length: 50 }, (_, index) => record(0, { requestID: `req-${String(index).padStart(32, '0')}`, eventID: `evt-${String(index).padStart(32, '0')}` }))
    records.push(record(0, { requestID: 'odd "request"\t\\id\u0001é' }), record(0, { requestID: '' }), record(0, { requestID: undefined }), record(0))
    const lines = records.map((one) => JSON.stringify(one)).join('\n')
    const { text } = sealRecords({ accountId: '111122223333', region: 'us-east-1', batchId: 'b', management: true }, records)
    expect(decodeRecords(text)).toBe(lines)
    // Each repeating record costs its two ids (36 characters each) and three separators, nothing more.
    const firstLine = JSON.stringify(records[0]).length
    expect(text.length).toBeLessThan(firstLine + 53 * (2 * 36 + 3) + 200)
  })

  it('stores a repeated call as its request id alone, its event id derived from the batch\'s seed and its position', () => {
    const seed = randomUUID()
    const batch = openBatch({ accountId: '111122223333', region: 'us-east-1', batchId: 'b', management: true }, seed)
    const expected: CloudTrailRecord[] = []
    const add = (one: CloudTrailRecord) => {
      batch.add(one)
      expected.push(one)
    }
    const repeat = (requestID: string) => {
      expect(batch.repeat(requestID)).toBe(true)
      expected.push({ ...expected[expected.length - 1]!, requestID, eventID: derivedEventId(seed, expected.length) })
    }
    add(record(0))
    for (let index = 0; index < 100; index++) repeat(randomUUID())
    // A request id that is not written as it is (its JSON escapes it) is no repeat: the caller builds that record.
    expect(batch.repeat('odd "request"')).toBe(false)
    add(record(1, { requestID: 'odd "request"' }))
    repeat(randomUUID())
    add(record(2, { sharedEventID: 'shared-1' })) // an own member besides the two ids: repeats bring all their ids
    expect(batch.repeat(randomUUID())).toBe(false)
    const { text, eventCount } = batch.seal()
    expect(eventCount).toBe(expected.length)
    expect(decodeRecords(text)).toBe(expected.map((one) => JSON.stringify(one)).join('\n'))
    // Each repeated call costs its request id and two characters.
    expect(text.length).toBeLessThan(3 * JSON.stringify(record(0)).length + 101 * 38)
  })

  it('takes no repeat with a derived event id in a batch without a seed', () => {
    const batch = openBatch({ accountId: '111122223333', region: 'us-east-1', batchId: 'b', management: true })
    batch.add(record(0))
    expect(batch.repeat(randomUUID())).toBe(false)
    expect(batch.seal().eventCount).toBe(1)
  })

  it('reads batches stored in the second chunked form (repeats with both ids written)', () => {
    const stored = '~2\n2\n"eventVersion":"1.09"\n"eventName":"GetUser"\n0\t"requestID":"r-1"\t"eventID":"e-1"\t1\n=\tr-2\te-2\n=\t"r\\"3"\t'
    expect(decodeRecords(stored)).toBe([
      '{"eventVersion":"1.09","requestID":"r-1","eventID":"e-1","eventName":"GetUser"}',
      '{"eventVersion":"1.09","requestID":"r-2","eventID":"e-2","eventName":"GetUser"}',
      '{"eventVersion":"1.09","requestID":"r\\"3","eventID":"","eventName":"GetUser"}',
    ].join('\n'))
  })

  it('reads batches stored in the first chunked form (every line numbered)', () => {
    const stored = '~1\n2\n"eventVersion":"1.09"\n"eventName":"GetUser"\n0\t"requestID":"r-1"\t1\n0\t"requestID":"r-2"\t1'
    expect(decodeRecords(stored)).toBe('{"eventVersion":"1.09","requestID":"r-1","eventName":"GetUser"}\n{"eventVersion":"1.09","requestID":"r-2","eventName":"GetUser"}')
  })

  it('reads rows written as base64 of deflated JSON lines', () => {
    const lines = [record(0), record(1)].map((one) => JSON.stringify(one)).join('\n')
    expect(decodeRecords(deflateRawSync(lines).toString('base64'))).toBe(lines)
  })
})
