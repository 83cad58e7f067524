// PostgreSQL notifications: NOTIFY through the pool, LISTEN on one long-lived connection that is re-opened when it drops.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { sql } from 'kysely'
import { changeBus } from '../change-bus.js'
import type { ChangeListener, Notifications } from '../storage-dialect.js'

/** The listening connection's application_name, as pg_stat_activity shows it. */
export const LISTENER_APPLICATION_NAME = 'palisade-listener'

const FIRST_RETRY_MS = 100
const LONGEST_RETRY_MS = 5000

/** The few pg.Client members the listening connection uses. */
interface ListeningClient {
  connect(): Promise<unknown>
  query(text: string): Promise<unknown>
  escapeIdentifier(name: string): string
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
  on(event: 'end', listener: () => void): unknown
  end(): Promise<void>
}

/**
 * NOTIFY runs on the caller's executor: inside a transaction PostgreSQL delivers it at commit and
 * drops it on rollback. LISTEN needs a connection of its own that stays open, opened at the first
 * subscription; every process sharing the database, this one included, receives each
 * notification (https://www.postgresql.org/docs/15/sql-notify.html).
 *
 * Notifications sent while that connection is down are lost, so when it drops it is re-opened
 * (retrying with backoff), every channel is listened to again, and then each subscriber's
 * `onMissed` runs so caches can drop what they hold.
 */
export function postgresNotifications(url: string): Notifications {
  const bus = changeBus()
  // Tags this handle's notifications: it delivers them to its own subscribers itself (deliverLocally) and skips the
  // copy PostgreSQL sends back. 8 characters and a `|` fit in the 7999 bytes database.ts leaves.
  const origin = randomUUID().slice(0, 8)
  const missedHandlers = new Set<() => void>()
  let listening: Promise<ListeningClient> | undefined // connected, with every bus channel listened
  let live: ListeningClient | undefined
  let retry: NodeJS.Timeout | undefined
  let closed = false

  function listen(): Promise<ListeningClient> {
    if (closed) return Promise.reject(new Error('database is closed'))
    listening ??= connectAndListen().catch((error: unknown) => {
      listening = undefined
      throw error
    })
    return listening
  }

  async function connectAndListen(): Promise<ListeningClient> {
    const client: ListeningClient = new pg.Client({ connectionString: url, application_name: LISTENER_APPLICATION_NAME })
    client.on('notification', (message) => {
      const tagged = message.payload ?? ''
      const bar = tagged.indexOf('|')
      if (tagged.slice(0, bar) === origin) return // already delivered here by deliverLocally
      bus.deliver(message.channel, tagged.slice(bar + 1))
    })
    // 'error' and then 'end' when the server or network drops the connection; without an
    // 'error' handler Node would exit.
    client.on('error', () => dropped(client))
    client.on('end', () => dropped(client))
    try {
      await client.connect()
      for (const channel of bus.channels()) await client.query(`listen ${client.escapeIdentifier(channel)}`)
    } catch (error) {
      await client.end().catch(() => undefined)
      throw error
    }
    live = client
    return client
  }

  function dropped(client: ListeningClient): void {
    if (closed || client !== live) return
    live = undefined
    listening = undefined
    reconnect(FIRST_RETRY_MS)
  }

  function reconnect(delayMs: number): void {
    listen().then(
      () => {
        for (const handler of missedHandlers) queueMicrotask(handler)
      },
      () => {
        if (closed) return
        retry = setTimeout(() => reconnect(Math.min(delayMs * 2, LONGEST_RETRY_MS)), delayMs)
        retry.unref()
      },
    )
  }

  return {
    deliveredOnCommit: true,
    publish: async (executor, channel, payload) => {
      await sql`select pg_notify(${channel}, ${`${origin}|${payload}`})`.execute(executor)
    },
    deliverLocally: (channel, payload) => bus.deliver(channel, payload),
    async subscribe(channel: string, listener: ChangeListener, onMissed?: () => void) {
      const client = await listen()
      // LISTEN once per channel; pg runs a client's queries in the order issued, so a LISTEN
      // and a later UNLISTEN for the same channel cannot swap.
      if (bus.count(channel) === 0) await client.query(`listen ${client.escapeIdentifier(channel)}`)
      const remove = bus.add(channel, listener)
      const missed = onMissed && (() => onMissed())
      if (missed) missedHandlers.add(missed)
      let removed = false
      return async () => {
        if (removed) return
        removed = true
        remove()
        if (missed) missedHandlers.delete(missed)
        // A connection that has dropped since forgets its channels by itself.
        if (bus.count(channel) === 0 && live) {
          await live.query(`unlisten ${live.escapeIdentifier(channel)}`).catch(() => undefined)
        }
      }
    },
    async close() {
      closed = true
      clearTimeout(retry)
      const client = await listening?.catch(() => undefined)
      live = undefined
      await client?.end()
    },
  }
}
