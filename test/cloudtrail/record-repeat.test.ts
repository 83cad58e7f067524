// A caller repeating a call: the recorder writes the new ids beside the previous record instead of building it again.
// What is stored must be exactly the record the full path builds, and anything that would change the record (caller,
// call, parameters, outcome, second, address, resources) must take the full path.
import { describe, expect, it } from 'vitest'
import type { CallRecord } from '../../src/audit/audit-sink.js'
import type { Caller } from '../../src/core/caller.js'
import { randomIds } from '../../src/core/ids.js'
import { serviceModels } from '../../src/generated/services.js'
import type { CloudTrailRecord } from '../../src/services/cloudtrail/index.js'
import { eventRecord, mayRepeat, sameRecordBesidesIds } from '../../src/services/cloudtrail/event-record.js'
import { decodeRecords, UNIFORM_RECORDS_PER_BATCH } from '../../src/services/cloudtrail/event-store.js'
import { recorderPerTest, storedRecords } from './recorder-fixture.js'

const ACCOUNT = '000000000000'
const root: Caller = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT, accessKeyId: 'AKIAROOTROOTROOTROOT' } as Caller
const alice: Caller = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userId: 'AIDAALICE', accessKeyId: 'AKIAALICEALICEALICEA' } as Caller
let requests = 0

function call(fields: Partial<CallRecord> = {}): CallRecord {
  return {
    requestId: `0000aaaa-0000-4000-8000-${String(++requests).padStart(12, '0')}`, time: new Date('2026-05-01T10:00:00.250Z'),
    service: 'iam', operation: 'GetUser', caller: root, region: 'us-east-1', sourceIp: '192.0.2.1', userAgent: 'aws-cli/2',
    readOnly: true, input: { UserName: 'bob' }, resources: [`arn:aws:iam::${ACCOUNT}:user/bob`], status: 200, output: { User: { UserName: 'bob' } },
    ...fields,
  }
}

describe('sameRecordBesidesIds and mayRepeat', () => {
  const base = call()
  it('takes the same call by the same caller within the same second for a repeat', () => {
    expect(sameRecordBesidesIds(base, call({ time: new Date('2026-05-01T10:00:00.999Z') }))).toBe(true)
  })

  it.each<[string, Partial<CallRecord>]>([
    ['another second', { time: new Date('2026-05-01T10:00:01.000Z') }],
    ['another caller', { caller: alice }],
    ['another operation', { operation: 'GetRole', input: { RoleName: 'bob' } }],
    ['another region', { region: 'eu-west-1' }],
    ['another address', { sourceIp: '192.0.2.2' }],
    ['another user agent', { userAgent: 'aws-sdk-js/3' }],
    ['a parameter value', { input: { UserName: 'carol' } }],
    ['another parameter', { input: { UserName: 'bob', Marker: 'x' } }],
    ['a nested parameter', { input: { UserName: 'bob', Tags: [] } }],
    ['an error', { errorCode: 'AccessDenied', errorMessage: 'denied', status: 403 }],
    ['other resources', { resources: [`arn:aws:iam::${ACCOUNT}:user/carol`] }],
    ['a resource account', { resourceAccountId: '111122223333' }],
    ['TLS', { tls: { version: 'TLSv1.3' } }],
  ])('takes a call with %s for a new record', (_, fields) => {
    expect(sameRecordBesidesIds(base, call(fields))).toBe(false)
  })

  it('lets no call whose record holds its response or a federated identity be repeated; a failed one may be', () => {
    expect(mayRepeat(base)).toBe(true)
    expect(mayRepeat(call({ operation: 'CreateUser', readOnly: false }))).toBe(false)
    expect(mayRepeat(call({ operation: 'CreateUser', readOnly: false, errorCode: 'EntityAlreadyExists', errorMessage: 'exists', status: 409 }))).toBe(true)
    expect(mayRepeat(call({ service: 'sts', operation: 'AssumeRoleWithWebIdentity', readOnly: true, input: {} }))).toBe(false)
    expect(mayRepeat(call({ service: 'sts', operation: 'AssumeRoleWithSAML', readOnly: true, input: {} }))).toBe(false)
  })
})

