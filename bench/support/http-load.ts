// The HTTP benchmarks' shared harness: servers started as pinned child processes, requests signed once with SigV4,
// load from Debian's wrk when installed (it costs the machine far less than a JavaScript generator) or autocannon,
// and the table every script prints. With `taskset`, servers run on one core and the load generator on the other.
import { SignatureV4 } from '@smithy/signature-v4'
import autocannon from 'autocannon'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto'
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'

export interface LoadOptions {
  readonly seconds: number
  readonly connections: number
  /** Where wrk's request scripts are written. */
  readonly scratchDir: string
  /** The request line; default `POST /` (the query and JSON protocols). */
  readonly method?: string
  readonly path?: string
}

export interface Result {
  readonly name: string
  readonly requestsPerSecond: number
  readonly p50: number
  readonly p99: number
  readonly errors: number
  readonly non2xx: number
}

/** Root credentials every benchmark server is started with. */
export const BENCH_ROOT = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'bench/root/secret/access/key/0000000000' }

const WRK = which('wrk')
const TASKSET = which('taskset')
const SERVER_CPU = '1'
const LOAD_CPU = '0'

/** One line saying how load was generated, for the report. */
export function loadSetup(): string {
  const palisade = process.env.PALISADE_BENCH_COMPILED === '1' ? 'palisade compiled by tsc' : 'palisade from the sources through tsx'
  return `load generator: ${WRK ? 'wrk' : 'autocannon'}${TASKSET ? `; servers pinned to CPU ${SERVER_CPU}, load to CPU ${LOAD_CPU}` : ''}; ${palisade}`
}

/**
 * One POST to the server on `port` over a connection of its own, closed after: a benchmark's check between load rounds
 * must not reuse a pooled keep-alive connection that sat idle through a round (the server may close it as it is reused).
 */
export function postOnce(port: number, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers, agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      response.on('error', reject)
    })
    sent.on('error', reject)
    sent.setTimeout(30_000, () => sent.destroy(new Error(`no answer from port ${port} within 30 s`)))
    sent.end(body)
  })
}

/** Children started here are killed when the benchmark exits, however it exits. */
const children: ChildProcess[] = []
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')))

export function stopChildren(): void {
  children.forEach((child) => child.kill('SIGTERM'))
}

/** `command args` as run on the server core (through taskset where installed): for measuring what that core can do. */
export function onServerCore(command: string, args: readonly string[]): [string, string[]] {
  return TASKSET ? [TASKSET, ['-c', SERVER_CPU, command, ...args]] : [command, [...args]]
}

/** Starts `command` (pinned to the server core) and resolves with its process once it answers HTTP on `port`. */
export async function startChild(name: string, command: string, args: readonly string[], port: number, env: NodeJS.ProcessEnv = process.env): Promise<ChildProcess> {
  const [file, argv] = onServerCore(command, args)
  const child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'ignore'], env })
  children.push(child)
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`)
    try {
      await fetch(`http://127.0.0.1:${port}/`, { method: 'GET' })
      return child
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  throw new Error(`${name} did not start listening on ${port} within 30 s`)
}

/**
 * `palisade serve` with the benchmark's root credentials, from the sources through tsx; with PALISADE_BENCH_COMPILED=1
 * as users run it, compiled by tsc (what `npm run build` makes, written to a private folder so the shared dist/ is
 * left alone). tsx's esbuild keepNames adds a name-setting call to every closure created: measurable where code makes
 * many (model constraint checks: ~30% of decoding a CreateUser), not in sts:GetCallerIdentity end to end.
 */
export function startPalisadeChild(port: number, dataDir: string, logLevel: string): Promise<ChildProcess> {
  const fromSource = process.env.PALISADE_BENCH_COMPILED !== '1'
  const entry = fromSource ? new URL('../../src/cli/main.ts', import.meta.url).pathname : compiledCli()
  return startChild('palisade', process.execPath, [
    ...(fromSource ? ['--import', 'tsx'] : []), '--input-type=module', '--eval',
    `const { main } = await import(${JSON.stringify(entry)}); process.exitCode = await main(process.argv.slice(1), process.env)`,
    'serve', '--port', String(port), '--data-dir', dataDir, '--log-level', logLevel,
    '--root-access-key-id', BENCH_ROOT.accessKeyId, '--root-secret-access-key', BENCH_ROOT.secretAccessKey,
  ], port, { ...process.env, PALISADE_LOG_LEVEL: logLevel })
}

let compiledEntry: string | undefined

/** Compiles src/ once per benchmark process; the entry point of the compiled CLI. */
function compiledCli(): string {
  if (compiledEntry) return compiledEntry
  const root = new URL('../../', import.meta.url).pathname
  // Under node_modules, so that the compiled files resolve the project's packages; one folder per benchmark process.
  const base = join(root, 'node_modules', '.cache', `palisade-bench-${process.pid}`)
  process.on('exit', () => rmSync(base, { recursive: true, force: true }))
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(base, 'dist')], { encoding: 'utf8' })
  // tsc writes JavaScript even when a file has a type error; only a missing entry point stops the benchmark.
  const entry = join(base, 'dist', 'cli', 'main.js')
  if (!existsSync(entry)) throw new Error(`tsc wrote no ${entry}:\n${tsc.stdout}${tsc.stderr}`)
  // Beside dist/ as in the repository: the CLI reads its version from it, and it makes the compiled files ES modules.
  copyFileSync(join(root, 'package.json'), join(base, 'package.json'))
  compiledEntry = entry
  return entry
}

