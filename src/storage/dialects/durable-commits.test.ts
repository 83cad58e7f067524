// Durable commits on SQLite: a write is acknowledged only after a sync of the write-ahead log that started after its
// commit; concurrent commits share one sync; reads, read-only and rolled-back transactions wait for none.
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { toDbBoolean } from '../columns.js'
import { CommitNotDurableError } from '../commit-not-durable-error.js'
import { openDatabase, type Database } from '../database.js'
import { widgets, withWidgets } from '../fixtures/widgets.js'
import { groupSync, walFileSync } from './wal-sync.js'

/** A log sync the test finishes by hand, one round at a time, once the database is open (migrations write too). */
function heldSync() {
  const rounds: { finish: () => void; fail: (error: Error) => void }[] = []
  let holding = false
  return {
    get calls() {
      return rounds.length
    },
    hold: () => void (holding = true),
    sync: () => (holding ? new Promise<void>((finish, fail) => void rounds.push({ finish, fail })) : Promise.resolve()),
    finish: (round: number) => rounds[round - 1]!.finish(),
    fail: (round: number, error: Error) => rounds[round - 1]!.fail(error),
  }
}

/** Whether `promise` has settled yet, read without waiting for it. */
function watch<T>(promise: Promise<T>) {
  const state = { settled: false, promise }
  promise.then(() => (state.settled = true), () => (state.settled = true))
  return state
}

/** Lets the event loop turn until `condition` holds (a bounded number of turns, not a time). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let turn = 0; turn < 10_000; turn++) {
    if (await condition()) return
    await nextTurn()
  }
  throw new Error('condition never held')
}

/** A few turns of the event loop: what would resolve without the sync has resolved by then. */
async function settleTurns(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await nextTurn()
}

const widget = (name: string) => ({ account_id: '111122223333', name, serial: `serial-${name}`, created_at: '2026-01-01T00:00:00.000Z', enabled: toDbBoolean(true) })

describe('SQLite durable commits', () => {
  let directory: string | undefined
  let database: Database | undefined
  afterEach(async () => {
    await database?.close()
    database = undefined
    if (directory) rmSync(directory, { recursive: true, force: true })
    directory = undefined
  })

  async function openWith(held?: ReturnType<typeof heldSync>): Promise<Database> {
    directory = mkdtempSync(join(tmpdir(), 'palisade-durable-'))
    database = await openDatabase({ url: join(directory, 'palisade.db'), ...withWidgets, syncWal: held?.sync })
    held?.hold()
    return database
  }
  const insert = (db: Database['db'], name: string) => widgets(db).insertInto('widgets').values(widget(name)).execute()
  const names = async () => (await widgets(database!.db).selectFrom('widgets').select('name').orderBy('name').execute()).map((row) => row.name)

  /** Opens with a held sync, listens on 'widgets', and starts a transaction that inserts and announces 'a'; returns
   *  once that commit waits for its sync. */
  async function writeWithNotice() {
    const held = heldSync()
    const db = await openWith(held)
    const heard: string[] = []
    await db.subscribe('widgets', (payload) => heard.push(payload))
    const written = db.transaction(async (tx) => {
      await insert(tx, 'a')
      await db.notify('widgets', 'a')
    })
    await until(() => held.calls === 1)
    return { held, db, heard, written }
  }

  it('resolves a write transaction only once the log sync after its commit has finished', async () => {
    const held = heldSync()
    const db = await openWith(held)
    const written = watch(db.transaction(async (tx) => {
      await insert(tx, 'a')
      return 'done'
    }))

    await until(() => held.calls === 1)
    await settleTurns()
    expect(written.settled).toBe(false)
    // Committed already: the connection is free for others while the sync runs.
    expect(await names()).toEqual(['a'])

    held.finish(1)
    expect(await written.promise).toBe('done')
    expect(held.calls).toBe(1)
  })

  it('resolves a write outside a transaction (autocommit) only after the log sync', async () => {
    const held = heldSync()
    const db = await openWith(held)
    const written = watch(insert(db.db, 'a'))
    await until(() => held.calls === 1)
    await settleTurns()
    expect(written.settled).toBe(false)
    held.finish(1)
    await written.promise
    expect(await names()).toEqual(['a'])
  })

  it('makes commits that arrive during a sync share the next one', async () => {
    const held = heldSync()
    const db = await openWith(held)
    const first = watch(db.transaction((tx) => insert(tx, 'a')))
    await until(() => held.calls === 1)

    // Committed while the first sync runs: it may have started before their writes, so they wait for the next.
    const second = watch(db.transaction((tx) => insert(tx, 'b')))
    const third = watch(insert(db.db, 'c'))
    await until(async () => (await names()).length === 3)
    await settleTurns()
    expect(held.calls).toBe(1) // one sync at a time
    expect([first.settled, second.settled, third.settled]).toEqual([false, false, false])

    held.finish(1)
    await first.promise
    await until(() => held.calls === 2)
    await settleTurns()
    expect([second.settled, third.settled]).toEqual([false, false])

    held.finish(2)
    await Promise.all([second.promise, third.promise])
    expect(held.calls).toBe(2) // three commits, two syncs
  })

  it('does not make reads, read-only transactions or rolled-back transactions wait for a sync', async () => {
    const held = heldSync() // never finished: anything that waited for it would hang the test
    const db = await openWith(held)
    expect(await names()).toEqual([])
    expect(await db.transaction(async (tx) => (await widgets(tx).selectFrom('widgets').selectAll().execute()).length)).toBe(0)
    await expect(db.transaction(async (tx) => {
      await insert(tx, 'a')
      throw new Error('changed my mind')
    })).rejects.toThrow('changed my mind')
    expect(held.calls).toBe(0)
  })

  it('sends a transaction\'s change notices only once its write is durable', async () => {
    const { held, heard, written } = await writeWithNotice()
    await settleTurns()
    expect(heard).toEqual([])
    held.finish(1)
    await written
    await until(() => heard.length === 1)
    expect(heard).toEqual(['a'])
  })

  it('fails the writes a failed sync was to make durable, still sends their notices, and syncs again for the next', async () => {
    const { held, db, heard, written } = await writeWithNotice()
    held.fail(1, new Error('EIO: i/o error, fdatasync'))
    const failure = await written.catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(CommitNotDurableError)
    expect((failure as Error).message).toMatch(/committed, but syncing the database log to disk failed: EIO/)
    // The write is visible to every reader, so the caches its notice keeps fresh must hear of it.
    await until(() => heard.length === 1)

    const next = db.transaction((tx) => insert(tx, 'b'))
    await until(() => held.calls === 2)
    held.finish(2)
    await next
    expect(await names()).toEqual(['a', 'b'])
  })

  it('never syncs an in-memory database', async () => {
    const held = heldSync()
    held.hold()
    database = await openDatabase({ url: ':memory:', ...withWidgets, syncWal: held.sync })
    await database.transaction((tx) => insert(tx, 'a'))
    await insert(database.db, 'b')
    expect(held.calls).toBe(0)
    expect(await names()).toEqual(['a', 'b'])
  })

  it('syncs the real -wal file by default', async () => {
    const db = await openWith()
    await db.transaction((tx) => insert(tx, 'a'))
    await Promise.all(['b', 'c', 'd'].map((name) => db.transaction((tx) => insert(tx, name))))
    expect(existsSync(join(directory!, 'palisade.db-wal'))).toBe(true)
    expect(await names()).toEqual(['a', 'b', 'c', 'd'])
  })
})

