// Tests for a group commit's `carries`: the before-commit hooks run in the transaction's own context and in the
// context of every call it carries, and what they write commits with the shared transaction.
import { AsyncLocalStorage } from 'node:async_hooks'
import { expect, it } from 'vitest'
import { withWidgets, widgets } from './fixtures/widgets.js'
import { toDbBoolean, toDbTimestamp } from './columns.js'
import { forEachDialect } from './testing.js'

const createdAt = toDbTimestamp(new Date('2026-01-02T03:04:05.678Z'))
const widget = (name: string) => ({ account_id: '111122223333', name, serial: `serial-${name}`, created_at: createdAt, enabled: toDbBoolean(true) })

forEachDialect('Database transaction carries', (dialect) => {
  it('runs the before-commit hooks once per carried call, in that call\'s context, inside the shared transaction', async () => {
    const database = await dialect.open(withWidgets)
    const calls = new AsyncLocalStorage<string>()
    database.beforeEachCommit(async (tx) => {
      const call = calls.getStore()
      if (call !== undefined) await widgets(tx).insertInto('widgets').values(widget(`audit-${call}`)).execute()
    })
    const contexts = ['a', 'b'].map((call) => calls.run(call, () => AsyncLocalStorage.snapshot()))
    await database.transaction(async (tx) => {
      await widgets(tx).insertInto('widgets').values(widget('change')).execute()
    }, { carries: () => contexts })
    const rows = await widgets(database.db).selectFrom('widgets').select('name').orderBy('name').execute()
    expect(rows.map((row) => row.name)).toEqual(['audit-a', 'audit-b', 'change'])
  })

  it('writes nothing a carried hook added when the shared transaction rolls back', async () => {
    const database = await dialect.open(withWidgets)
    const calls = new AsyncLocalStorage<string>()
    database.beforeEachCommit(async (tx) => {
      const call = calls.getStore()
      if (call === 'bad') throw new Error('hook refused')
      if (call !== undefined) await widgets(tx).insertInto('widgets').values(widget(`audit-${call}`)).execute()
    })
    const contexts = ['good', 'bad'].map((call) => calls.run(call, () => AsyncLocalStorage.snapshot()))
    await expect(database.transaction(async (tx) => {
      await widgets(tx).insertInto('widgets').values(widget('change')).execute()
    }, { carries: () => contexts })).rejects.toThrow('hook refused')
    expect(await widgets(database.db).selectFrom('widgets').select('name').execute()).toEqual([])
  })
})
