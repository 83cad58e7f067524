// What the server core can physically do for S3 object writes, without Palisade: run by bench/s3/run.ts pinned to
// the server's CPU, printing one JSON line.
// - md5MBps: MD5 over 64 KiB chunks (as a body arrives) on this core. Every PutObject computes it (the ETag), so a
//   large PUT on one core cannot be faster, whatever the disk does.
// - small PUT files/s: per object, a 4 KiB file written to a temporary name, fsync'd, renamed into place and its
//   directory fsync'd — what a durable small PutObject needs before its metadata commits — one object at a time, and
//   with `inFlight` at once (as the benchmark's connections send them).
//
//   node --import tsx bench/s3/ceiling-probe.ts DIR [inFlight]
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import { join } from 'node:path'

const dir = process.argv[2]
if (!dir) throw new Error('usage: ceiling-probe.ts DIR [inFlight]')
const inFlight = Number(process.argv[3] ?? 16)
const SECONDS = 2

console.log(JSON.stringify({ md5MBps: md5Speed(), smallPutFilesPerSecond: await smallFiles(1), smallPutFilesPerSecondConcurrent: await smallFiles(inFlight) }))

function md5Speed(): number {
  const body = randomBytes(64 * 1024 * 1024)
  const chunk = 64 * 1024
  let bytes = 0
  const started = performance.now()
  while (performance.now() - started < SECONDS * 1000) {
    const hash = createHash('md5')
    for (let offset = 0; offset < body.length; offset += chunk) hash.update(body.subarray(offset, offset + chunk))
    hash.digest()
    bytes += body.length
  }
  return bytes / (1024 * 1024) / ((performance.now() - started) / 1000)
}

/** Durable 4 KiB files per second with `parallel` written at once (each with its own file and directory fsync). */
async function smallFiles(parallel: number): Promise<number> {
  const tmp = join(dir!, `tmp-${parallel}`)
  const data = join(dir!, `data-${parallel}`)
  mkdirSync(tmp, { recursive: true })
  mkdirSync(data, { recursive: true })
  const body = Buffer.alloc(4096, 120)
  const directory = await open(data, 'r')
  let written = 0
  const deadline = performance.now() + SECONDS * 1000
  const started = performance.now()
  const writer = async (lane: number) => {
    while (performance.now() < deadline) {
      const name = `${lane}-${written++}`
      // The order object-file-writes.ts uses (DESIGN.md's): fsync'd under the temporary name, renamed, directory fsync'd.
      const file = await open(join(tmp, name), 'wx', 0o600)
      await file.write(body)
      await file.sync()
      await file.close()
      await rename(join(tmp, name), join(data, name))
      await directory.sync()
    }
  }
  await Promise.all(Array.from({ length: parallel }, (_, lane) => writer(lane)))
  const elapsed = (performance.now() - started) / 1000
  await directory.close()
  return written / elapsed
}
