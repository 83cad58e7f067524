// forEachDialect: runs a store test suite on SQLite and, when configured, PostgreSQL, each test on a fresh database.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { threadId } from 'node:worker_threads'
import pg from 'pg'
import { afterAll, afterEach, describe } from 'vitest'
import { openDatabase, type Database, type StorageConfig } from './database.js'

export const POSTGRES_URL_VARIABLE = 'PALISADE_TEST_POSTGRES_URL'

export interface DialectUnderTest {
  readonly name: 'sqlite' | 'postgres'
  /** This test's fresh database, created at the first call; every call in one test gives the same one. */
  config(): Promise<StorageConfig>
  /** Opens (and migrates) a handle on this test's database; closed after the test. */
  open(overrides?: Partial<StorageConfig>): Promise<Database>
}

export interface ForEachDialectOptions {
  /**
   * `memory` (default) gives each handle a private in-memory database; `file` puts the test's
   * database in a temporary file, for tests that open several handles or another process.
   */
  readonly sqlite?: 'memory' | 'file'
}

/**
 * `describe`s `define` once per dialect: `name [sqlite]`, and `name [postgres]` when
 * PALISADE_TEST_POSTGRES_URL is set (scripts/postgres-test.sh starts a server and prints it).
 * Without it the PostgreSQL suite is reported as skipped, with the reason in its name.
 */
export function forEachDialect(
  name: string,
  define: (dialect: DialectUnderTest) => void,
  options: ForEachDialectOptions = {},
): void {
  describe(`${name} [sqlite]`, () => {
    const dialect = sqliteUnderTest(options.sqlite ?? 'memory')
    afterEach(() => dialect.cleanUp())
    define(dialect)
  })

  forPostgres(name, define)
}

/**
 * `describe`s `define` on PostgreSQL only, for behaviour SQLite does not have (a dropped
 * connection, several pools): `name [postgres]`, reported as skipped, with the reason in its
 * name, when PALISADE_TEST_POSTGRES_URL is not set.
 */
export function forPostgres(name: string, define: (dialect: DialectUnderTest) => void): void {
  const adminUrl = process.env[POSTGRES_URL_VARIABLE]
  if (adminUrl === undefined || adminUrl === '') {
    warnPostgresSkipped()
    describe.skip(`${name} [postgres] (skipped: ${POSTGRES_URL_VARIABLE} is not set; see scripts/postgres-test.sh)`, () => {
      define(unavailable)
    })
    return
  }
  describe(`${name} [postgres]`, () => {
    const dialect = postgresUnderTest(adminUrl)
    afterEach(() => dialect.cleanUp())
    afterAll(() => dialect.shutDown())
    define(dialect)
  })
}

interface ManagedDialect extends DialectUnderTest {
  cleanUp(): Promise<void>
}

function sqliteUnderTest(mode: 'memory' | 'file'): ManagedDialect {
  let directory: string | undefined
  const handles = tracker()
  const config = async (): Promise<StorageConfig> => {
    if (mode === 'memory') return { url: ':memory:' }
    directory ??= mkdtempSync(join(tmpdir(), 'palisade-storage-'))
    return { url: join(directory, 'palisade.db') }
  }
  return {
    name: 'sqlite',
    config,
    async open(overrides = {}) {
      if (mode === 'memory' && handles.count() > 0) {
        throw new Error('a second handle on `:memory:` would be another database: use forEachDialect(…, { sqlite: \'file\' })')
      }
      return handles.track(openDatabase({ ...(await config()), ...overrides }))
    },
    async cleanUp() {
      await handles.closeAll()
      if (directory) rmSync(directory, { recursive: true, force: true })
      directory = undefined
    },
  }
}

function postgresUnderTest(adminUrl: string): ManagedDialect & { shutDown(): Promise<void> } {
  let admin: pg.Pool | undefined
  // A promise, so concurrent first calls in one test share one database.
  let current: Promise<{ name: string; url: string }> | undefined
  let counter = 0
  const handles = tracker()

  const createDatabase = async () => {
    admin ??= new pg.Pool({ connectionString: adminUrl, max: 1 })
    // Unique across vitest workers (process or thread) and across this worker's tests.
    const name = `palisade_test_${process.pid}_${threadId}_${++counter}`
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.query(`create database ${name}`)
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    return { name, url: url.toString() }
  }
  const config = async (): Promise<StorageConfig> => {
    current ??= createDatabase()
    return { url: (await current).url }
  }
  return {
    name: 'postgres',
    config,
    async open(overrides = {}) {
      return handles.track(openDatabase({ ...(await config()), poolSize: 4, ...overrides }))
    },
    async cleanUp() {
      await handles.closeAll()
      const database = await current?.catch(() => undefined)
      current = undefined
      if (database && admin) await admin.query(`drop database if exists ${database.name} with (force)`)
    },
    async shutDown() {
      await admin?.end()
      admin = undefined
    },
  }
}

// Tracks openings rather than opened handles, so a handle still opening when its test fails
// (say, one of several opened together) is closed too, before its database is dropped.
function tracker() {
  const openings: Promise<Database>[] = []
  return {
    count: () => openings.length,
    track(opening: Promise<Database>): Promise<Database> {
      openings.push(opening)
      return opening
    },
    async closeAll() {
      const settled = await Promise.allSettled(openings.splice(0))
      await Promise.all(settled.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)))
    },
  }
}

const unavailable: DialectUnderTest = {
  name: 'postgres',
  config: () => Promise.reject(new Error(`${POSTGRES_URL_VARIABLE} is not set`)),
  open: () => Promise.reject(new Error(`${POSTGRES_URL_VARIABLE} is not set`)),
}

let warned = false
function warnPostgresSkipped(): void {
  if (warned) return
  warned = true
  console.warn(
    `PostgreSQL store tests skipped: ${POSTGRES_URL_VARIABLE} is not set. `
      + 'Run `export "$(scripts/postgres-test.sh start)"` to run them.',
  )
}
