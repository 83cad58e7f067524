// S3 benchmark: PutObject and GetObject through the whole Palisade pipeline — 4 KiB objects under concurrent load
// (requests/s, p99) beside moto's server, and 64 MiB objects one after another (MB/s, p99) beside the disk's own
// write (with fsync) and read speed, which is the limit for large objects. Palisade's CPU time per request (per MiB
// for large objects) is read from /proc, which a busy machine distorts less than throughput. Last, what the server
// core can physically do (bench/s3/ceiling-probe.ts pinned there): MD5 speed, which bounds a large PUT on one core,
// and durable 4 KiB file writes per second, which bound small PUTs.
//
//   node --import tsx bench/s3/run.ts [--seconds 10] [--connections 16] [--large-rounds 8] [--log-level warn]
import { SignatureV4 } from '@smithy/signature-v4'
import { createHash, randomBytes } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { createReadStream, mkdtempSync, rmSync } from 'node:fs'
import { open, unlink } from 'node:fs/promises'
import { request, Agent } from 'node:http'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { BENCH_ROOT, cpuMillis, freePort, load, loadSetup, onServerCore, printResults, Sha256, startMotoChild, startPalisadeChild, stopChildren, type LoadOptions, type Result } from '../support/http-load.js'

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    'large-rounds': { type: 'string', default: '8' },
    'log-level': { type: 'string', default: 'warn' },
  },
})
const SMALL = 4 * 1024
const LARGE = 64 * 1024 * 1024
const BUCKET = 'bench'
const ROUNDS = Number(options['large-rounds'])

interface Throughput {
  readonly name: string
  readonly mbPerSecond: number
  readonly p99: number
  /** The server's CPU milliseconds per MiB, where measured. */
  readonly cpuPerMiB?: number
}

interface Ceilings {
  readonly md5MBps: number
  readonly smallPutFilesPerSecond: number
  readonly smallPutFilesPerSecondConcurrent: number
}

const agent = new Agent({ keepAlive: true })
const small: Result[] = []
const large: Throughput[] = []
/** Palisade's CPU microseconds per request, by result name. */
const cpuPerRequest = new Map<string, number>()
let ceilings: Ceilings | undefined
const dataDir = mkdtempSync(join(tmpdir(), 'palisade-bench-s3-'))
const loadOptions: LoadOptions = { seconds: Number(options.seconds), connections: Number(options.connections), scratchDir: dataDir }
try {
  const palisade = await freePort()
  const server = await startPalisadeChild(palisade, join(dataDir, 'served'), options['log-level']!)
  await send(palisade, 'PUT', `/${BUCKET}`, Buffer.alloc(0))
  small.push(...await smallObjects('palisade', palisade, server.pid))
  large.push(...await largeObjects('palisade', palisade, server.pid))

  const moto = await startMotoChild()
  if (moto !== undefined) {
    await send(moto, 'PUT', `/${BUCKET}`, Buffer.alloc(0))
    small.push(...await smallObjects('moto_server', moto))
  }
  large.push(...await rawDisk(join(dataDir, 'raw')))
  ceilings = probeCeilings(join(dataDir, 'probe'))
} finally {
  stopChildren()
  rmSync(dataDir, { recursive: true, force: true })
}
report()

/** 4 KiB PutObject (signed payload) and GetObject of one key, under wrk/autocannon; with `pid`, its CPU per request. */
async function smallObjects(name: string, port: number, pid?: number): Promise<Result[]> {
  const body = 'x'.repeat(SMALL) // ASCII, so wrk's script carries it unchanged
  const path = `/${BUCKET}/small-object`
  const measured = async (label: string, run: (measuring: () => void) => Promise<Result>) => {
    let before = 0
    const result = await run(() => { before = cpuMillis(pid) })
    if (pid !== undefined) cpuPerRequest.set(label, ((cpuMillis(pid) - before) * 1000) / (result.requestsPerSecond * loadOptions.seconds))
    return result
  }
  // wrk adds Content-Length itself, so the signature leaves it out.
  const putHeaders = await signed(port, 'PUT', path, Buffer.from(body), { lengthHeader: false })
  const put = await measured(`${name} PutObject 4 KiB`, (measuring) => load(`${name} PutObject 4 KiB`, port, putHeaders, body, { ...loadOptions, method: 'PUT', path }, measuring))
  const getHeaders = await signed(port, 'GET', path, Buffer.alloc(0))
  const get = await measured(`${name} GetObject 4 KiB`, (measuring) => load(`${name} GetObject 4 KiB`, port, getHeaders, '', { ...loadOptions, method: 'GET', path }, measuring))
  return [put, get]
}

