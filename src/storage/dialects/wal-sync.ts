// groupSync and walFileSync: commits made durable by an fdatasync of SQLite's write-ahead log, run in the libuv
// threadpool (the event loop keeps serving meanwhile) and shared by every commit that came before it started.
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

/**
 * fdatasync of SQLite's `-wal` file beside `databaseFile`, opened anew for each sync: SQLite rewrites the log from
 * its start after a checkpoint (same file) and deletes it when the last connection closes, so a held descriptor could
 * point at a file that is no longer the log. The first time a log file is seen (at the first sync, or a new inode)
 * its directory is synced too, so the file's name survives power loss with its contents: with synchronous = NORMAL,
 * SQLite never syncs the log itself before a checkpoint, and with it the directory entry it created.
 *
 * No log file means no commit waits in one: SQLite deletes the log only after checkpointing it into the database
 * file, and (synchronous = NORMAL) syncs the database file after each checkpoint.
 */
export function walFileSync(databaseFile: string): SyncFile {
  const walFile = `${databaseFile}-wal`
  let syncedInode: number | undefined
  return async () => {
    let log
    try {
      log = await open(walFile, 'r')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    try {
      await log.datasync()
      const { ino } = await log.stat()
      if (ino === syncedInode) return
      await syncDirectory(dirname(walFile))
      syncedInode = ino
    } finally {
      // Closing makes nothing more durable: the commits waiting for this round need not wait for it too.
      log.close().catch(() => {})
    }
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
