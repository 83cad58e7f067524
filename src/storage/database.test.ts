// Tests for openDatabase's handle: transactions, savepoints, duplicates, the root-handle guard, notifications.
import { describe, expect, it } from 'vitest'
import { toDbBoolean, toDbTimestamp } from './columns.js'
import { openDatabase, type Database } from './database.js'
import { DuplicateKeyError } from './duplicate-key-error.js'
import { widgets, withWidgets } from './fixtures/widgets.js'
import { readMeta } from './meta-store.js'
import { forEachDialect } from './testing.js'

const createdAt = toDbTimestamp(new Date('2026-01-02T03:04:05.678Z'))

function widget(name: string, serial = `serial-${name}`) {
  return { account_id: '111122223333', name, serial, created_at: createdAt, enabled: toDbBoolean(true) }
}

async function widgetNames(database: Database): Promise<string[]> {
  const rows = await widgets(database.db).selectFrom('widgets').select('name').orderBy('name').execute()
  return rows.map((row) => row.name)
}

/** Records a channel's payloads; `heard(payload)` resolves once that payload has arrived. */
function recorder() {
  const payloads: string[] = []
  const waiting = new Map<string, () => void>()
  return {
    payloads,
    listener: (payload: string) => {
      payloads.push(payload)
      waiting.get(payload)?.()
    },
    heard: (payload: string) =>
      payloads.includes(payload) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(payload, resolve)),
  }
}

