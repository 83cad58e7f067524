// Crash safety: a writer process killed mid-stream loses no committed transaction and leaves no partial one.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { crashTables, PARTS_PER_BATCH, withCrashBatches } from './fixtures/crash-batches.js'
import { forEachDialect } from './testing.js'

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** The batch whose open transaction the kill aims at: far enough that the writer is well into its stream. */
const KILL_DURING = 25

forEachDialect('crash safety', (dialect) => {
  it('keeps every printed batch and no half-written one after SIGKILL', async () => {
    const { url } = await dialect.config()
    const writer = spawn(process.execPath, ['--import', 'tsx', WRITER, url], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<NodeJS.Signals | null>((resolve) => writer.on('exit', (_code, signal) => resolve(signal)))

    const printed: number[] = [] // committed ids
    const lines = createInterface({ input: writer.stdout })
    const allRead = new Promise<void>((resolve) => lines.on('close', resolve))
    await new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        const [event, id] = line.split(' ')
        if (event === 'committed') printed.push(Number(id))
        if (event === 'open' && Number(id) === KILL_DURING) resolve()
      })
      writer.on('exit', () => reject(new Error(`writer exited before the kill:\n${stderr}`)))
    })
    writer.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    await allRead // ids printed between our kill request and the kill are committed too

    const database = await dialect.open(withCrashBatches)
    const tables = crashTables(database.db)
    const batchIds = (await tables.selectFrom('crash_batches').select('id').orderBy('id').execute()).map((row) => row.id)
    const partsPerBatch = await tables
      .selectFrom('crash_parts')
      .select(['batch_id', (eb) => eb.fn.countAll<number | string>().as('parts')])
      .groupBy('batch_id')
      .orderBy('batch_id')
      .execute()

    expect(printed.length).toBeGreaterThanOrEqual(KILL_DURING - 1)
    expect(printed).toEqual(printed.map((_, index) => index + 1))
    expect(batchIds.slice(0, printed.length)).toEqual(printed) // nothing printed is lost
    // At most one more: the batch the kill caught after its commit but before its line.
    expect(batchIds.length - printed.length).toBeLessThanOrEqual(1)
    expect(partsPerBatch.map((row) => row.batch_id)).toEqual(batchIds) // no parts without their batch
    expect(partsPerBatch.every((row) => Number(row.parts) === PARTS_PER_BATCH)).toBe(true)
    if (dialect.name === 'sqlite') {
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(database.db)
      expect(check.rows).toEqual([{ integrity_check: 'ok' }])
    }
  })
}, { sqlite: 'file' })
