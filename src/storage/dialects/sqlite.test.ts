// The SQLite dialect's connection settings: WAL, synchronous=NORMAL (durability by group sync), busy timeout, foreign keys.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../database.js'

describe('SQLite dialect', () => {
  let directory: string | undefined
  let database: Database | undefined
  afterEach(async () => {
    await database?.close()
    if (directory) rmSync(directory, { recursive: true, force: true })
  })

  async function pragma(name: string): Promise<unknown> {
    const result = await sql.raw(`pragma ${name}`).execute(database!.db)
    return Object.values(result.rows[0] as object)[0]
  }

  it.each([
    { name: 'journals to a write-ahead log', pragma: 'journal_mode', expected: 'wal' },
    { name: 'leaves the log unsynced inside COMMIT (synchronous=NORMAL; writes wait for a group sync)', pragma: 'synchronous', expected: 1 },
    { name: 'enforces foreign keys', pragma: 'foreign_keys', expected: 1 },
    { name: 'waits for a busy file for the configured time', pragma: 'busy_timeout', expected: 1234 },
  ])('$name', async ({ pragma: name, expected }) => {
    directory = mkdtempSync(join(tmpdir(), 'palisade-sqlite-'))
    database = await openDatabase({ url: join(directory, 'palisade.db'), busyTimeoutMs: 1234 })
    expect(await pragma(name)).toBe(expected)
  })

  it('rejects a row whose foreign key points nowhere', async () => {
    database = await openDatabase({ url: ':memory:' })
    await sql`create table parent (id integer primary key)`.execute(database.db)
    await sql`create table child (parent_id integer references parent (id))`.execute(database.db)
    await expect(sql`insert into child (parent_id) values (7)`.execute(database.db)).rejects.toThrow(/FOREIGN KEY/)
  })
})