/** bench/s3/ceiling-probe.ts on the server core. */
function probeCeilings(dir: string): Ceilings | undefined {
  const probe = new URL('./ceiling-probe.ts', import.meta.url).pathname
  const [file, argv] = onServerCore(process.execPath, ['--import', 'tsx', probe, dir, String(loadOptions.connections)])
  const run = spawnSync(file, argv, { encoding: 'utf8' })
  const line = run.stdout.trim().split('\n').at(-1)
  if (run.status !== 0 || !line) {
    console.log(`ceiling probe failed: ${run.stderr}`)
    return undefined
  }
  return JSON.parse(line) as Ceilings
}

/** 64 MiB PutObject (UNSIGNED-PAYLOAD, as presigned and HTTPS clients send) and GetObject, one at a time. */
async function largeObjects(name: string, port: number, pid?: number): Promise<Throughput[]> {
  const body = randomBytes(LARGE)
  const path = `/${BUCKET}/large-object`
  const puts: number[] = []
  const gets: number[] = []
  let putCpu = 0
  let getCpu = 0
  for (let round = 0; round < ROUNDS; round++) {
    let cpu = cpuMillis(pid)
    let started = performance.now()
    await send(port, 'PUT', path, body, { unsignedPayload: true })
    puts.push(performance.now() - started)
    putCpu += cpuMillis(pid) - cpu
    cpu = cpuMillis(pid)
    started = performance.now()
    const received = await send(port, 'GET', path, Buffer.alloc(0))
    gets.push(performance.now() - started)
    getCpu += cpuMillis(pid) - cpu
    if (received !== LARGE) throw new Error(`GetObject returned ${received} bytes`)
  }
  const perMiB = (millis: number) => (pid === undefined ? undefined : millis / ((LARGE / (1024 * 1024)) * ROUNDS))
  return [throughput(`${name} PutObject 64 MiB`, puts, perMiB(putCpu)), throughput(`${name} GetObject 64 MiB`, gets, perMiB(getCpu))]
}

/** The disk's own speed for the same sizes: write with fsync (as Palisade commits), then read back. */
async function rawDisk(path: string): Promise<Throughput[]> {
  const body = randomBytes(LARGE)
  const writes: number[] = []
  const reads: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    let started = performance.now()
    const handle = await open(path, 'w')
    for (let offset = 0; offset < LARGE; offset += 1024 * 1024) await handle.write(body.subarray(offset, offset + 1024 * 1024))
    await handle.sync()
    await handle.close()
    writes.push(performance.now() - started)
    started = performance.now()
    const hash = createHash('md5') // something per chunk, as a reader does
    for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) hash.update(chunk as Buffer)
    reads.push(performance.now() - started)
    await unlink(path)
  }
  return [throughput('raw disk write+fsync 64 MiB', writes), throughput('raw disk read 64 MiB', reads)]
}

function throughput(name: string, millis: readonly number[], cpuPerMiB?: number): Throughput {
  const total = millis.reduce((sum, value) => sum + value, 0)
  const sorted = [...millis].sort((a, b) => a - b)
  return {
    name,
    mbPerSecond: (LARGE * millis.length) / (1024 * 1024) / (total / 1000),
    p99: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!,
    ...(cpuPerMiB !== undefined && { cpuPerMiB }),
  }
}

interface SigningChoices {
  readonly unsignedPayload?: boolean
  readonly lengthHeader?: boolean
}

