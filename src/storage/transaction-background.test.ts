// Tests for background transactions (the audit recorder's group commit): committed or rolled back like any other, with
// no before-commit hooks and no scope of their own, so scoped storages stay disabled while one runs.
import { AsyncResource } from 'node:async_hooks'
import { expect, it } from 'vitest'
import { scopedStorage, SCOPED_STORAGE_IDLE_MS } from '../core/scoped-storage.js'
import { toDbBoolean, toDbTimestamp } from './columns.js'
import { widgets, withWidgets } from './fixtures/widgets.js'
import { forEachDialect } from './testing.js'

const createdAt = toDbTimestamp(new Date('2026-01-02T03:04:05.678Z'))
const widget = (name: string) => ({ account_id: '111122223333', name, serial: `serial-${name}`, created_at: createdAt, enabled: toDbBoolean(true) })

forEachDialect('Database background transactions', (dialect) => {
  it('commits what the work wrote and resolves with its result', async () => {
    const database = await dialect.open(withWidgets)
    const result = await database.transaction(async (tx) => {
      await widgets(tx).insertInto('widgets').values(widget('a')).execute()
      return 'done'
    }, { background: true })
    expect(result).toBe('done')
    expect(await widgets(database.db).selectFrom('widgets').select('name').execute()).toEqual([{ name: 'a' }])
  })

  it('rolls back what the work wrote when it throws', async () => {
    const database = await dialect.open(withWidgets)
    await expect(database.transaction(async (tx) => {
      await widgets(tx).insertInto('widgets').values(widget('a')).execute()
      throw new Error('refused')
    }, { background: true })).rejects.toThrow('refused')
    expect(await widgets(database.db).selectFrom('widgets').select('name').execute()).toEqual([])
  })

  it('runs no before-commit hooks (they add what a call changed; a background write is no call)', async () => {
    const database = await dialect.open(withWidgets)
    let hooked = 0
    database.beforeEachCommit(async () => void hooked++)
    await database.transaction(async (tx) => void await widgets(tx).insertInto('widgets').values(widget('a')).execute(), { background: true })
    expect(hooked).toBe(0)
    await database.transaction(async (tx) => void await widgets(tx).insertInto('widgets').values(widget('b')).execute())
    expect(hooked).toBe(1)
  })

  it('is refused inside another transaction (it would wait for it on SQLite, or join it as a savepoint)', async () => {
    const database = await dialect.open(withWidgets)
    await database.transaction(async () => {
      await expect(database.transaction(async () => 'inner', { background: true })).rejects.toThrow('cannot run inside another transaction')
    })
  })

  it('opens no scope: scoped storages are disabled while background transactions keep running', async () => {
    const database = await dialect.open(withWidgets)
    const storage = scopedStorage<string>()
    let later!: () => string | undefined
    await storage.run('call', async () => {
      const resource = new AsyncResource('test.capture')
      later = () => resource.runInAsyncScope(() => storage.getStore())
    })
    // Background commits, one after another, for longer than the idle time that disables the storages.
    const until = performance.now() + SCOPED_STORAGE_IDLE_MS * 3
    let index = 0
    while (performance.now() < until) {
      await database.transaction(async (tx) => void await widgets(tx).insertInto('widgets').values(widget(`w${index++}`)).execute(), { background: true })
      await new Promise((resolve) => setTimeout(resolve, 1)) // the timers turn: where a due disable happens
    }
    expect(later()).toBeUndefined()
  })
})