/** moto's server, or undefined (with a message) where it is not installed. */
export async function startMotoChild(): Promise<number | undefined> {
  const moto = which('moto_server')
  if (!moto) {
    console.log('moto_server not found on PATH: skipping the moto comparison')
    return undefined
  }
  const port = await freePort()
  await startChild('moto_server', moto, ['-H', '127.0.0.1', '-p', String(port)], port)
  return port
}

/**
 * The headers of a POST to `/` signed once for `service` with the benchmark's root credentials: a SigV4 signature
 * stays valid for the 15-minute skew window, so every request of a run reuses it.
 */
export async function signedPost(service: string, port: number, headers: Record<string, string>, body: string): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: BENCH_ROOT, sha256: Sha256 })
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: '/', headers: { host: `127.0.0.1:${port}`, ...headers }, body })
  return signed.headers as Record<string, string>
}

/**
 * A 2-second warm-up (the JIT and keep-alive connections settle), then the measured run; `measuring` is called
 * between the two (bench/foundation/cpu.ts reads the server's CPU time there). Loads started together run at once
 * (each wrk is a process of its own on the load core): bench/cloudtrail/record.ts loads two servers side by side.
 */
export async function load(name: string, port: number, headers: Record<string, string>, body: string, options: LoadOptions, measuring?: () => void): Promise<Result> {
  return WRK ? loadWithWrk(WRK, name, port, headers, body, options, measuring) : loadWithAutocannon(name, port, headers, body, options, measuring)
}

/** The report's table. */
export function printResults(all: readonly Result[], nameWidth = 36): void {
  console.log(['target'.padEnd(nameWidth), 'req/s'.padStart(10), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'errors'.padStart(8)].join(' '))
  for (const r of all) {
    console.log([r.name.padEnd(nameWidth), r.requestsPerSecond.toFixed(0).padStart(10), r.p50.toFixed(2).padStart(8), r.p99.toFixed(2).padStart(8), String(r.errors + r.non2xx).padStart(8)].join(' '))
  }
}

/** CPU time (user + system, every thread) a process has used, in milliseconds; 0 without a pid or /proc. */
export function cpuMillis(pid: number | undefined): number {
  if (pid === undefined) return 0
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10 // utime and stime, in clock ticks of 10 ms
  } catch {
    return 0
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function loadWithWrk(wrk: string, name: string, port: number, headers: Record<string, string>, body: string, options: LoadOptions, measuring?: () => void): Promise<Result> {
  const script = join(options.scratchDir, `wrk-${port}-${name.replace(/\W+/g, '-')}.lua`)
  const lines = [`wrk.method = ${JSON.stringify(options.method ?? 'POST')}`, `wrk.path = ${JSON.stringify(options.path ?? '/')}`, `wrk.body = ${JSON.stringify(body)}`]
  for (const [header, value] of Object.entries(headers)) {
    if (header.toLowerCase() !== 'host') lines.push(`wrk.headers[${JSON.stringify(header)}] = ${JSON.stringify(value)}`)
  }
  writeFileSync(script, lines.join('\n') + '\n')
  const run = (seconds: number) => {
    const args = ['-t1', `-c${options.connections}`, `-d${seconds}s`, '--latency', '-s', script, `http://127.0.0.1:${port}/`]
    const [file, argv] = TASKSET ? [TASKSET, ['-c', LOAD_CPU, wrk, ...args]] : [wrk, args]
    return output(file, argv)
  }
  await run(2)
  measuring?.()
  const out = await run(options.seconds)
  const number = (pattern: RegExp) => Number(pattern.exec(out)?.[1] ?? NaN)
  const millis = (pattern: RegExp) => {
    const match = pattern.exec(out)
    if (!match) return NaN
    const value = Number(match[1])
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value
  }
  return {
    name,
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    p50: millis(/50%\s+([\d.]+)(us|ms|s)/),
    p99: millis(/99%\s+([\d.]+)(us|ms|s)/),
    errors: number(/Socket errors:.*?timeout (\d+)/) || 0,
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/) || 0,
  }
}

/** What `file` writes to its standard output; spawned, not waited for synchronously, so that two loads can run at once. */
function output(file: string, argv: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    child.on('error', reject)
    child.on('close', () => resolve(out))
  })
}

async function loadWithAutocannon(name: string, port: number, headers: Record<string, string>, body: string, options: LoadOptions, measuring?: () => void): Promise<Result> {
  const request = { url: `http://127.0.0.1:${port}${options.path ?? '/'}`, method: (options.method ?? 'POST') as 'POST', headers, body, connections: options.connections }
  await autocannon({ ...request, duration: 2 })
  measuring?.()
  const result = await autocannon({ ...request, duration: options.seconds })
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  }
}

function which(command: string): string | undefined {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim() || undefined
}

/** The signer's hash interface over node:crypto. */
export class Sha256 {
  private hash: Hash | Hmac
  private readonly secret?: string | Uint8Array
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret = secret === undefined || typeof secret === 'string' ? secret : bytes(secret)
    this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret)
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : bytes(data))
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest())
  }
  reset(): void {
    this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret)
  }
}

function bytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data)
}
