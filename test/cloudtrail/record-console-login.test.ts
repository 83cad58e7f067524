// ConsoleLogin: the AwsConsoleSignIn record of a console sign-in (success, failure, an unknown user name hidden),
// written by the recorder and found by LookupEvents.
import { describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import type { OperationContext } from '../../src/core/operation.js'
import { consoleLoginRecord } from '../../src/services/cloudtrail/index.js'
import { lookupOperations } from '../../src/services/cloudtrail/lookup-events.js'
import { recorderPerTest } from './recorder-fixture.js'

const ACCOUNT = '000000000000'
const AT = new Date('2026-05-01T10:00:00Z')
const ctx: OperationContext = {
  caller: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT }, accountId: ACCOUNT, region: 'us-east-1', partition: 'aws', requestId: 'r',
}
const base = { time: AT, accountId: ACCOUNT, region: 'us-east-1', sourceIp: '198.51.100.7', userAgent: 'Mozilla/5.0', loginTo: 'https://console.palisade.local/home' }

describe('consoleLoginRecord', () => {
  const under = recorderPerTest(ACCOUNT)

  it('records a successful IAM user sign-in with MFA', () => {
    const record = consoleLoginRecord({ ...base, eventId: '11111111-1111-4111-8111-111111111111', succeeded: true, mfaUsed: true,
      principal: { type: 'IAMUser', userName: 'alice', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userId: 'AIDAALICE000000000000' } })
    expect(record).toEqual({
      eventVersion: '1.09',
      userIdentity: { type: 'IAMUser', principalId: 'AIDAALICE000000000000', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' },
      eventTime: '2026-05-01T10:00:00Z',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.7',
      userAgent: 'Mozilla/5.0',
      requestParameters: null,
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { LoginTo: 'https://console.palisade.local/home', MobileVersion: 'No', MFAUsed: 'Yes' },
      eventID: '11111111-1111-4111-8111-111111111111',
      readOnly: false,
      eventType: 'AwsConsoleSignIn',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    })
  })

  it('records a failed root sign-in with AWS\'s error message', () => {
    const record = consoleLoginRecord({ ...base, eventId: '22222222-2222-4222-8222-222222222222', succeeded: false, mfaUsed: false, principal: { type: 'Root' } })
    expect(record).toMatchObject({
      userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
      errorMessage: 'Failed authentication',
      responseElements: { ConsoleLogin: 'Failure' },
      additionalEventData: { MFAUsed: 'No' },
    })
  })

  it('hides a user name that names no user (it may be a mistyped password)', () => {
    const record = consoleLoginRecord({ ...base, eventId: '33333333-3333-4333-8333-333333333333', succeeded: false, mfaUsed: false, principal: { type: 'IAMUser', userName: 'hunter2' } })
    expect(record.userIdentity).toEqual({ type: 'IAMUser', accountId: ACCOUNT, accessKeyId: '', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' })
    expect(JSON.stringify(record)).not.toContain('hunter2')
  })

  it('is found by LookupEvents once the recorder has written it', async () => {
    under.recorder.append([consoleLoginRecord({ ...base, eventId: '44444444-4444-4444-8444-444444444444', succeeded: true, mfaUsed: false, principal: { type: 'Root' } })])
    const { LookupEvents } = lookupOperations({ database: under.database, clock: fixedClock(AT.getTime() + 60_000), flushPending: under.recorder.flush })
    const found = await LookupEvents({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }] }, ctx)
    expect(found.Events).toMatchObject([{ EventId: '44444444-4444-4444-8444-444444444444', EventName: 'ConsoleLogin', EventSource: 'signin.amazonaws.com', Username: 'root', ReadOnly: 'false' }])
  })
})
