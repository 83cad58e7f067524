// Durability and data at rest, with `palisade serve` in its own process: SIGKILL during a large upload leaves the old
// object and no orphan files after restart; object bytes on disk are ciphertext; a large upload and download keep
// the server's memory flat.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_ROOT_ACCESS_KEY_ID, TEST_ROOT_SECRET_ACCESS_KEY } from '../support/palisade.js'
import { startServeProcess, type ServeProcess } from '../support/serve-process.js'

const MiB = 1024 * 1024

interface Served extends ServeProcess {
  readonly s3: S3Client
}

async function serve(dataDir: string): Promise<Served> {
  const started = await startServeProcess(['--port', '0', '--data-dir', dataDir,
    '--root-access-key-id', TEST_ROOT_ACCESS_KEY_ID, '--root-secret-access-key', TEST_ROOT_SECRET_ACCESS_KEY])
  const credentials = { accessKeyId: TEST_ROOT_ACCESS_KEY_ID, secretAccessKey: TEST_ROOT_SECRET_ACCESS_KEY }
  return { ...started, s3: new S3Client({ endpoint: started.url, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 }) }
}

function kill(served: Served): Promise<void> {
  return new Promise((resolve) => {
    served.child.once('exit', () => resolve())
    served.child.kill('SIGKILL')
  })
}

/** `size` bytes of a repeating pattern, produced as they are read; `onHalf` runs once half has been produced. */
function patterned(size: number, onHalf?: () => void): Readable {
  const block = Buffer.alloc(MiB, 'palisade-durability-')
  let sent = 0
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null)
      const next = block.subarray(0, Math.min(MiB, size - sent))
      sent += next.length
      if (onHalf && sent >= size / 2) {
        onHalf()
        onHalf = undefined
        return // stop producing: the upload stalls half-way until the server is killed
      }
      this.push(next)
    },
  })
}

/** Every file under `directory`, recursively. */
function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return []
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(directory, entry.name)) : [join(directory, entry.name)])
}

/** Peak resident memory of a process, from /proc (Linux). */
function peakRssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((text) => text.startsWith('VmHWM:'))
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024
}

describe('S3 durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'palisade-s3-durability-'))
  let server: Served

  beforeAll(async () => {
    server = await serve(dataDir)
    await server.s3.send(new CreateBucketCommand({ Bucket: 'durable' }))
  })
  afterAll(async () => {
    await kill(server)
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps the old object and removes every orphan after a SIGKILL during a large upload', async () => {
    await server.s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'doc', Body: 'the old version' }))
    let halfway: () => void = () => undefined
    const reachedHalf = new Promise<void>((resolve) => { halfway = resolve })
    const upload = server.s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'doc', Body: patterned(64 * MiB, halfway), ContentLength: 64 * MiB }))
    upload.catch(() => undefined) // the connection dies with the server
    await reachedHalf
    // The server is streaming the body into its temporary file when it dies.
    expect(await waitFor(() => filesUnder(join(dataDir, 's3', 'tmp')).some((file) => statSync(file).size > 0))).toBe(true)
    await kill(server)
    // A file no row names, as a crash between the rename and the commit would leave.
    mkdirSync(join(dataDir, 's3', 'data', 'ff'), { recursive: true })
    writeFileSync(join(dataDir, 's3', 'data', 'ff', 'ff00000000000000000000000000dead'), 'orphan')

    server = await serve(dataDir)
    const got = await server.s3.send(new GetObjectCommand({ Bucket: 'durable', Key: 'doc' }))
    expect(await got.Body!.transformToString()).toBe('the old version')
    expect(filesUnder(join(dataDir, 's3', 'tmp'))).toEqual([])
    expect(filesUnder(join(dataDir, 's3', 'data'))).toHaveLength(1) // the old object's one file
  })

  it('stores object bytes as ciphertext: no plaintext anywhere in the data directory', async () => {
    const marker = 'PLAINTEXT-MARKER-that-must-never-reach-the-disk'
    await server.s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'secret', Body: marker.repeat(100) }))
    const got = await server.s3.send(new GetObjectCommand({ Bucket: 'durable', Key: 'secret' }))
    expect(await got.Body!.transformToString()).toBe(marker.repeat(100))
    const files = filesUnder(dataDir)
    expect(files.some((file) => file.includes(`${join('s3', 'data')}`))).toBe(true)
    for (const file of files) expect(readFileSync(file).includes(marker), file).toBe(false)
  })

  it('streams a 2 GiB upload and download without holding it in memory', { timeout: 120_000 }, async () => {
    const before = peakRssBytes(server.child.pid!)
    const size = 2048 * MiB
    await server.s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'large', Body: patterned(size), ContentLength: size }))
    const got = await server.s3.send(new GetObjectCommand({ Bucket: 'durable', Key: 'large' }))
    // Each chunk is compared with the pattern at its offset: neither side of the test holds the object either.
    let received = 0
    let intact = true
    for await (const chunk of got.Body as AsyncIterable<Uint8Array>) {
      intact &&= matchesPattern(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length), received)
      received += chunk.length
    }
    expect(received).toBe(size)
    expect(intact).toBe(true)
    // Buffering the object would raise the peak by at least its size; streaming keeps it within a few chunks.
    expect(peakRssBytes(server.child.pid!) - before).toBeLessThan(96 * MiB)
  })
})

const PATTERN_BLOCK = Buffer.alloc(MiB, 'palisade-durability-')

/** Whether `chunk` holds what `patterned` produces at byte `offset` onwards. */
function matchesPattern(chunk: Buffer, offset: number): boolean {
  for (let at = 0; at < chunk.length;) {
    const inBlock = (offset + at) % MiB
    const length = Math.min(MiB - inBlock, chunk.length - at)
    if (!chunk.subarray(at, at + length).equals(PATTERN_BLOCK.subarray(inBlock, inBlock + length))) return false
    at += length
  }
  return true
}

/** Polls `condition` (every 25 ms, for up to 10 s); whether it came true. */
async function waitFor(condition: () => boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (condition()) return true
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return false
}
