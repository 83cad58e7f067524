// guardedDialect's release of a connection: the wait for durability, and a driver whose release fails.
import type { DatabaseConnection, Dialect, Driver } from 'kysely'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { afterEach, expect, it } from 'vitest'
import { guardedDialect } from './guarded-dialect.js'

const connection: DatabaseConnection = { executeQuery: async () => ({ rows: [] }), streamQuery: () => { throw new Error('unused') } }

function driverOf(releaseConnection: () => Promise<void>, untilDurable: () => Promise<void> | undefined): Driver {
  const inner: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: async () => {},
    commitTransaction: async () => {},
    rollbackTransaction: async () => {},
    releaseConnection,
    destroy: async () => {},
  }
  const dialect = { createDriver: () => inner } as unknown as Dialect
  return guardedDialect(dialect, { uniqueViolation: () => undefined, beforeAcquire: () => {}, untilDurable }).createDriver()
}

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => void unhandled.push(reason)
afterEach(() => {
  process.off('unhandledRejection', onUnhandled)
  unhandled.length = 0
})

it('resolves a release only once the commit is durable, and rejects it when that fails', async () => {
  const driver = driverOf(async () => {}, () => Promise.reject(new Error('EIO')))
  await expect(driver.releaseConnection(await driver.acquireConnection())).rejects.toThrow('EIO')
})

it('rejects with the release error when the release fails, leaving no failed durability wait unhandled', async () => {
  process.on('unhandledRejection', onUnhandled)
  const driver = driverOf(() => Promise.reject(new Error('release failed')), () => Promise.reject(new Error('EIO')))
  await expect(driver.releaseConnection(await driver.acquireConnection())).rejects.toThrow('release failed')
  for (let turn = 0; turn < 5; turn++) await nextTurn()
  expect(unhandled).toEqual([])
})
