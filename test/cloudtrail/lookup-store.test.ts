// Event storage on every dialect: records written in a handler's transaction and by the batch writer, found by
// LookupEvents (newest first, by attribute, paged), and the 90-day expiry deleting old batches and their keys.
import { expect, it } from 'vitest'
import type { CallRecord } from '../../src/audit/audit-sink.js'
import { fixedClock } from '../../src/core/clock.js'
import { sequentialIds } from '../../src/core/ids.js'
import type { OperationContext } from '../../src/core/operation.js'
import { serviceModels } from '../../src/generated/services.js'
import { cloudTrailRecorder, expireEvents } from '../../src/services/cloudtrail/index.js'
import { decodeRecords } from '../../src/services/cloudtrail/event-store.js'
import { lookupOperations } from '../../src/services/cloudtrail/lookup-events.js'
import { forEachDialect } from '../../src/storage/testing.js'

const ACCOUNT = '000000000000'
const START = new Date('2026-03-01T00:00:00Z')
const root = { type: 'Root' as const, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT, accessKeyId: 'AKIAROOTROOTROOTROOT' }
const ctx: OperationContext = { caller: root, accountId: ACCOUNT, region: 'us-east-1', partition: 'aws', requestId: 'r' }

function call(n: number, operation: string, readOnly: boolean, input: Record<string, unknown>): CallRecord {
  return {
    requestId: `request-${n}`, time: new Date(START.getTime() + n * 1000), service: 'iam', operation, caller: root, region: 'us-east-1',
    sourceIp: '192.0.2.1', readOnly, input, resources: input.UserName ? [`arn:aws:iam::${ACCOUNT}:user/${String(input.UserName)}`] : ['*'], status: 200,
  }
}

forEachDialect('CloudTrail event storage', (dialect) => {
  it('finds records written in a handler\'s transaction and by the batch writer, newest first, by attribute and page', async () => {
    const database = await dialect.open()
    const clock = fixedClock(START.getTime() + 3_600_000)
    const recorder = cloudTrailRecorder({ database, ids: sequentialIds(), models: serviceModels, defaultAccountId: ACCOUNT, onError: (error) => { throw error }, flushMs: 3_600_000 })
    for (let n = 0; n < 6; n++) {
      const created = call(n, 'CreateUser', false, { UserName: `user-${n}` })
      await recorder.during(created, () => database.transaction(async () => undefined))
      recorder.record({ ...created, output: { User: { UserName: `user-${n}` } } })
      recorder.record(call(n, 'GetUser', true, { UserName: `user-${n}` }))
    }
    const { LookupEvents } = lookupOperations({ database, clock, flushPending: recorder.flush })

    const first = await LookupEvents({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }], MaxResults: 4 }, ctx)
    const second = await LookupEvents({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }], MaxResults: 4, NextToken: first.NextToken }, ctx)
    const names = [...first.Events!, ...second.Events!].map((event) => JSON.parse(event.CloudTrailEvent!).requestParameters.userName)
    expect(names).toEqual(['user-5', 'user-4', 'user-3', 'user-2', 'user-1', 'user-0'])
    expect(second.NextToken).toBeUndefined()
    expect(JSON.parse(first.Events![0]!.CloudTrailEvent!).responseElements).toEqual({ user: { userName: 'user-5' } })

    const byResource = await LookupEvents({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'user-2' }] }, ctx)
    expect(byResource.Events!.map((event) => event.EventName).sort()).toEqual(['CreateUser', 'GetUser'])
    const reads = await LookupEvents({ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'true' }] }, ctx)
    expect(reads.Events).toHaveLength(6)
    const all = await LookupEvents({}, ctx)
    expect(all.Events).toHaveLength(12)
    const byId = await LookupEvents({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: all.Events![7]!.EventId! }] }, ctx)
    expect(byId.Events).toEqual([all.Events![7]])
    await recorder.close()
  })

  it('lists the events of one second newest written first, across batches and within one', async () => {
    const database = await dialect.open()
    const recorder = cloudTrailRecorder({ database, ids: sequentialIds(), models: serviceModels, defaultAccountId: ACCOUNT, onError: (error) => { throw error }, flushMs: 3_600_000 })
    const sameSecond = (name: string, n: number): CallRecord => ({ ...call(0, name, true, {}), requestId: `same-${n}` })
    recorder.record(sameSecond('ListUsers', 1))
    recorder.record(sameSecond('ListRoles', 2))
    await recorder.flush()
    recorder.record(sameSecond('ListGroups', 3))
    await recorder.flush()
    const created = { ...call(0, 'CreateGroup', false, { GroupName: 'g' }), requestId: 'same-4' }
    await recorder.during(created, () => database.transaction(async () => undefined))
    recorder.record(created)
    const { LookupEvents } = lookupOperations({ database, clock: fixedClock(START.getTime() + 60_000), flushPending: recorder.flush })
    const first = await LookupEvents({ MaxResults: 2 }, ctx)
    const second = await LookupEvents({ MaxResults: 2, NextToken: first.NextToken }, ctx)
    expect([...first.Events!, ...second.Events!].map((event) => event.EventName)).toEqual(['CreateGroup', 'ListGroups', 'ListRoles', 'ListUsers'])
    await recorder.close()
  })

  it('finds a repeated call naming two resources of one type once per call', async () => {
    const database = await dialect.open()
    const recorder = cloudTrailRecorder({ database, ids: sequentialIds(), models: serviceModels, defaultAccountId: ACCOUNT, onError: (error) => { throw error }, flushMs: 3_600_000 })
    const users = [`arn:aws:iam::${ACCOUNT}:user/a`, `arn:aws:iam::${ACCOUNT}:user/b`]
    for (let n = 1; n <= 3; n++) recorder.record({ ...call(n, 'GetUser', true, {}), resources: users })
    const { LookupEvents } = lookupOperations({ database, clock: fixedClock(START.getTime() + 60_000), flushPending: recorder.flush })
    const found = await LookupEvents({ LookupAttributes: [{ AttributeKey: 'ResourceType', AttributeValue: 'AWS::IAM::User' }] }, ctx)
    expect(found.Events!.map((event) => JSON.parse(event.CloudTrailEvent!).requestID)).toEqual(['request-3', 'request-2', 'request-1'])
    await recorder.close()
  })

  it('expires batches older than 90 days with their keys', async () => {
    const database = await dialect.open()
    const recorder = cloudTrailRecorder({ database, ids: sequentialIds(), models: serviceModels, defaultAccountId: ACCOUNT, onError: (error) => { throw error }, flushMs: 3_600_000 })
    recorder.record(call(0, 'ListUsers', true, {}))
    await recorder.flush()
    recorder.record(call(86_400, 'ListRoles', true, {})) // a day later
    await recorder.flush()
    const clock = fixedClock(START.getTime() + 90.5 * 86_400_000)
    expect(await expireEvents(database, clock)).toBe(1)
    const batches = await database.db.selectFrom('cloudtrail_event_batches').select('records').execute()
    expect(batches.map((batch) => JSON.parse(decodeRecords(batch.records)).eventName)).toEqual(['ListRoles'])
    const keys = await database.db.selectFrom('cloudtrail_event_keys').select(['attribute', 'value']).where('attribute', '=', 'EventName').execute()
    expect(keys).toEqual([{ attribute: 'EventName', value: 'ListRoles' }])
    await recorder.close()
  })
})
