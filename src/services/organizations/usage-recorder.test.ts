// usageRecorder + usage store: calls counted per account, service and UTC day, added to what is stored, on every dialect.
import { describe, expect, it } from 'vitest'
import type { Caller } from '../../core/caller.js'
import { forEachDialect } from '../../storage/testing.js'
import { usageRecorder } from './usage-recorder.js'
import { requestsBetween } from './usage-store.js'

const alice: Caller = { type: 'IAMUser', arn: 'arn:aws:iam::111111111111:user/alice', accountId: '111111111111', userId: 'AIDAALICE' }
const bob: Caller = { type: 'Root', arn: 'arn:aws:iam::222222222222:root', accountId: '222222222222', userId: '222222222222' }
const anonymous: Caller = { type: 'Anonymous', arn: '*', accountId: '000000000000', userId: 'anonymous' }
const at = (iso: string) => new Date(iso)

forEachDialect('usageRecorder', (dialect) => {
  describe('usageRecorder', () => {
    it('counts calls per account, service and UTC day, adding to what an earlier batch stored', async () => {
      const database = await dialect.open()
      const recorder = usageRecorder(database, { flushMs: 60_000 })
      recorder.record({ time: at('2026-11-21T23:59:59.999Z'), service: 'iam', caller: alice })
      recorder.record({ time: at('2026-11-22T00:00:00.000Z'), service: 'iam', caller: alice })
      recorder.record({ time: at('2026-11-22T10:00:00.000Z'), service: 'kms', caller: alice })
      recorder.record({ time: at('2026-11-22T10:00:00.000Z'), service: 'sts', caller: bob })
      await recorder.flush()
      recorder.record({ time: at('2026-11-22T11:00:00.000Z'), service: 'iam', caller: alice })
      await recorder.close()

      const day = await requestsBetween(database.db, '2026-11-22', '2026-11-22')
      expect(Object.fromEntries(day.get(alice.accountId)!)).toEqual({ iam: 2, kms: 1 })
      expect(Object.fromEntries(day.get(bob.accountId)!)).toEqual({ sts: 1 })
      const both = await requestsBetween(database.db, '2026-11-21', '2026-11-22', [alice.accountId])
      expect(Object.fromEntries(both.get(alice.accountId)!)).toEqual({ iam: 3, kms: 1 })
      expect(both.has(bob.accountId)).toBe(false)
    })

    it("meters an anonymous call to the resource's owner, and nothing for a call that never authenticated or was not routed", async () => {
      const database = await dialect.open()
      const recorder = usageRecorder(database, { flushMs: 60_000 })
      recorder.record({ time: at('2026-11-22T10:00:00Z'), service: 's3', caller: anonymous, resourceAccountId: '333333333333' })
      recorder.record({ time: at('2026-11-22T10:00:00Z'), service: 's3', caller: anonymous }) // no bucket: nobody's
      recorder.record({ time: at('2026-11-22T10:00:00Z'), service: 'iam' }) // refused before authentication
      recorder.record({ time: at('2026-11-22T10:00:00Z'), caller: alice }) // not routed
      await recorder.close()
      const usage = await requestsBetween(database.db, '2026-11-01', '2026-11-30')
      expect([...usage.keys()]).toEqual(['333333333333'])
      expect(Object.fromEntries(usage.get('333333333333')!)).toEqual({ s3: 1 })
    })
  })
})
