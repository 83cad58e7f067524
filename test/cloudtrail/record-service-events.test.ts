// AWS service events: KMS deleting a key at the end of its waiting period and rotating a key on schedule are recorded
// with eventType AwsServiceEvent (no caller: the account, invoked by "AWS Internal"), found by LookupEvents.
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail'
import { CreateKeyCommand, EnableKeyRotationCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { kmsServiceEvents } from '../../src/services/cloudtrail/index.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { clients as baseClients } from './cloudtrail-support.js'

const DAY_MS = 86_400_000
const ACCOUNT = '000000000000'
const KEY_ARN = `arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab`

describe('kmsServiceEvents', () => {
  it('records a scheduled rotation and a deletion as AWS does: no caller, no request, the key as the resource', () => {
    const [deleted, rotated] = kmsServiceEvents({ deleted: [KEY_ARN], rotated: [KEY_ARN] }, new Date('2026-05-01T10:00:00.500Z'), () => 'event-id')
    const common = {
      eventVersion: '1.09', userIdentity: { accountId: '111122223333', invokedBy: 'AWS Internal' }, eventTime: '2026-05-01T10:00:00Z',
      eventSource: 'kms.amazonaws.com', awsRegion: 'eu-west-1', sourceIPAddress: 'AWS Internal', userAgent: 'AWS Internal',
      requestParameters: null, eventID: 'event-id', readOnly: false, resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: KEY_ARN }],
      eventType: 'AwsServiceEvent', managementEvent: true, recipientAccountId: '111122223333', eventCategory: 'Management',
    }
    expect(deleted).toEqual({ ...common, eventName: 'DeleteKey', responseElements: { keyId: KEY_ARN } })
    expect(rotated).toEqual({
      ...common, eventName: 'RotateKey', responseElements: null,
      serviceEventDetails: { rotationType: 'AUTOMATIC', keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', keyOrigin: 'AWS_KMS' },
    })
    expect(deleted).not.toHaveProperty('requestID')
  })
})

describe('KMS service events in the event history', () => {
  const clock = fixedClock(new Date(Math.floor(Date.now() / 1000) * 1000))
  let palisade: TestPalisade
  /** Clients that sign at the server's (moved) time. */
  const clients = () => {
    const made = baseClients(palisade)
    for (const client of Object.values(made)) client.config.systemClockOffset = clock.now().getTime() - Date.now()
    return made
  }
  beforeAll(async () => { palisade = await startTestPalisade([], { clock, kmsSweepMs: 20 }) })
  afterAll(async () => { await palisade.close() })

  it('records RotateKey and DeleteKey once the sweep has done them', async () => {
    const { kms } = clients()
    const rotating = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!
    await kms.send(new EnableKeyRotationCommand({ KeyId: rotating.KeyId, RotationPeriodInDays: 90 }))
    const doomed = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }))
    clock.advance(91 * DAY_MS)

    const serviceEvents = async () => ((await clients().cloudtrail.send(new LookupEventsCommand({ MaxResults: 50 }))).Events ?? [])
      .map((event) => JSON.parse(event.CloudTrailEvent!) as Record<string, any>).filter((record) => record.eventType === 'AwsServiceEvent')
    let found: Record<string, any>[] = []
    for (let attempt = 0; attempt < 100 && found.length < 2; attempt++) {
      found = await serviceEvents()
      if (found.length < 2) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(found.map((record) => [record.eventName, record.resources[0].ARN]).sort()).toEqual([['DeleteKey', doomed.Arn], ['RotateKey', rotating.Arn]])
    for (const record of found) expect(record.userIdentity).toEqual({ accountId: ACCOUNT, invokedBy: 'AWS Internal' })
    // Found by the key too, as any event naming a resource.
    const byKey = await clients().cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: rotating.Arn! }] }))
    expect(byKey.Events!.map((event) => event.EventName)).toContain('RotateKey')
  })
})