forEachDialect('Database', (dialect) => {
  describe('transaction', () => {
    it('commits every write of work that resolves', async () => {
      const database = await dialect.open(withWidgets)
      const result = await database.transaction(async (tx) => {
        await widgets(tx).insertInto('widgets').values([widget('a'), widget('b')]).execute()
        return 'done'
      })
      expect(result).toBe('done')
      expect(await widgetNames(database)).toEqual(['a', 'b'])
    })

    it('rolls back every write of work that throws, and rethrows its error', async () => {
      const database = await dialect.open(withWidgets)
      const failure = new Error('halfway')
      await expect(database.transaction(async (tx) => {
        await widgets(tx).insertInto('widgets').values(widget('a')).execute()
        await widgets(tx).updateTable('widgets').set({ enabled: toDbBoolean(false) }).execute()
        throw failure
      })).rejects.toBe(failure)
      expect(await widgetNames(database)).toEqual([])
    })

    it('runs a nested call as a savepoint: its failure undoes only its own writes', async () => {
      const database = await dialect.open(withWidgets)
      await database.transaction(async (tx) => {
        await widgets(tx).insertInto('widgets').values(widget('outer')).execute()
        await expect(database.transaction(async (inner) => {
          await widgets(inner).insertInto('widgets').values(widget('inner')).execute()
          throw new Error('inner fails')
        })).rejects.toThrow('inner fails')
        await database.transaction(async (inner) => {
          await widgets(inner).insertInto('widgets').values(widget('second')).execute()
        })
      })
      expect(await widgetNames(database)).toEqual(['outer', 'second'])
    })

    it('undoes a committed nested call when the outer transaction throws', async () => {
      const database = await dialect.open(withWidgets)
      await expect(database.transaction(async () => {
        await database.transaction(async (inner) => {
          await widgets(inner).insertInto('widgets').values(widget('inner')).execute()
        })
        throw new Error('outer fails')
      })).rejects.toThrow('outer fails')
      expect(await widgetNames(database)).toEqual([])
    })

    it('runs concurrent nested calls one after the other', async () => {
      const database = await dialect.open(withWidgets)
      await database.transaction(async () => {
        await Promise.all([
          database.transaction(async (inner) => {
            await widgets(inner).insertInto('widgets').values(widget('kept')).execute()
          }),
          database.transaction(async (inner) => {
            await widgets(inner).insertInto('widgets').values(widget('undone')).execute()
            throw new Error('undo me')
          }).catch(() => undefined),
        ])
      })
      expect(await widgetNames(database)).toEqual(['kept'])
    })

    it('refuses a query on the root handle inside a transaction instead of deadlocking', async () => {
      const database = await dialect.open(withWidgets)
      await expect(database.transaction(async () => {
        await widgets(database.db).selectFrom('widgets').selectAll().execute()
      })).rejects.toThrow('use the `tx` passed to `work`')
      // The refused query did not leave the database stuck.
      expect(await widgetNames(database)).toEqual([])
    })
  })

  describe('duplicates and absent rows', () => {
    it('throws DuplicateKeyError for a taken primary key', async () => {
      const database = await dialect.open(withWidgets)
      await widgets(database.db).insertInto('widgets').values(widget('a')).execute()
      const duplicate = widgets(database.db).insertInto('widgets').values(widget('a', 'other-serial')).execute()
      await expect(duplicate).rejects.toBeInstanceOf(DuplicateKeyError)
    })

    it('throws DuplicateKeyError naming the constraint for a taken unique column', async () => {
      const database = await dialect.open(withWidgets)
      await widgets(database.db).insertInto('widgets').values(widget('a', 'same')).execute()
      const error = await widgets(database.db).insertInto('widgets').values(widget('b', 'same')).execute()
        .catch((thrown: unknown) => thrown)
      expect(error).toBeInstanceOf(DuplicateKeyError)
      expect((error as DuplicateKeyError).constraint).toMatch(/serial/)
    })

    it('lets work recover from a duplicate inside a nested transaction and commit the rest', async () => {
      const database = await dialect.open(withWidgets)
      await widgets(database.db).insertInto('widgets').values(widget('taken')).execute()
      await database.transaction(async (tx) => {
        const attempt = database.transaction((inner) => widgets(inner).insertInto('widgets').values(widget('taken')).execute())
        await expect(attempt).rejects.toBeInstanceOf(DuplicateKeyError)
        // On PostgreSQL this statement would fail if the duplicate had aborted the whole transaction.
        await widgets(tx).insertInto('widgets').values(widget('after')).execute()
      })
      expect(await widgetNames(database)).toEqual(['after', 'taken'])
    })

    it('refuses further statements in a transaction after one failed, as PostgreSQL does', async () => {
      const database = await dialect.open(withWidgets)
      await widgets(database.db).insertInto('widgets').values(widget('taken')).execute()
      const outcome = database.transaction(async (tx) => {
        await widgets(tx).insertInto('widgets').values(widget('taken')).execute().catch(() => undefined)
        await widgets(tx).insertInto('widgets').values(widget('next')).execute()
      })
      await expect(outcome).rejects.toThrow(/aborted by an earlier failed statement/)
      expect(await widgetNames(database)).toEqual(['taken'])
    })

    it('refuses to commit work that caught a failed statement, and keeps none of its writes', async () => {
      const database = await dialect.open(withWidgets)
      await widgets(database.db).insertInto('widgets').values(widget('taken')).execute()
      const outcome = database.transaction(async (tx) => {
        await widgets(tx).insertInto('widgets').values(widget('before')).execute()
        await widgets(tx).insertInto('widgets').values(widget('taken')).execute().catch(() => undefined)
      })
      await expect(outcome).rejects.toThrow(/not committed/)
      expect(await widgetNames(database)).toEqual(['taken'])
    })

    it('returns undefined for an absent key', async () => {
      const database = await dialect.open()
      expect(await readMeta(database.db, 'no-such-key')).toBeUndefined()
    })
  })

  describe('notify and subscribe', () => {
    it('tells a subscriber about its own handle\'s notifications, in order', async () => {
      const database = await dialect.open()
      const heard = recorder()
      await database.subscribe('iam.roles', heard.listener)
      await database.notify('iam.roles', 'first')
      await database.notify('iam.roles', 'second')
      await database.notify('iam.roles', 'third')
      await heard.heard('third')
      expect(heard.payloads).toEqual(['first', 'second', 'third'])
    })

    it('tells its own subscribers once, by the time the committing transaction has resolved and a tick has passed', async () => {
      const database = await dialect.open()
      const heard = recorder()
      await database.subscribe('iam.policies', heard.listener)
      await database.transaction(async () => {
        await database.notify('iam.policies', 'user:1:alice')
      })
      // No round trip through the database: writers wait one tick for their own caches, then answer.
      await new Promise((resolve) => setImmediate(resolve))
      expect(heard.payloads).toEqual(['user:1:alice'])
      await database.notify('iam.policies', 'marker')
      await heard.heard('marker')
      expect(heard.payloads).toEqual(['user:1:alice', 'marker']) // and PostgreSQL's echo of it is not delivered again
    })

    it('sends a notification made inside a transaction only when it commits', async () => {
      const database = await dialect.open()
      const heard = recorder()
      await database.subscribe('kms.keys', heard.listener)
      let releaseTransaction!: () => void
      const gate = new Promise<void>((resolve) => (releaseTransaction = resolve))
      let notifiedInside!: () => void
      const insideDone = new Promise<void>((resolve) => (notifiedInside = resolve))
      const transaction = database.transaction(async () => {
        await database.notify('kms.keys', 'inside')
        notifiedInside()
        await gate
      })
      await insideDone
      await database.notify('kms.keys', 'outside')
      await heard.heard('outside') // had 'inside' gone out at once, it would have arrived first
      releaseTransaction()
      await transaction
      await heard.heard('inside')
      expect(heard.payloads).toEqual(['outside', 'inside'])
    })

    it('drops a notification made inside a transaction or savepoint that rolls back', async () => {
      const database = await dialect.open()
      const heard = recorder()
      await database.subscribe('s3.buckets', heard.listener)
      await database.transaction(async () => {
        await database.notify('s3.buckets', 'rolled-back')
        throw new Error('roll back')
      }).catch(() => undefined)
      await database.transaction(async () => {
        await database.transaction(async () => {
          await database.notify('s3.buckets', 'savepoint-rolled-back')
          throw new Error('roll back the savepoint')
        }).catch(() => undefined)
      })
      await database.notify('s3.buckets', 'marker')
      await heard.heard('marker')
      expect(heard.payloads).toEqual(['marker'])
    })

    it('stops telling a listener once it unsubscribes', async () => {
      const database = await dialect.open()
      const gone = recorder()
      const stays = recorder()
      const unsubscribe = await database.subscribe('iam.users', gone.listener)
      await database.subscribe('iam.users', stays.listener)
      await unsubscribe()
      await database.notify('iam.users', 'after')
      await stays.heard('after')
      expect(gone.payloads).toEqual([])
    })

    it.each([
      { name: 'rejects an upper-case channel', channel: 'IAM', payload: '' },
      { name: 'rejects a channel longer than 63 bytes', channel: 'a'.repeat(64), payload: '' },
      { name: 'rejects a payload of 8000 bytes', channel: 'iam', payload: 'x'.repeat(8000) },
    ])('$name', async ({ channel, payload }) => {
      const database = await dialect.open()
      await expect(database.notify(channel, payload)).rejects.toThrow(/channel|payload/)
    })
  })
})

