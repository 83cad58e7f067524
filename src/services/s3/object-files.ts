// ObjectFiles: object bytes on disk under <data-dir>/s3. A body is streamed, encrypted, into tmp/, renamed into data/
// once all of it is written, fsync'd, and its directory fsync'd before the metadata that names it commits, so a crash
// leaves the old object or the new one, never a mix. Files no row names (a crash before the commit, or after a commit
// that replaced an object) and anything left in tmp/ are orphans, removed by `sweep` at start.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs'
import { mkdir, open, readdir, rm, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Ids } from '../../core/ids.js'
import type { CipherEnvelope, ObjectCipher, SealSetting } from './encryption/object-cipher.js'
import { bodyStart, directorySync, writeLargeFile, writeSmallFile, type DirectorySync } from './object-file-writes.js'

/** One run of an object's bytes: a data file and how to decrypt it. */
export interface StoredSegment {
  readonly file: string
  /** Plaintext bytes in the file (CTR keeps the size). */
  readonly size: number
  readonly envelope: CipherEnvelope
}

export interface ObjectFiles {
  readonly root: string
  /** Streams `source` through the cipher into a new data file; resolves once the file is durable under its name. */
  write(source: AsyncIterable<Buffer>, setting: SealSetting): Promise<StoredSegment>
  /** The plaintext bytes from `start` (inclusive) to `end` (exclusive) of the object the segments make up. */
  read(segments: readonly StoredSegment[], start: number, end: number): AsyncIterable<Buffer>
  /**
   * The same bytes in one buffer, for small reads: one positioned read per segment instead of a stream. The buffer
   * may be the cache's own copy: read it, never change it.
   */
  readWhole(segments: readonly StoredSegment[], start: number, end: number): Promise<Buffer>
  /** Deletes data files (already unreferenced); missing files are ignored. */
  remove(files: Iterable<string>): Promise<void>
  /** Deletes every temporary file and every data file not in `referenced`; returns how many it removed. */
  sweep(referenced: ReadonlySet<string>): Promise<number>
}

const READ_CHUNK = 256 * 1024