describe('groupSync', () => {
  it('rejects the round of a sync that throws at once, and runs the next round normally', async () => {
    let calls = 0
    const group = groupSync(() => {
      calls++
      if (calls === 1) throw new Error('EBADF')
      return Promise.resolve()
    })
    await expect(group.request()).rejects.toThrow('EBADF')
    await expect(group.request()).resolves.toBeUndefined()
    expect(calls).toBe(2)
  })
})

describe('walFileSync', () => {
  /** What this process's descriptors under `path` point at (Linux: /proc/self/fd; a deleted file is `… (deleted)`). */
  const openFiles = (path: string) => readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`)
      return target.startsWith(path) ? [target] : []
    } catch {
      return [] // the listing's own descriptor, closed by now
    }
  })

  /** Runs `test` with the paths of a database file and its log in a fresh directory, removed after. */
  async function inDirectory(test: (paths: { database: string; log: string }) => Promise<void>): Promise<void> {
    const directory = mkdtempSync(join(tmpdir(), 'palisade-wal-'))
    try {
      await test({ database: join(directory, 'db.sqlite'), log: join(directory, 'db.sqlite-wal') })
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  }

  it('has nothing to sync when the log does not exist (checkpointed and removed at close)', () => inDirectory(async ({ database }) => {
    await expect(walFileSync(database).sync()).resolves.toBeUndefined()
  }))

  it('holds one descriptor of the log across rounds, opens a log file that replaced it, and lets go at close', () => inDirectory(async ({ database, log }) => {
    writeFileSync(log, 'frames')
    const wal = walFileSync(database)
    await wal.sync()
    await wal.sync()
    expect(openFiles(log)).toEqual([log])
    // SQLite deleted the log (last connection closed) and a new one was made: another inode, the same name.
    rmSync(log)
    writeFileSync(log, 'new frames')
    await wal.sync()
    expect(openFiles(log)).toEqual([log])
    rmSync(log)
    await wal.sync() // no log: nothing to sync, nothing held
    expect(openFiles(log)).toEqual([])
    writeFileSync(log, 'frames again')
    await wal.sync()
    wal.close()
    expect(openFiles(log)).toEqual([])
  }))

  it('runs rounds asked for at once one after the other, on one descriptor', () => inDirectory(async ({ database, log }) => {
    writeFileSync(log, 'frames')
    const wal = walFileSync(database)
    await Promise.all([wal.sync(), wal.sync(), wal.sync()])
    expect(openFiles(log)).toEqual([log])
    wal.close()
  }))

  it('finishes a round that runs as it is closed, and leaves no descriptor open', () => inDirectory(async ({ database, log }) => {
    writeFileSync(log, 'frames')
    const wal = walFileSync(database)
    await wal.sync() // the descriptor is held from here on
    const round = wal.sync()
    wal.close()
    await expect(round).resolves.toBeUndefined()
    expect(openFiles(log)).toEqual([])
  }))
})
