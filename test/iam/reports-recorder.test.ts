// The service-access recorder on every dialect: calls stay in memory until a batch is written, the latest access
// per principal and action wins (in the batch and in storage), and only IAM users and role sessions are tracked.
import { expect, it } from 'vitest'
import type { Caller } from '../../src/core/caller.js'
import { serviceAccessRecorder } from '../../src/services/iam/service-last-accessed-recorder.js'
import { serviceAccessesOf } from '../../src/services/iam/service-last-accessed-store.js'
import { forEachDialect } from '../../src/storage/testing.js'

const ACCOUNT = '111122223333'
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`
const ROLE = `arn:aws:iam::${ACCOUNT}:role/deploy`
const alice: Caller = { type: 'IAMUser', arn: ALICE, accountId: ACCOUNT, userId: 'AIDAALICE000000000001' }
const session: Caller = {
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/ci`,
  accountId: ACCOUNT,
  userId: 'AROADEPLOY00000000001:ci',
  session: {
    issuer: { type: 'Role', arn: ROLE, id: 'AROADEPLOY00000000001' },
    mfaAuthenticated: false,
    issuedAt: new Date('2026-11-22T11:00:00Z'),
    expiresAt: new Date('2026-11-22T13:00:00Z'),
  },
}
const root: Caller = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT }
const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 12, minute))
const call = (caller: Caller | undefined, operation: string, minute: number, region = 'us-east-1') => ({ time: at(minute), service: 'iam', operation, caller, region })

forEachDialect('service access recorder', (dialect) => {
  it('keeps calls in memory until the batch is written, then stores the latest per principal and action', async () => {
    const database = await dialect.open()
    const recorder = serviceAccessRecorder(database, { flushMs: 60_000 })
    recorder.record(call(alice, 'ListUsers', 1))
    recorder.record(call(alice, 'ListUsers', 3, 'eu-west-1'))
    recorder.record(call(alice, 'ListUsers', 2)) // older than the one pending: ignored
    recorder.record(call(session, 'ListRoles', 4))
    expect(await serviceAccessesOf(database.db, ACCOUNT, [ALICE, ROLE])).toEqual([])
    await recorder.flush()
    const stored = await serviceAccessesOf(database.db, ACCOUNT, [ALICE, ROLE])
    expect(stored.map((access) => [access.principalArn, access.action, access.at.toISOString(), access.region]).sort()).toEqual([
      [ROLE, 'iam:ListRoles', at(4).toISOString(), 'us-east-1'],
      [ALICE, 'iam:ListUsers', at(3).toISOString(), 'eu-west-1'],
    ])
    // A batch holding an older access (another server's, late) leaves the later one in place.
    recorder.record(call(alice, 'listusers', 0))
    recorder.record(call(alice, 'GetUser', 5))
    await recorder.close()
    const after = await serviceAccessesOf(database.db, ACCOUNT, [ALICE])
    expect(after.map((access) => [access.action, access.at.toISOString()]).sort()).toEqual([
      ['iam:GetUser', at(5).toISOString()],
      ['iam:ListUsers', at(3).toISOString()],
    ])
    await database.close()
  })

  it('tracks neither the root user nor unauthenticated or unrouted calls', async () => {
    const database = await dialect.open()
    const recorder = serviceAccessRecorder(database, { flushMs: 60_000 })
    recorder.record(call(root, 'ListUsers', 1))
    recorder.record(call(undefined, 'ListUsers', 1))
    recorder.record({ time: at(1), caller: alice, region: 'us-east-1' })
    await recorder.close()
    const rows = await database.db.selectFrom('iam_service_access').selectAll().execute()
    expect(rows).toEqual([])
    await database.close()
  })

  it('writes a batch as soon as maxPending distinct accesses wait', async () => {
    const database = await dialect.open()
    const recorder = serviceAccessRecorder(database, { flushMs: 60_000, maxPending: 3 })
    for (const operation of ['ListUsers', 'GetUser', 'ListGroups']) recorder.record(call(alice, operation, 1))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await serviceAccessesOf(database.db, ACCOUNT, [ALICE])).toHaveLength(3)
    await recorder.close()
    await database.close()
  })
})
