// End to end: SetSecurityTokenServicePreferences, as GetAccountSummary reports it.
import { GetAccountSummaryCommand, IAMClient, SetSecurityTokenServicePreferencesCommand } from '@aws-sdk/client-iam'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { createTestUser } from './enforcement-support.js'

let palisade: TestPalisade
let iam: IAMClient
beforeAll(async () => {
  palisade = await startTestPalisade()
  iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
})
afterAll(() => palisade.stop())

const tokenVersion = async () => (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap!.GlobalEndpointTokenVersion

it('reports version 1 tokens until the preference changes, then the version set, back and forth', async () => {
  expect(await tokenVersion()).toBe(1)
  await iam.send(new SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: 'v2Token' }))
  expect(await tokenVersion()).toBe(2)
  await iam.send(new SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: 'v1Token' }))
  expect(await tokenVersion()).toBe(1)
})

it('rejects a version the API does not define', async () => {
  await expect(iam.send(new SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: 'v3Token' as 'v1Token' })))
    .rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } })
})

it('is refused to a user without iam:SetSecurityTokenServicePreferences', async () => {
  const user = await createTestUser(palisade, 'sts-pref-user')
  await expect(user.client.send(new SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: 'v2Token' })))
    .rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
  expect(await tokenVersion()).toBe(1)
})
