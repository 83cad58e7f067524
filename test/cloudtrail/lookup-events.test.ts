// LookupEvents through the SDK: newest first, pagination with NextToken, each lookup attribute, time ranges, AWS's
// errors, and the 90-day window (a fixed clock moved forward; clients sign at the server's time).
import { LookupEventsCommand, type LookupAttribute } from '@aws-sdk/client-cloudtrail'
import { CreateAccessKeyCommand, CreateUserCommand, GetUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { CreateKeyCommand } from '@aws-sdk/client-kms'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { clients as baseClients, type Credentials } from './cloudtrail-support.js'

const START = new Date(Math.floor(Date.now() / 1000) * 1000)

describe('LookupEvents', () => {
  const clock = fixedClock(START)
  let palisade: TestPalisade
  let alice: Credentials
  let keyArn: string
  /** Clients that sign at the server's (moved) time. */
  const clients = (credentials?: Credentials) => {
    const made = baseClients(palisade, credentials)
    const offset = clock.now().getTime() - Date.now()
    for (const client of Object.values(made)) client.config.systemClockOffset = offset
    return made
  }
  const lookup = (attribute?: LookupAttribute, extra: { StartTime?: Date; EndTime?: Date; MaxResults?: number; NextToken?: string } = {}) =>
    clients().cloudtrail.send(new LookupEventsCommand({ LookupAttributes: attribute ? [attribute] : undefined, ...extra }))
  const records = async (attribute?: LookupAttribute, extra = {}) =>
    ((await lookup(attribute, { MaxResults: 50, ...extra })).Events ?? []).map((event) => JSON.parse(event.CloudTrailEvent!) as Record<string, any>)

  beforeAll(async () => {
    palisade = await startTestPalisade([], { clock })
    const root = clients()
    // One call per second from START: CreateUser user-0 … user-6 (newest last).
    for (let n = 0; n < 7; n++) {
      await root.iam.send(new CreateUserCommand({ UserName: `user-${n}` }))
      clock.advance(1000)
    }
    await root.iam.send(new PutUserPolicyCommand({
      UserName: 'user-0', PolicyName: 'read', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] }),
    }))
    const key = await root.iam.send(new CreateAccessKeyCommand({ UserName: 'user-0' }))
    alice = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! }
    clock.advance(1000)
    await clients(alice).iam.send(new GetUserCommand({}))
    keyArn = (await root.kms.send(new CreateKeyCommand({ Description: 'lookup test' }))).KeyMetadata!.Arn!
    clock.advance(1000)
  })
  afterAll(async () => { await palisade.stop() })

  it('returns events newest first, in pages of MaxResults joined by NextToken', async () => {
    const attribute = { AttributeKey: 'EventName' as const, AttributeValue: 'CreateUser' }
    const names: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const page = await lookup(attribute, { MaxResults: 3, NextToken: token })
      expect(page.Events!.length).toBeLessThanOrEqual(3)
      names.push(...page.Events!.map((event) => JSON.parse(event.CloudTrailEvent!).requestParameters.userName as string))
      token = page.NextToken
      pages++
    } while (token)
    expect(pages).toBe(3)
    expect(names).toEqual(['user-6', 'user-5', 'user-4', 'user-3', 'user-2', 'user-1', 'user-0'])
  })

  it('fills each Event from its record', async () => {
    const [event] = (await lookup({ AttributeKey: 'EventName', AttributeValue: 'GetUser' })).Events!
    expect(event).toMatchObject({
      EventName: 'GetUser', EventSource: 'iam.amazonaws.com', ReadOnly: 'true', Username: 'user-0', AccessKeyId: alice.accessKeyId,
      Resources: [{ ResourceType: 'AWS::IAM::User', ResourceName: 'user-0' }],
    })
    expect(event!.EventTime!.getTime()).toBe(START.getTime() + 8000)
    expect(JSON.parse(event!.CloudTrailEvent!).eventID).toBe(event!.EventId)
  })

  it.each([
    { name: 'EventName', attribute: { AttributeKey: 'EventName', AttributeValue: 'CreateKey' }, check: (r: any) => r.eventName === 'CreateKey' },
    { name: 'EventSource', attribute: { AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }, check: (r: any) => r.eventSource === 'kms.amazonaws.com' },
    { name: 'ReadOnly true', attribute: { AttributeKey: 'ReadOnly', AttributeValue: 'true' }, check: (r: any) => r.readOnly === true },
    { name: 'ReadOnly false', attribute: { AttributeKey: 'ReadOnly', AttributeValue: 'false' }, check: (r: any) => r.readOnly === false },
    { name: 'Username', attribute: { AttributeKey: 'Username', AttributeValue: 'user-0' }, check: (r: any) => r.userIdentity.userName === 'user-0' },
    { name: 'Username root', attribute: { AttributeKey: 'Username', AttributeValue: 'root' }, check: (r: any) => r.userIdentity.type === 'Root' },
    { name: 'ResourceType', attribute: { AttributeKey: 'ResourceType', AttributeValue: 'AWS::KMS::Key' }, check: (r: any) => r.resources?.some((x: any) => x.type === 'AWS::KMS::Key') },
    { name: 'ResourceName', attribute: { AttributeKey: 'ResourceName', AttributeValue: 'user-3' }, check: (r: any) => r.requestParameters?.userName === 'user-3' },
  ] as const)('filters by $name', async ({ attribute, check }) => {
    const found = await records(attribute as LookupAttribute)
    expect(found.length).toBeGreaterThan(0)
    for (const record of found) expect(check(record)).toBe(true)
  })

  it('filters by AccessKeyId and by EventId', async () => {
    const byKey = await records({ AttributeKey: 'AccessKeyId', AttributeValue: alice.accessKeyId })
    expect(byKey.map((record) => record.eventName)).toEqual(['GetUser'])
    const [someEvent] = await records({ AttributeKey: 'EventName', AttributeValue: 'CreateAccessKey' })
    const byId = await records({ AttributeKey: 'EventId', AttributeValue: someEvent!.eventID })
    expect(byId).toEqual([someEvent])
  })

  it('keeps to StartTime and EndTime, both inclusive', async () => {
    expect((await records({ AttributeKey: 'EventName', AttributeValue: 'CreateKey' })).map((record) => record.responseElements.keyMetadata.arn)).toEqual([keyArn])
    const found = await records({ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }, {
      StartTime: new Date(START.getTime() + 2000), EndTime: new Date(START.getTime() + 4000),
    })
    expect(found.map((record) => record.requestParameters.userName)).toEqual(['user-4', 'user-3', 'user-2'])
  })

  it.each([
    { name: 'two lookup attributes', input: { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetUser' }, { AttributeKey: 'Username', AttributeValue: 'root' }] }, error: 'InvalidLookupAttributesException' },
    { name: 'a ReadOnly value other than true or false', input: { LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'yes' }] }, error: 'InvalidLookupAttributesException' },
    { name: 'a start time after the end time', input: { StartTime: new Date(START.getTime() + 5000), EndTime: START }, error: 'InvalidTimeRangeException' },
    { name: 'a NextToken that is not one', input: { NextToken: 'bm90IGEgdG9rZW4' }, error: 'InvalidNextTokenException' },
    { name: 'MaxResults 0', input: { MaxResults: 0 }, error: 'InvalidMaxResultsException' },
    { name: 'MaxResults over 50', input: { MaxResults: 51 }, error: 'InvalidMaxResultsException' },
  ] as const)('refuses $name with $error', async ({ input, error }) => {
    await expect(clients().cloudtrail.send(new LookupEventsCommand(input as never))).rejects.toMatchObject({ name: error, $metadata: { httpStatusCode: 400 } })
  })

  it('refuses a NextToken from a query with other parameters', async () => {
    const page = await lookup({ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }, { MaxResults: 2 })
    expect(page.NextToken).toBeDefined()
    await expect(lookup({ AttributeKey: 'EventName', AttributeValue: 'GetUser' }, { MaxResults: 2, NextToken: page.NextToken }))
      .rejects.toMatchObject({ name: 'InvalidNextTokenException' })
  })

  it('forgets events older than 90 days', async () => {
    expect(await records({ AttributeKey: 'EventName', AttributeValue: 'CreateUser' })).toHaveLength(7)
    clock.advance(90 * 86_400_000 - 5000) // now user-4 was created exactly 90 days ago, user-3 a second earlier
    const left = await records({ AttributeKey: 'EventName', AttributeValue: 'CreateUser' })
    expect(left.map((record) => record.requestParameters.userName)).toEqual(['user-6', 'user-5', 'user-4'])
  })
})
