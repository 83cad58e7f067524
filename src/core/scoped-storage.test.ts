// Tests for scoped storage: stores seen inside scopes, nested scopes, and the disable once nothing is open or held
// (seen as a continuation that outlived its scope no longer finding the store).
import { AsyncResource } from 'node:async_hooks'
import { expect, it } from 'vitest'
import { holdScopedStorage, scopedStorage, SCOPED_STORAGE_IDLE_MS } from './scoped-storage.js'

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))
/** Lets the deferred disable happen (once nothing has been open for SCOPED_STORAGE_IDLE_MS). */
const idle = () => new Promise((resolve) => setTimeout(resolve, SCOPED_STORAGE_IDLE_MS * 2))

/** A context captured now, to be re-entered later (as a group commit does with its callers'). */
const capture = () => {
  const resource = new AsyncResource('test.capture')
  return <R>(fn: () => R): R => resource.runInAsyncScope(fn)
}

it('shows the store inside a scope, through awaits, and none outside', async () => {
  const storage = scopedStorage<string>()
  expect(storage.getStore()).toBeUndefined()
  const seen = await storage.run('a', async () => {
    const before = storage.getStore()
    await nextTurn()
    return [before, storage.getStore()]
  })
  expect(seen).toEqual(['a', 'a'])
  expect(storage.getStore()).toBeUndefined()
})

it('returns what the function returns, sync or async, and rethrows what it throws', async () => {
  const storage = scopedStorage<string>()
  expect(storage.run('a', () => 42)).toBe(42)
  await expect(storage.run('a', async () => 'done')).resolves.toBe('done')
  expect(() => storage.run('a', () => { throw new Error('sync') })).toThrow('sync')
  await expect(storage.run('a', async () => { throw new Error('async') })).rejects.toThrow('async')
})

it('shows the inner store in a nested scope and the outer one again after it', async () => {
  const storage = scopedStorage<string>()
  const seen = await storage.run('outer', async () => {
    const inner = await storage.run('inner', async () => {
      await nextTurn()
      return storage.getStore()
    })
    await nextTurn()
    return [inner, storage.getStore()]
  })
  expect(seen).toEqual(['inner', 'outer'])
})

it('keeps the store visible to a continuation while any scope is open, and disables once none is', async () => {
  const storage = scopedStorage<string>()
  let later!: () => string | undefined
  let outerDone!: () => void
  const outer = storage.run('outer', () => new Promise<void>((resolve) => { outerDone = resolve }))
  await storage.run('short', async () => {
    const context = capture()
    later = () => context(() => storage.getStore())
  })
  await idle()
  // The short scope has ended, but another is open: nothing was disabled.
  expect(later()).toBe('short')
  outerDone()
  await outer
  // Right after the last scope settles (the code closing it) the store is still there; once idle it is not.
  expect(later()).toBe('short')
  await idle()
  expect(later()).toBeUndefined()
})

it('disables after a scope that threw, synchronously or not', async () => {
  const storage = scopedStorage<string>()
  let later!: () => string | undefined
  expect(() => storage.run('sync', () => {
    const context = capture()
    later = () => context(() => storage.getStore())
    throw new Error('sync')
  })).toThrow('sync')
  await idle()
  expect(later()).toBeUndefined()
  await expect(storage.run('async', async () => {
    const context = capture()
    later = () => context(() => storage.getStore())
    await nextTurn()
    throw new Error('async')
  })).rejects.toThrow('async')
  await idle()
  expect(later()).toBeUndefined()
})

it('keeps every scoped storage enabled while a captured context is held, until released (once)', async () => {
  const calls = scopedStorage<string>()
  const other = scopedStorage<number>()
  let context!: <R>(fn: () => R) => R
  let release!: () => void
  await other.run(7, () => calls.run('call', async () => {
    release = holdScopedStorage()
    context = capture()
  }))
  await idle()
  expect(context(() => [calls.getStore(), other.getStore()])).toEqual(['call', 7])
  // A second release of the same hold must not let a later holder's storages go.
  const laterHold = holdScopedStorage()
  release()
  release()
  await idle()
  expect(context(() => calls.getStore())).toBe('call')
  laterHold()
  await idle()
  expect(context(() => [calls.getStore(), other.getStore()])).toEqual([undefined, undefined])
})

it('enables again for the next scope after a disable', async () => {
  const storage = scopedStorage<string>()
  await storage.run('first', async () => undefined)
  await idle()
  const seen = await storage.run('second', async () => {
    await nextTurn()
    return storage.getStore()
  })
  expect(seen).toBe('second')
})