export async function objectFiles(dataDir: string, cipher: ObjectCipher, ids: Ids): Promise<ObjectFiles> {
  const root = join(dataDir, 's3')
  const tmp = join(root, 'tmp')
  const data = join(root, 'data')
  await mkdir(tmp, { recursive: true, mode: 0o700 })
  await mkdir(data, { recursive: true, mode: 0o700 })
  // Plain concatenation: `data` is already a normalized path and file names are hex (path.join's normalizing is a
  // measurable share of a small PUT's allocations).
  const directoryPathOf = (file: string) => `${data}/${file.slice(0, 2)}`
  const pathOf = (file: string) => `${directoryPathOf(file)}/${file}`
  const recent = recentFiles()
  const directories = new Map<string, DirectorySync>() // fan-out directories known to exist (none is ever removed)
  const directoryOf = async (file: string): Promise<DirectorySync> => {
    const path = directoryPathOf(file)
    let directory = directories.get(path)
    if (!directory) {
      await mkdir(path, { recursive: true, mode: 0o700 })
      directory = directories.get(path) ?? directorySync(path)
      directories.set(path, directory)
    }
    return directory
  }

  /**
   * Bytes `from`..`from + length` of one segment, decrypted, into `into`. A small file is read with one synchronous
   * positioned read: a page-cache read of at most CACHE_FILE_BYTES costs less than the three threadpool round trips of
   * open, read and close. A small segment read whole is remembered: SSE-S3 as plaintext (reading it needs no key from
   * the request, as SSE-C does, nor a KMS decision, as SSE-KMS does; those are kept as ciphertext and decrypted per read).
   */
  const readSegment = async (segment: StoredSegment, from: number, length: number, into: Buffer): Promise<void> => {
    const kept = recent.get(segment.file)
    if (kept?.plaintext) {
      kept.bytes.copy(into, 0, from, from + length)
      return
    }
    if (kept) kept.bytes.copy(into, 0, from, from + length)
    else if (length <= CACHE_FILE_BYTES) readSmall(segment.file, into, from)
    else await readLarge(segment.file, into, from)
    const whole = !kept && from === 0 && length === segment.size
    if (whole && segment.envelope.kind !== 'AES256') recent.remember(segment.file, into, false)
    cipher.open(segment.envelope, segment.file, from)(into).copy(into)
    if (whole && segment.envelope.kind === 'AES256') recent.remember(segment.file, into, true)
  }
  const readSmall = (file: string, into: Buffer, from: number): void => {
    const descriptor = openSync(pathOf(file), 'r')
    try {
      if (readSync(descriptor, into, 0, into.length, from) !== into.length) throw shortFile(file)
    } finally {
      closeSync(descriptor)
    }
  }
  const readLarge = async (file: string, into: Buffer, from: number): Promise<void> => {
    const handle = await open(pathOf(file), 'r')
    try {
      if ((await handle.read(into, 0, into.length, from)).bytesRead !== into.length) throw shortFile(file)
    } finally {
      await handle.close()
    }
  }

  return {
    root,
    async write(source, setting) {
      const file = ids.bytes(16).toString('hex')
      const { envelope, encrypt } = cipher.seal(setting, file)
      // A small body arrives whole before its file is opened, and is then written in one go (object-file-writes.ts).
      const start = await bodyStart(source, encrypt)
      const directory = await directoryOf(file)
      const paths = { temporary: `${tmp}/${file}`, final: pathOf(file) }
      const size = start.rest ? await writeLargeFile(paths, start, encrypt) : start.size
      if (!start.rest) await writeSmallFile(paths, start.chunks)
      await directory.sync() // the new name is durable: only now may metadata name the file
      return { file, size, envelope }
    },

    async *read(segments, start, end) {
      let offset = 0
      for (const segment of segments) {
        const segmentEnd = offset + segment.size
        if (segmentEnd > start && offset < end && segment.size > 0) {
          const from = Math.max(start, offset) - offset
          const to = Math.min(end, segmentEnd) - offset // exclusive
          const decrypt = cipher.open(segment.envelope, segment.file, from)
          const stream = createReadStream(pathOf(segment.file), { start: from, end: to - 1, highWaterMark: READ_CHUNK })
          for await (const chunk of stream) yield decrypt(chunk as Buffer)
        }
        offset = segmentEnd
        if (offset >= end) return
      }
    },

    async readWhole(segments, start, end) {
      // The usual small GET: one segment read whole, already in the cache as plaintext, handed out as it is.
      const only = segments.length === 1 ? segments[0]! : undefined
      const kept = only && recent.get(only.file)
      if (kept?.plaintext && end <= kept.bytes.length) return kept.bytes.subarray(start, end)
      const out = Buffer.allocUnsafe(end - start)
      let offset = 0
      let written = 0
      for (const segment of segments) {
        const segmentEnd = offset + segment.size
        if (segmentEnd > start && offset < end && segment.size > 0) {
          const from = Math.max(start, offset) - offset
          const length = Math.min(end, segmentEnd) - offset - from
          await readSegment(segment, from, length, out.subarray(written, written + length))
          written += length
        }
        offset = segmentEnd
        if (offset >= end) break
      }
      return out
    },

    async remove(files) {
      for (const file of files) {
        recent.forget(file)
        await unlink(pathOf(file)).catch(() => undefined)
      }
    },

    async sweep(referenced) {
      let removed = 0
      for (const name of await readdir(tmp)) {
        await rm(join(tmp, name), { force: true, recursive: true })
        removed++
      }
      for (const directory of await readdir(data)) {
        for (const name of await readdir(join(data, directory))) {
          if (referenced.has(name)) continue
          await rm(join(data, directory, name), { force: true })
          removed++
        }
      }
      return removed
    },
  }
}

/** Small data files read whole are kept (least recently read dropped first) up to this many bytes in all. */
const CACHE_BYTES = 32 * 1024 * 1024
const CACHE_FILE_BYTES = 64 * 1024

/**
 * Recently read small data files: a data file is never changed once written (every write gets a fresh name), so a
 * repeated small GET needs no open/read/close, and for SSE-S3 no decryption either. Entries are copies, never shared
 * with a caller's buffer, and may be handed out read-only (readWhole).
 */
function recentFiles() {
  const files = new Map<string, KeptFile>() // in order of last use
  let bytes = 0
  return {
    get(file: string): KeptFile | undefined {
      const hit = files.get(file)
      if (hit) {
        files.delete(file)
        files.set(file, hit)
      }
      return hit
    },
    remember(file: string, contents: Buffer, plaintext: boolean): void {
      if (contents.length > CACHE_FILE_BYTES || files.has(file)) return
      files.set(file, { bytes: Buffer.from(contents), plaintext })
      bytes += contents.length
      for (const [oldest, kept] of files) {
        if (bytes <= CACHE_BYTES) break
        files.delete(oldest)
        bytes -= kept.bytes.length
      }
    },
    forget(file: string): void {
      const kept = files.get(file)
      if (kept) bytes -= kept.bytes.length
      files.delete(file)
    },
  }
}

interface KeptFile {
  readonly bytes: Buffer
  /** Decrypted (SSE-S3), or the file's ciphertext. */
  readonly plaintext: boolean
}

function shortFile(file: string): Error {
  return new Error(`data file \`${file}\` is shorter than its metadata says`)
}
