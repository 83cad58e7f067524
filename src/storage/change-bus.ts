// changeBus: in-process fan-out of notifications to the listeners of a channel.
import type { ChangeListener } from './storage-dialect.js'

export interface ChangeBus {
  /** Adds a listener; the result removes it. */
  add(channel: string, listener: ChangeListener): () => void
  /** Each listener runs in its own microtask: never inside the sender's call, and one that throws doesn't silence the rest. */
  deliver(channel: string, payload: string): void
  /** How many listeners `channel` has. */
  count(channel: string): number
  /** The channels that have listeners. */
  channels(): string[]
}

export function changeBus(): ChangeBus {
  const listeners = new Map<string, Set<ChangeListener>>()
  return {
    add(channel, listener) {
      // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
      const entry: ChangeListener = (payload) => listener(payload)
      let set = listeners.get(channel)
      if (!set) listeners.set(channel, (set = new Set()))
      set.add(entry)
      return () => {
        set.delete(entry)
        if (set.size === 0 && listeners.get(channel) === set) listeners.delete(channel)
      }
    },
    deliver(channel, payload) {
      for (const listener of listeners.get(channel) ?? []) queueMicrotask(() => listener(payload))
    },
    count: (channel) => listeners.get(channel)?.size ?? 0,
    channels: () => [...listeners.keys()],
  }
}
