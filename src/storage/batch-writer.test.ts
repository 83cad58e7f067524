// batchWriter: entries merged under their key, one write per batch, written at maxPending, on flush and on close,
// and a failed batch dropped without stopping the next.
import { describe, expect, it } from 'vitest'
import { batchWriter } from './batch-writer.js'
import { forEachDialect } from './testing.js'

forEachDialect('batchWriter', (dialect) => {
  describe('batchWriter', () => {
    it('writes the entries waiting under their keys as one batch on flush, and nothing for an empty flush', async () => {
      const database = await dialect.open()
      const written: number[][] = []
      const batch = batchWriter<{ n: number }>(database, { flushMs: 60_000, write: async (_tx, entries) => void written.push(entries.map((entry) => entry.n)) })
      batch.put('a', { n: 1 })
      batch.put('b', { n: 2 })
      batch.pending('a')!.n += 10
      expect(batch.pending('c')).toBeUndefined()
      await batch.flush()
      await batch.flush()
      expect(written).toEqual([[11, 2]])
      expect(batch.pending('a')).toBeUndefined()
      batch.put('a', { n: 3 })
      await batch.close()
      expect(written).toEqual([[11, 2], [3]])
      await database.close()
    })

    it('writes at once when maxPending keys wait, and drops a batch whose write fails without stopping the next', async () => {
      const database = await dialect.open()
      const written: string[][] = []
      let fail = true
      const batch = batchWriter<string>(database, {
        flushMs: 60_000,
        maxPending: 2,
        write: async (_tx, entries) => {
          if (fail) throw new Error('disk full')
          written.push([...entries])
        },
      })
      batch.put('x', 'x')
      batch.put('y', 'y') // the second key cuts the batch, whose write fails
      await batch.flush()
      expect(batch.pending('x')).toBeUndefined()
      fail = false
      batch.put('z', 'z')
      await batch.flush()
      expect(written).toEqual([['z']])
      await database.close()
    })
  })
})