async function signed(port: number, method: string, path: string, body: Buffer, { unsignedPayload = false, lengthHeader = true }: SigningChoices = {}): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: BENCH_ROOT, sha256: Sha256, uriEscapePath: false, applyChecksum: true })
  const payloadHash = unsignedPayload ? 'UNSIGNED-PAYLOAD' : createHash('sha256').update(body).digest('hex')
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, 'x-amz-content-sha256': payloadHash }
  if (method === 'PUT' && lengthHeader) headers['content-length'] = String(body.length)
  const result = await signer.sign({ method, protocol: 'http:', hostname: '127.0.0.1', port, path, headers, body: unsignedPayload ? undefined : body })
  return result.headers as Record<string, string>
}


/** One signed request; resolves with the response body's size, failing on a non-2xx answer. */
async function send(port: number, method: string, path: string, body: Buffer, choices: SigningChoices = {}): Promise<number> {
  const headers = await signed(port, method, path, body, choices)
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      let size = 0
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if ((res.statusCode ?? 500) >= 300) chunks.push(chunk)
      })
      res.on('end', () => ((res.statusCode ?? 500) < 300 ? resolve(size) : reject(new Error(`${method} ${path}: ${res.statusCode} ${Buffer.concat(chunks).toString()}`))))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

function report(): void {
  console.log(`\nS3 4 KiB objects: ${loadOptions.connections} connections, ${loadOptions.seconds} s each; 64 MiB objects: ${ROUNDS} sequential rounds; ${process.version}`)
  // The machine may be shared: the load average at the end says how noisy the figures are.
  console.log(`load average at the end: ${loadavg().map((value) => value.toFixed(2)).join(', ')} (${availableParallelism()} CPUs)`)
  console.log(loadSetup())
  printResults(small, 34)
  for (const [name, micros] of cpuPerRequest) console.log(`${name}: server CPU ${micros.toFixed(0)} µs per request`)
  console.log(['\ntarget'.padEnd(35), 'MB/s'.padStart(10), 'p99 ms'.padStart(10), 'CPU ms/MiB'.padStart(11)].join(' '))
  for (const row of large) {
    console.log([row.name.padEnd(34), row.mbPerSecond.toFixed(0).padStart(10), row.p99.toFixed(0).padStart(10), (row.cpuPerMiB?.toFixed(2) ?? '').padStart(11)].join(' '))
  }
  if (ceilings) {
    console.log(`\nceilings on the server core: MD5 ${ceilings.md5MBps.toFixed(0)} MB/s (every PutObject hashes its body for the ETag, so one core cannot store a large object faster);`)
    console.log(`  durable 4 KiB files (write, fsync, rename, directory fsync; no metadata): ${ceilings.smallPutFilesPerSecond.toFixed(0)}/s one at a time, ${ceilings.smallPutFilesPerSecondConcurrent.toFixed(0)}/s with ${loadOptions.connections} in flight`)
  }
  const ratio = (name: string, other: string, list: readonly { name: string }[], value: (row: never) => number) => {
    const a = list.find((row) => row.name === name)
    const b = list.find((row) => row.name === other)
    return a && b ? value(a as never) / value(b as never) : undefined
  }
  for (const op of ['PutObject', 'GetObject']) {
    const vsMoto = ratio(`palisade ${op} 4 KiB`, `moto_server ${op} 4 KiB`, small, (row: Result) => row.requestsPerSecond)
    if (vsMoto !== undefined) console.log(`${op} 4 KiB palisade / moto_server: ${vsMoto.toFixed(1)}x (target >= 10x) ${vsMoto >= 10 ? 'met' : 'NOT met'}`)
  }
  const put = ratio('palisade PutObject 64 MiB', 'raw disk write+fsync 64 MiB', large, (row: Throughput) => row.mbPerSecond)
  const get = ratio('palisade GetObject 64 MiB', 'raw disk read 64 MiB', large, (row: Throughput) => row.mbPerSecond)
  if (put !== undefined) console.log(`PutObject 64 MiB / raw disk write: ${put.toFixed(2)} (target >= 0.5) ${put >= 0.5 ? 'met' : 'NOT met'}`)
  if (get !== undefined) console.log(`GetObject 64 MiB / raw disk read: ${get.toFixed(2)} (target >= 0.5) ${get >= 0.5 ? 'met' : 'NOT met'}`)
}
