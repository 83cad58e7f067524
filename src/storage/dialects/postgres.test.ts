// PostgreSQL-only behaviour: the listening connection survives being dropped.
import { sql } from 'kysely'
import { expect, it } from 'vitest'
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
