// Writing one encrypted data file durably: a small body gathered in memory and written with one synchronous writev,
// or a large one streamed in batches with early syncs. As DESIGN.md orders it, the file is written under a temporary
// name, fsync'd, and only then renamed to its final one; the caller fsyncs the directory before anything names the
// file. A crash before the caller's commit leaves at most a temporary file or a file no row names, both removed by the
// start-up sweep.
import { closeSync, fsync, openSync, renameSync, unlinkSync, writevSync } from 'node:fs'
import { open, unlink, type FileHandle } from 'node:fs/promises'
import { promisify } from 'node:util'
import type { ByteTransform } from './encryption/object-cipher.js'

/** Bodies up to this size are gathered in memory and written in one go (writeSmallFile). */
export const SMALL_WRITE_BYTES = 128 * 1024
/** Encrypted chunks are gathered into writes of at least this many bytes. */
const WRITE_BATCH = 1024 * 1024
/** A large body is datasync-ed in the background every this many bytes. */
const EARLY_SYNC_BYTES = 8 * 1024 * 1024

const fsyncDescriptor = promisify(fsync)

/** The first bytes of a body, encrypted, and the rest of it when there is more than SMALL_WRITE_BYTES. */
export interface BodyStart {
  readonly chunks: Buffer[]
  readonly size: number
  /** The source, part read, when the body did not end within SMALL_WRITE_BYTES. */
  readonly rest?: AsyncIterator<Buffer>
}

/** Reads and encrypts `source` until it ends or passes SMALL_WRITE_BYTES. */
export async function bodyStart(source: AsyncIterable<Buffer>, encrypt: ByteTransform): Promise<BodyStart> {
  const chunks: Buffer[] = []
  let size = 0
  const iterator = source[Symbol.asyncIterator]()
  try {
    for (;;) {
      const next = await iterator.next()
      if (next.done) return { chunks, size }
      size += next.value.length
      chunks.push(encrypt(next.value))
      if (size > SMALL_WRITE_BYTES) return { chunks, size, rest: iterator }
    }
  } catch (error) {
    await iterator.return?.()
    throw error
  }
}

/** Where a new data file is written (`temporary`) and named once its bytes are all written (`final`). */
export interface FilePaths {
  readonly temporary: string
  readonly final: string
}

/**
 * Writes `chunks` (a whole small body) to a new file, fsyncs it and names it; nothing is left behind on failure. The
 * open, write, rename and close are synchronous: each is a few microseconds in the page cache, cheaper than a
 * threadpool round trip. Only the fsync waits in the pool.
 */
export async function writeSmallFile(paths: FilePaths, chunks: readonly Buffer[]): Promise<void> {
  const descriptor = openSync(paths.temporary, 'wx', 0o600)
  let path = paths.temporary
  try {
    const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0)
    if (size > 0 && writevSync(descriptor, chunks) !== size) throw new Error(`short write to \`${path}\``)
    await fsyncDescriptor(descriptor)
    renameSync(paths.temporary, paths.final)
    path = paths.final
  } catch (error) {
    try {
      closeSync(descriptor)
      unlinkSync(path)
    } catch {
      // the write's error is the one to report; the start-up sweep removes what is left
    }
    throw error
  }
  closeSync(descriptor)
}

/**
 * Writes `start`'s chunks and then the rest of the body, encrypting each chunk, to a new file, fsyncs it and names
 * it; resolves with the body's size. Encrypted chunks are gathered into larger writes (one writev, no copy), and one write
 * is on its way to the disk while the next batch is read and encrypted. Every EARLY_SYNC_BYTES a datasync starts in
 * the background, so the disk writes out a large body while it arrives instead of all of it at the final fsync.
 */
export async function writeLargeFile(paths: FilePaths, start: BodyStart, encrypt: ByteTransform): Promise<number> {
  const handle = await open(paths.temporary, 'wx', 0o600)
  let path = paths.temporary
  let size = start.size
  let writing: Promise<unknown> = Promise.resolve()
  let syncing: Promise<unknown> | undefined
  let unsynced = 0
  let batch: Buffer[] = start.chunks
  let batched = start.size
  const flush = async () => {
    const buffers = batch
    unsynced += batched
    batch = []
    batched = 0
    await writing
    writing = buffers.length === 1 ? handle.write(buffers[0]!) : handle.writev(buffers)
    if (unsynced >= EARLY_SYNC_BYTES && !syncing) {
      unsynced = 0
      const early = writing.then(() => handle.datasync())
      syncing = early
      void early.catch(() => undefined).then(() => { syncing = undefined })
    }
  }
  try {
    const rest = start.rest
    for (let next = await rest?.next(); next && !next.done; next = await rest!.next()) {
      const chunk = next.value
      size += chunk.length
      batch.push(encrypt(chunk))
      batched += chunk.length
      if (batched >= WRITE_BATCH) await flush()
    }
    if (batched > 0) await flush()
    await writing
    await syncing
    await handle.sync()
    renameSync(paths.temporary, paths.final)
    path = paths.final
  } catch (error) {
    await start.rest?.return?.()
    await writing.catch(() => undefined)
    await syncing?.catch(() => undefined)
    await handle.close().catch(() => undefined)
    await unlink(path).catch(() => undefined)
    throw error
  }
  await handle.close()
  return size
}

/** A new file's name is durable only once its directory entry is on disk: fsync of the directory. */
export interface DirectorySync {
  /** Resolves once an fsync of the directory that started after this call has finished. */
  sync(): Promise<void>
}

/** How long a fan-out directory stays open for its next fsync. */
const DIRECTORY_IDLE_MS = 1000

/**
 * Concurrent writes into one directory share fsyncs: a caller joins the next fsync to start (one that began before
 * its file was created might not cover it), and the directory stays open between them instead of an open, fsync
 * and close per write.
 */
export function directorySync(path: string): DirectorySync {
  let handle: Promise<FileHandle> | undefined
  let running: Promise<void> | undefined
  let next: Promise<void> | undefined
  let idle: NodeJS.Timeout | undefined
  const release = () => {
    const opened = handle
    handle = undefined
    void opened?.then((open) => open.close()).catch(() => undefined)
  }
  const run = async (): Promise<void> => {
    clearTimeout(idle)
    handle ??= open(path, 'r')
    try {
      await (await handle).sync()
    } catch (error) {
      release() // open again next time
      throw error
    } finally {
      // A directory no write has used for a while is closed: no descriptor outlives a burst (or the server) for long.
      idle = setTimeout(() => { if (!running && !next) release() }, DIRECTORY_IDLE_MS).unref()
    }
  }
  const start = (): Promise<void> => {
    const sync = run()
    running = sync
    void sync.catch(() => undefined).then(() => { if (running === sync) running = undefined })
    return sync
  }
  return {
    sync() {
      if (!running) return start()
      next ??= running.catch(() => undefined).then(() => {
        next = undefined
        return start()
      })
      return next
    },
  }
}
