// The SQLite statement cache: one Statement per SQL text, a fresh one while the cached one is busy, a bounded LRU,
// and cached statements that keep working across schema changes, migrations and a reset.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { toDbBoolean } from '../columns.js'
import { openDatabase, type Database } from '../database.js'
import { eraseAllData } from '../erase-data.js'
import { widgets, withWidgets } from '../fixtures/widgets.js'
import { statementCache } from './statement-cache.js'

describe('statementCache', () => {
  let file: BetterSqlite3.Database | undefined
  afterEach(() => file?.close())

  function cacheOnTable(capacity?: number) {
    file = new BetterSqlite3(':memory:')
    file.exec('create table t (id integer primary key, name text)')
    file.exec("insert into t (name) values ('a'), ('b'), ('c')")
    return statementCache(file, capacity)
  }

  it('hands back the same Statement for the same SQL text', () => {
    const cache = cacheOnTable()
    const first = cache.prepare('select name from t order by id')
    expect(cache.prepare('select name from t order by id')).toBe(first)
    expect(cache.prepare('select id from t order by id')).not.toBe(first)
    expect(cache.size).toBe(2)
  })

  it('prepares a fresh Statement while the cached one is stepping through an iterate', () => {
    const cache = cacheOnTable()
    const cached = cache.prepare('select name from t order by id')
    const iterator = cached.iterate()
    expect(iterator.next().value).toEqual({ name: 'a' })

    const fresh = cache.prepare('select name from t order by id')
    expect(fresh).not.toBe(cached)
    expect(fresh.all()).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }])
    expect([...iterator]).toEqual([{ name: 'b' }, { name: 'c' }])

    // Once the iterate is done, the cached statement is free again.
    expect(cache.prepare('select name from t order by id')).toBe(cached)
  })

  it('keeps at most `capacity` statements, dropping the least recently used', () => {
    const cache = cacheOnTable(2)
    const a = cache.prepare('select 1')
    const b = cache.prepare('select 2')
    expect(cache.prepare('select 1')).toBe(a) // now `select 2` is the least recently used
    cache.prepare('select 3')
    expect(cache.size).toBe(2)
    expect(cache.prepare('select 1')).toBe(a)
    expect(cache.prepare('select 2')).not.toBe(b)
  })

  it('keeps a cached statement working after the schema it was prepared for changes', () => {
    const cache = cacheOnTable()
    expect(cache.prepare('select * from t where id = 1').all()).toEqual([{ id: 1, name: 'a' }])
    file!.exec("alter table t add column colour text not null default 'red'")
    expect(cache.prepare('select * from t where id = 1').all()).toEqual([{ id: 1, name: 'a', colour: 'red' }])
  })
})

describe('SQLite handle with cached statements', () => {
  let directory: string | undefined
  let database: Database | undefined
  afterEach(async () => {
    await database?.close()
    if (directory) rmSync(directory, { recursive: true, force: true })
  })

  const widget = (name: string) => ({ account_id: '111122223333', name, serial: `serial-${name}`, created_at: '2026-01-01T00:00:00.000Z', enabled: toDbBoolean(true) })
  const names = async () => (await widgets(database!.db).selectFrom('widgets').select('name').orderBy('name').execute()).map((row) => row.name)

  it('runs the same query text again after the table was dropped and created anew with other columns', async () => {
    database = await openDatabase({ url: ':memory:' })
    await sql`create table gadgets (id integer primary key, label text)`.execute(database.db)
    await sql`insert into gadgets (label) values ('one')`.execute(database.db)
    expect((await sql`select * from gadgets`.execute(database.db)).rows).toEqual([{ id: 1, label: 'one' }])

    await sql`drop table gadgets`.execute(database.db)
    await sql`create table gadgets (id integer primary key, label text, weight integer)`.execute(database.db)
    await sql`insert into gadgets (label, weight) values ('two', 3)`.execute(database.db)
    expect((await sql`select * from gadgets`.execute(database.db)).rows).toEqual([{ id: 1, label: 'two', weight: 3 }])
  })

  it('migrates an existing file again, and erases and refills it, with the same query texts', async () => {
    directory = mkdtempSync(join(tmpdir(), 'palisade-statements-'))
    const url = join(directory, 'palisade.db')
    database = await openDatabase({ url, ...withWidgets })
    await widgets(database.db).insertInto('widgets').values(widget('a')).execute()
    await database.close()

    database = await openDatabase({ url, ...withWidgets })
    expect(await names()).toEqual(['a'])
    await database.transaction((tx) => eraseAllData(tx))
    expect(await names()).toEqual([])
    await widgets(database.db).insertInto('widgets').values(widget('a')).execute()
    await database.transaction((tx) => eraseAllData(tx))
    await widgets(database.db).insertInto('widgets').values(widget('b')).execute()
    expect(await names()).toEqual(['b'])
  })
})
