// Foundation benchmark: signed sts:GetCallerIdentity through the whole Palisade pipeline at concurrency 16, beside
// (a) a bare node:http server answering the same bytes (this runtime's limit) and (b) moto's server, in one run.
// Load comes from Debian's wrk when installed (it costs the machine far less than a JavaScript load generator),
// else from autocannon; with `taskset` the servers run on one core and the load generator on the other.
//
//   node --import tsx bench/foundation/run.ts [--seconds 10] [--connections 16] [--log-level warn]
import { SignatureV4 } from '@smithy/signature-v4'
import autocannon from 'autocannon'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    'log-level': { type: 'string', default: 'warn' },
  },
})
const SECONDS = Number(options.seconds)
const CONNECTIONS = Number(options.connections)
const ROOT = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'bench/root/secret/access/key/0000000000' }
const BODY = 'Action=GetCallerIdentity&Version=2011-06-15'
const CLI_ENTRY = new URL('../../src/cli/main.ts', import.meta.url).pathname
const WRK = which('wrk')
const TASKSET = which('taskset')
const SERVER_CPU = '1'
const LOAD_CPU = '0'

interface Result {
  readonly name: string
  readonly requestsPerSecond: number
  readonly p50: number
  readonly p99: number
  readonly errors: number
  readonly non2xx: number
}

