// asyncMutex: a first-come, first-served lock for async code.

export interface AsyncMutex {
  /** Resolves when the caller holds the lock; the result releases it. */
  lock(): Promise<() => void>
}

export function asyncMutex(): AsyncMutex {
  let tail: Promise<void> = Promise.resolve()
  return {
    lock() {
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      const acquired = tail.then(() => release)
      tail = tail.then(() => held)
      return acquired
    },
  }
}