describe('CloudTrail recorder, repeated calls', () => {
  const under = recorderPerTest(ACCOUNT, randomIds) // more event ids than sequentialIds() draws without repeating one

  it('stores each call as the record the full path builds, repeats and changes alike, across full batches', async () => {
    const calls: CallRecord[] = []
    // More than one stored batch of repeats: the next batch draws its own seed for the event ids it derives.
    for (let index = 0; index < UNIFORM_RECORDS_PER_BATCH + 100; index++) calls.push(call())
    calls.push(call({ input: { UserName: 'carol' } }), call({ input: { UserName: 'carol' }, resources: [`arn:aws:iam::${ACCOUNT}:user/carol`] }), call({ errorCode: 'NoSuchEntity', errorMessage: 'no bob', status: 404 }))
    calls.push(call({ errorCode: 'NoSuchEntity', errorMessage: 'no bob', status: 404 }), call({ caller: alice }), call({ caller: alice }))
    calls.push(call({ time: new Date('2026-05-01T10:00:01.100Z') }), call({ time: new Date('2026-05-01T10:00:01.200Z'), requestId: 'odd "id"\t\u00e9' }))
    for (const one of calls) under.recorder.record(one)
    await under.recorder.flush()

    const stored = await storedRecords(under.database)
    expect(stored).toHaveLength(calls.length)
    const byRequest = new Map(calls.map((one) => [one.requestId, one]))
    for (const record of stored) {
      const made = byRequest.get(record.requestID!)!
      const expected = eventRecord(made, { models: serviceModels, defaultAccountId: ACCOUNT, eventId: () => record.eventID, uuid: () => 'unused' })
      expect(JSON.stringify(record)).toBe(JSON.stringify(expected))
    }
    expect(new Set(stored.map((record) => record.eventID)).size).toBe(calls.length)
  })

  it(`keeps up to ${UNIFORM_RECORDS_PER_BATCH} records of one repeated call in a stored batch, and 128 of mixed calls`, async () => {
    for (let index = 0; index < UNIFORM_RECORDS_PER_BATCH + 88; index++) under.recorder.record(call())
    for (let index = 0; index < 200; index++) under.recorder.record(call({ caller: index % 2 === 0 ? alice : root }))
    await under.recorder.flush()
    const batches = await under.database.db.selectFrom('cloudtrail_event_batches').select(['batch_id', 'event_count']).orderBy('batch_id').execute()
    expect(batches.map((batch) => Number(batch.event_count))).toEqual([UNIFORM_RECORDS_PER_BATCH, 128, 128, 32])
    const keys = await under.database.db.selectFrom('cloudtrail_event_keys').select(['batch_id', 'offsets']).where('attribute', '=', 'AccessKeyId').execute()
    // The uniform batch's keys need no offsets; a mixed batch's name the records of each caller.
    expect(keys.filter((key) => key.batch_id === batches[0]!.batch_id).map((key) => key.offsets)).toEqual([''])
    expect(keys.filter((key) => key.batch_id === batches[2]!.batch_id).every((key) => key.offsets.split(',').length === 64)).toBe(true)
    // The batch that was uniform for 88 records, then mixed: each caller's key points at exactly that caller's records.
    const mixed = await under.database.db.selectFrom('cloudtrail_event_batches').select('records').where('batch_id', '=', batches[1]!.batch_id).executeTakeFirstOrThrow()
    const lines = decodeRecords(mixed.records)
    const callerAt = (offset: number) => {
      const end = lines.indexOf('\n', offset)
      return (JSON.parse(lines.slice(offset, end === -1 ? undefined : end)) as CloudTrailRecord).userIdentity.accessKeyId
    }
    for (const key of await under.database.db.selectFrom('cloudtrail_event_keys').selectAll().where('batch_id', '=', batches[1]!.batch_id).where('attribute', '=', 'AccessKeyId').execute()) {
      const offsets = key.offsets.split(',').map(Number)
      expect(offsets.map(callerAt).every((accessKeyId) => accessKeyId === key.value)).toBe(true)
      expect(offsets).toHaveLength(key.value === root.accessKeyId ? 108 : 20)
    }
  })

  it('builds every record in full while a subscriber listens', async () => {
    const heard: CloudTrailRecord[] = []
    under.recorder.events.subscribe((record) => heard.push(record))
    for (let index = 0; index < 5; index++) under.recorder.record(call())
    await under.recorder.flush()
    expect(heard.map((record) => record.eventName)).toEqual(['GetUser', 'GetUser', 'GetUser', 'GetUser', 'GetUser'])
    expect(await storedRecords(under.database)).toHaveLength(5)
  })
})