// The signer's hash interface over node:crypto.
class Sha256 {
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

const children: ChildProcess[] = []
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')))

const results: Result[] = []
const palisadePort = await freePort()
const dataDir = mkdtempSync(join(tmpdir(), 'palisade-bench-'))
try {
  await startChild('palisade', process.execPath, [
    '--import', 'tsx', '--input-type=module', '--eval',
    `const { main } = await import(${JSON.stringify(CLI_ENTRY)}); process.exitCode = await main(process.argv.slice(1), process.env)`,
    'serve', '--port', String(palisadePort), '--data-dir', dataDir, '--log-level', options['log-level']!,
    '--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey,
  ], palisadePort)
  const palisadeRequest = await signedRequest(palisadePort)
  const sample = await fetch(`http://127.0.0.1:${palisadePort}/`, { method: 'POST', headers: palisadeRequest.headers, body: BODY })
  const sampleBody = await sample.text()
  if (sample.status !== 200) throw new Error(`Palisade answered ${sample.status}: ${sampleBody}`)
  results.push(await load('palisade (whole pipeline)', palisadePort, palisadeRequest.headers))

  const barePort = await freePort()
  await startChild('bare node:http', process.execPath, ['--input-type=module', '--eval', bareServerSource(barePort, sampleBody)], barePort)
  results.push(await load('bare node:http (same bytes)', barePort, (await signedRequest(barePort)).headers))

  const moto = which('moto_server')
  if (moto) {
    const motoPort = await freePort()
    await startChild('moto_server', moto, ['-H', '127.0.0.1', '-p', String(motoPort)], motoPort)
    results.push(await load('moto_server', motoPort, (await signedRequest(motoPort)).headers))
  } else {
    console.log('moto_server not found on PATH: skipping the moto comparison')
  }
} finally {
  children.forEach((child) => child.kill('SIGTERM'))
  rmSync(dataDir, { recursive: true, force: true })
}

report(results)

function report(all: readonly Result[]): void {
  console.log(`\nsigned sts:GetCallerIdentity, ${CONNECTIONS} connections, ${SECONDS} s each, on ${process.version}, Palisade log level ${options['log-level']}`)
  console.log(`load generator: ${WRK ? 'wrk' : 'autocannon'}${TASKSET ? `; servers pinned to CPU ${SERVER_CPU}, load to CPU ${LOAD_CPU}` : ''}`)
  console.log(['target'.padEnd(30), 'req/s'.padStart(10), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'errors'.padStart(8)].join(' '))
  for (const r of all) {
    console.log([r.name.padEnd(30), r.requestsPerSecond.toFixed(0).padStart(10), r.p50.toFixed(2).padStart(8), r.p99.toFixed(2).padStart(8), String(r.errors + r.non2xx).padStart(8)].join(' '))
  }
  const [palisade, bare, moto] = all
  if (palisade && bare) {
    const ratio = palisade.requestsPerSecond / bare.requestsPerSecond
    console.log(`palisade / bare node:http: ${ratio.toFixed(2)} (target >= 0.50) ${ratio >= 0.5 ? 'met' : 'NOT met'}`)
    console.log(`palisade p99: ${palisade.p99.toFixed(2)} ms (target <= 5 ms) ${palisade.p99 <= 5 ? 'met' : 'NOT met'}`)
  }
  if (palisade && moto) {
    const ratio = palisade.requestsPerSecond / moto.requestsPerSecond
    console.log(`palisade / moto_server: ${ratio.toFixed(1)}x (target >= 25x) ${ratio >= 25 ? 'met' : 'NOT met'}`)
  }
}

async function load(name: string, port: number, headers: Record<string, string>): Promise<Result> {
  return WRK ? loadWithWrk(name, port, headers) : loadWithAutocannon(name, port, headers)
}

function loadWithWrk(name: string, port: number, headers: Record<string, string>): Result {
  const script = join(dataDir, `wrk-${port}.lua`)
  const lines = ['wrk.method = "POST"', `wrk.body = ${JSON.stringify(BODY)}`]
  for (const [header, value] of Object.entries(headers)) {
    if (header.toLowerCase() !== 'host') lines.push(`wrk.headers[${JSON.stringify(header)}] = ${JSON.stringify(value)}`)
  }
  writeFileSync(script, lines.join('\n') + '\n')
  const run = (seconds: number) => {
    const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', script, `http://127.0.0.1:${port}/`]
    const command = TASKSET ? [TASKSET, ['-c', LOAD_CPU, WRK!, ...args]] as const : [WRK!, args] as const
    return spawnSync(command[0], command[1], { encoding: 'utf8' }).stdout
  }
  run(2) // warm-up: the JIT and keep-alive connections settle before the measured run
  const out = run(SECONDS)
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

async function loadWithAutocannon(name: string, port: number, headers: Record<string, string>): Promise<Result> {
  // A short warm-up so the JIT and connection pools settle before the measured run.
  await autocannon({ url: `http://127.0.0.1:${port}/`, method: 'POST', headers, body: BODY, connections: CONNECTIONS, duration: 2 })
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, method: 'POST', headers, body: BODY, connections: CONNECTIONS, duration: SECONDS })
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  }
}

// Signed once: a SigV4 signature stays valid for the 15-minute skew window, so every request reuses it.
async function signedRequest(port: number): Promise<{ headers: Record<string, string> }> {
  const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: ROOT, sha256: Sha256 })
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path: '/',
    headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: BODY,
  })
  return { headers: signed.headers as Record<string, string> }
}

function bareServerSource(port: number, body: string): string {
  return `import { createServer } from 'node:http'
const body = Buffer.from(${JSON.stringify(body)})
createServer({ keepAlive: true }, (req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': '00000000-0000-4000-8000-000000000000', 'content-length': body.length })
    res.end(body)
  })
}).listen(${port}, '127.0.0.1')`
}

async function startChild(name: string, command: string, args: readonly string[], port: number): Promise<void> {
  const [file, argv] = TASKSET ? [TASKSET, ['-c', SERVER_CPU, command, ...args]] : [command, args]
  const child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, PALISADE_LOG_LEVEL: options['log-level'] } })
  children.push(child)
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`)
    try {
      await fetch(`http://127.0.0.1:${port}/`, { method: 'GET' })
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  throw new Error(`${name} did not start listening on ${port} within 30 s`)
}

function which(command: string): string | undefined {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim() || undefined
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
