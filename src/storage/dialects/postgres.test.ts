// PostgreSQL-only behaviour: conflicting concurrent transactions, and a listening connection that drops.
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { readMeta, writeMeta } from '../meta-store.js'
import { forPostgres } from '../testing.js'
import { LISTENER_APPLICATION_NAME } from './postgres-notifications.js'

forPostgres('LISTEN connection', (dialect) => {
  it('is re-opened after it drops, re-listens, and tells subscribers they may have missed notifications', async () => {
    const database = await dialect.open()
    let missed!: () => void
    const toldMissed = new Promise<void>((resolve) => (missed = resolve))
    let heard!: (payload: string) => void
    const heardAfter = new Promise<string>((resolve) => (heard = resolve))
    await database.subscribe('iam.policies', (payload) => heard(payload), { onMissed: () => missed() })

    const terminated = await sql<{ terminated: boolean }>`
      select pg_terminate_backend(pid) as terminated from pg_stat_activity
      where application_name = ${LISTENER_APPLICATION_NAME} and datname = current_database()`.execute(database.db)
    expect(terminated.rows).toEqual([{ terminated: true }])

    await toldMissed
    await database.notify('iam.policies', 'after-reconnect')
    expect(await heardAfter).toBe('after-reconnect')
  })
})

forPostgres('concurrent transactions', (dialect) => {
  it('lose no update when two read-then-write transactions overlap: one is run again', async () => {
    const database = await dialect.open()
    await writeMeta(database.db, 'counter', '0')
    let reads = 0
    let bothRead!: () => void
    const gate = new Promise<void>((resolve) => (bothRead = resolve))
    let runs = 0
    const increment = () => database.transaction(async (tx) => {
      runs++
      const value = Number(await readMeta(tx, 'counter'))
      if (++reads === 2) bothRead()
      await gate // both have read the same value before either writes
      await writeMeta(tx, 'counter', String(value + 1))
    })
    await Promise.all([increment(), increment()])
    expect(await readMeta(database.db, 'counter')).toBe('2')
    expect(runs).toBe(3)
  })
})
