// Tests for the migrations run at open: versioned, idempotent, atomic, serialized across concurrent starts.
import type { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { openDatabase } from './database.js'
import { SCHEMA_VERSION_KEY } from './migrate.js'
import type { Migration } from './migration.js'
import { migrations } from './migrations/index.js'
import { readMeta } from './meta-store.js'
import { forEachDialect } from './testing.js'

const nextId = (offset: number, name: string) =>
  `${String(migrations.length + offset).padStart(4, '0')}-${name.replaceAll('_', '-')}`

/** A migration that creates a table and counts how often it ran. */
function countingMigration(offset: number, name: string) {
  const runs = { count: 0 }
  const migration: Migration = {
    id: nextId(offset, name),
    async up(db: Kysely<any>) {
      runs.count++
      await db.schema.createTable(name).addColumn('id', 'integer', (column) => column.primaryKey()).execute()
    },
  }
  return { migration, runs }
}

async function tableNames(db: Kysely<any>): Promise<string[]> {
  return (await db.introspection.getTables()).map((table) => table.name).filter((name) => name.startsWith('step_'))
}

forEachDialect('migrations at open', (dialect) => {
  it('applies every migration once and records the latest version', async () => {
    const first = countingMigration(1, 'step_one')
    const second = countingMigration(2, 'step_two')
    const list = [...migrations, first.migration, second.migration]
    const database = await dialect.open({ migrations: list })
    expect(await readMeta(database.db, SCHEMA_VERSION_KEY)).toBe(String(list.length))
    await database.close()

    const reopened = await dialect.open({ migrations: list })
    expect([first.runs.count, second.runs.count]).toEqual([1, 1])
    expect(await tableNames(reopened.db)).toEqual(['step_one', 'step_two'])
  })

  it('applies only the migrations added since the last start', async () => {
    const first = countingMigration(1, 'step_one')
    const second = countingMigration(2, 'step_two')
    await (await dialect.open({ migrations: [...migrations, first.migration] })).close()
    const database = await dialect.open({ migrations: [...migrations, first.migration, second.migration] })
    expect([first.runs.count, second.runs.count]).toEqual([1, 1])
    expect(await tableNames(database.db)).toEqual(['step_one', 'step_two'])
  })

  it('leaves nothing of a failing migration and keeps the earlier ones', async () => {
    const good = countingMigration(1, 'step_good')
    const failing: Migration = {
      id: nextId(2, 'failing'),
      async up(db) {
        await db.schema.createTable('step_half').addColumn('id', 'integer').execute()
        throw new Error('migration failed halfway')
      },
    }
    await expect(dialect.open({ migrations: [...migrations, good.migration, failing] })).rejects.toThrow('halfway')
    const database = await dialect.open({ migrations: [...migrations, good.migration] })
    expect(good.runs.count).toBe(1)
    expect(await tableNames(database.db)).toEqual(['step_good'])
    expect(await readMeta(database.db, SCHEMA_VERSION_KEY)).toBe(String(migrations.length + 1))
  })

  it('refuses a database migrated by a newer Palisade', async () => {
    const newer = countingMigration(1, 'step_newer')
    await (await dialect.open({ migrations: [...migrations, newer.migration] })).close()
    await expect(dialect.open({ migrations })).rejects.toThrow(/newer than this Palisade/)
  })

  it('migrates once when several processes start at the same moment', async () => {
    const slow = countingMigration(1, 'step_slow')
    const list = [...migrations, slow.migration]
    const opened = await Promise.all([1, 2, 3].map(() => dialect.open({ migrations: list })))
    expect(slow.runs.count).toBe(1)
    for (const database of opened) expect(await readMeta(database.db, SCHEMA_VERSION_KEY)).toBe(String(list.length))
  })
}, { sqlite: 'file' })

describe('openDatabase with a malformed migration list', () => {
  it.each([
    { name: 'rejects a list that skips a number', ids: ['0001-meta', '0003-late'] },
    { name: 'rejects a list out of order', ids: ['0002-second', '0001-meta'] },
    { name: 'rejects an id that is not NNNN-name', ids: ['1-meta'] },
  ])('$name', async ({ ids }) => {
    const list = ids.map((id): Migration => ({ id, up: async () => {} }))
    await expect(openDatabase({ url: ':memory:', migrations: list })).rejects.toThrow(/^migration /)
  })
})
