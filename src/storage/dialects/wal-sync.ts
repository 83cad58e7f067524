// groupSync and walFileSync: commits made durable by an fdatasync of SQLite's write-ahead log, run in the libuv
// threadpool (the event loop keeps serving meanwhile) and shared by every commit that came before it started.
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { dirname } from 'node:path'

/** Makes everything written to the file before the call durable; resolves once it is. */
export type SyncFile = () => Promise<void>

export interface GroupSync {
  /**
   * Resolves once a sync that started after this call has finished, so whatever was written before the call is
   * durable; rejects when that sync fails.
   */
  request(): Promise<void>
}

/**
 * At most one `sync` runs at a time. A request made while one runs cannot count on it (it may have started before
 * the caller's write), so it waits for the next round, which starts when the running one ends and serves every
 * request that arrived in between: under load, many commits per sync.
 */
export function groupSync(sync: SyncFile): GroupSync {
  let running = false
  let nextRound: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined

  const startRound = (): void => {
    const round = nextRound!
    nextRound = undefined
    running = true
    // A sync that throws synchronously rejects its round like one that fails later.
    Promise.resolve()
      .then(sync)
      .then(round.resolve, round.reject)
      .finally(() => {
        running = false
        if (nextRound) startRound()
      })
  }

  return {
    request() {
      if (!nextRound) {
        let resolve!: () => void
        let reject!: (error: unknown) => void
        const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)))
        nextRound = { promise, resolve, reject }
      }
      const { promise } = nextRound
      if (!running) startRound()
      return promise
    },
  }
}

/** A log sync that holds a descriptor: `close` lets it go (when the database closes). */
export interface HeldFileSync {
  readonly sync: SyncFile
  close(): void
}

/**
 * fdatasync of SQLite's `-wal` file beside `databaseFile`, through a descriptor held from one sync to the next: only
 * the fdatasync goes to the threadpool. Each round first asks, synchronously, which file the log's name points at (a
 * stat takes microseconds; a threadpool round trip took about 0.2 ms of the server's core on this machine, and
 * opening, syncing, stat-ing and closing anew each round made four). SQLite rewrites the log from its start after a
 * checkpoint (the same file) and deletes it when the last connection closes, so a held descriptor can outlive its
 * file: a log with another inode is opened anew, and the first time a log file is seen its directory is synced too, so
 * that the file's name survives power loss with its contents: with synchronous = NORMAL, SQLite never syncs the log
 * itself before a checkpoint, and with it the directory entry it created.
 *
 * No log file means no commit waits in one: SQLite deletes the log only after checkpointing it into the database
 * file, and (synchronous = NORMAL) syncs the database file after each checkpoint.
 */
export function walFileSync(databaseFile: string): HeldFileSync {
  const walFile = `${databaseFile}-wal`
  let held: { readonly fd: number; readonly ino: number } | undefined
  let syncing = 0
  let closed = false
  const letGo = () => {
    if (held) closeSync(held.fd)
    held = undefined
  }
  const round = async () => {
    let ino: number
    try {
      ino = statSync(walFile).ino
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      letGo()
      return
    }
    if (held?.ino !== ino) {
      letGo()
      let fd: number
      try {
        fd = openSync(walFile, 'r')
      } catch (error) {
        // Deleted since the stat: checkpointed, as when there was none.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
        throw error
      }
      try {
        // The descriptor's own inode: the name may have moved on between the stat and the open.
        const opened = fstatSync(fd).ino
        await syncDirectory(dirname(walFile))
        held = { fd, ino: opened }
      } catch (error) {
        closeSync(fd)
        throw error
      }
    }
    const { fd } = held!
    await new Promise<void>((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())))
  }
  // Rounds run one after another (groupSync asks for one at a time anyway): two at once could each open a descriptor,
  // or one could close the descriptor another is syncing.
  let previous: Promise<void> = Promise.resolve()
  return {
    async sync() {
      syncing++
      const mine = previous.then(round)
      previous = mine.catch(() => {})
      try {
        await mine
      } finally {
        // A descriptor is closed only once no fdatasync is using it.
        if (--syncing === 0 && closed) letGo()
      }
    },
    close() {
      closed = true
      if (syncing === 0) letGo()
    },
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