forEachDialect('Database handles sharing one database', (dialect) => {
  it('tells a subscriber on one handle about another handle\'s notifications', async () => {
    const writer = await dialect.open()
    const reader = await dialect.open()
    const heard = recorder()
    await reader.subscribe('iam.roles', heard.listener)
    await writer.transaction(async () => {
      await writer.notify('iam.roles', 'role-created')
    })
    await heard.heard('role-created')
    expect(heard.payloads).toEqual(['role-created'])
  })

  it('stops telling a handle\'s listeners once that handle is closed', async () => {
    const writer = await dialect.open()
    const closing = await dialect.open()
    const own = recorder()
    const gone = recorder()
    await writer.subscribe('iam.groups', own.listener)
    await closing.subscribe('iam.groups', gone.listener)
    await closing.close()
    await writer.notify('iam.groups', 'after-close')
    await own.heard('after-close')
    expect(gone.payloads).toEqual([])
  })

  it('sees another handle\'s committed writes', async () => {
    const writer = await dialect.open(withWidgets)
    const reader = await dialect.open(withWidgets)
    await writer.transaction((tx) => widgets(tx).insertInto('widgets').values(widget('shared')).execute())
    expect(await widgetNames(reader)).toEqual(['shared'])
  })
}, { sqlite: 'file' })

describe('SQLite transactions', () => {
  it('run one at a time', async () => {
    const database = await openDatabase({ url: ':memory:' })
    try {
      expect(database.capabilities.concurrentWriters).toBe(false)
      const events: string[] = []
      const step = (label: string) => async () => {
        events.push(`${label} begins`)
        await database.transaction(async (tx) => {
          await readMeta(tx, 'x')
          events.push(`${label} works`)
          await readMeta(tx, 'y')
          events.push(`${label} ends`)
        })
      }
      await Promise.all([database.transaction(async (tx) => {
        events.push('first works')
        await readMeta(tx, 'x')
        events.push('first ends')
      }), step('second')()])
      expect(events.filter((event) => !event.endsWith('begins'))).toEqual([
        'first works', 'first ends', 'second works', 'second ends',
      ])
    } finally {
      await database.close()
    }
  })
})
