// CPU per request of the foundation path, measured so that a busy machine does not distort it: CPU time, not
// wall time. Throughput on one core is the inverse of CPU per request, so these figures predict the ratio the
// wrk benchmark (bench/foundation/run.ts) measures, without needing an idle machine.
//
// 1. pipeline: the composition root's pipeline called in a loop, in this process, with one signed
//    sts:GetCallerIdentity (no sockets): the pipeline's own cost, split into its stages.
// 2. server (with --wrk): `palisade serve` and a bare node:http server as pinned children under wrk; their CPU
//    time from /proc divided by the requests answered: what each request costs the server core, node:http included.
//
//   node --import tsx bench/foundation/cpu.ts [--calls 200000] [--wrk] [--seconds 5]
import { SignatureV4 } from '@smithy/signature-v4'
import { readFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { serviceBindings } from '../../src/app/service-bindings.js'
import { allAuditSinks } from '../../src/audit/audit-sink.js'
import { createAuthorizer } from '../../src/authz/authorize.js'
import { readConfig } from '../../src/config/config.js'
import { systemClock } from '../../src/core/clock.js'
import type { HttpRequest } from '../../src/core/http.js'
import { randomIds } from '../../src/core/ids.js'
import { silentLogger } from '../../src/core/logger.js'
import { loadRootKey } from '../../src/crypto/root-key.js'
import { secretBox } from '../../src/crypto/secret-box.js'
import { createAuthenticator } from '../../src/pipeline/authenticate.js'
import { credentialScope } from '../../src/pipeline/credential-scope.js'
import { createPipeline } from '../../src/pipeline/pipeline.js'
import { createRouter } from '../../src/pipeline/router.js'
import { bootstrapDefaultAccount, loadCredentialIndex, loadIdentityIndex, serviceAccessRecorder } from '../../src/services/iam/index.js'
import { loadSessionIndex, loadTrustIndex } from '../../src/services/sts/index.js'
import { readSignature, verifySignature } from '../../src/sigv4/index.js'
import { openDatabase } from '../../src/storage/database.js'
import { BENCH_ROOT, cpuMillis, freePort, load, Sha256, signedPost, startChild, startPalisadeChild, stopChildren, type LoadOptions } from '../support/http-load.js'

const { values: options } = parseArgs({
  options: {
    calls: { type: 'string', default: '200000' },
    wrk: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '5' },
  },
})
const CALLS = Number(options.calls)
const BODY = 'Action=GetCallerIdentity&Version=2011-06-15'
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }

const dataDir = mkdtempSync(join(tmpdir(), 'palisade-bench-cpu-'))
try {
  await measurePipeline()
  if (options.wrk) await measureServers()
} finally {
  stopChildren()
  rmSync(dataDir, { recursive: true, force: true })
}

async function measurePipeline(): Promise<void> {
  // Wired as src/app/start-palisade.ts wires it for these two services (audit sinks combined as there, with the
  // service-last-accessed recorder).
  const config = readConfig(['--data-dir', dataDir, '--root-access-key-id', BENCH_ROOT.accessKeyId, '--root-secret-access-key', BENCH_ROOT.secretAccessKey], {})
  const box = secretBox(loadRootKey({ key: config.rootKey, file: config.rootKeyFile }))
  const database = await openDatabase({ url: config.database.replace(/^sqlite:/, '') })
  await bootstrapDefaultAccount(database, config, { box, clock: systemClock, ids: randomIds })
  const trust = await loadTrustIndex(database)
  const sessions = await loadSessionIndex(database, box, systemClock, { trust })
  const credentials = await loadCredentialIndex(database, box, 'aws', { sessions })
  const identities = await loadIdentityIndex(database)
  const accessRecorder = serviceAccessRecorder(database)
  const router = createRouter(serviceBindings({
    iam: { database, clock: systemClock, ids: randomIds, box },
    sts: { database, clock: systemClock, ids: randomIds, box, sessions, trust, credentials },
  }))
  const pipeline = createPipeline({
    router,
    authenticate: createAuthenticator({ credentials, mode: 'strict', defaultAccountId: config.accountId, partition: 'aws', region: config.region }),
    authorize: createAuthorizer({ mode: 'strict', identities, clock: systemClock }),
    // CloudTrail recording is left out: its cost is measured by its own benchmark.
    audit: allAuditSinks([{ record: (call) => accessRecorder.record(call) }]),
    clock: systemClock,
    ids: randomIds,
    log: silentLogger,
    region: config.region,
    partition: 'aws',
  })
  const request = await signedRequest()
  const first = await pipeline(request)
  if (first.response.status !== 200) throw new Error(`pipeline answered ${first.response.status}: ${String(first.response.body)}`)

  const secret = credentials.find(BENCH_ROOT.accessKeyId)!.secretAccessKey
  const route = router.resolve(request)
  const signed = readSignature(request, 'query')!
  const stages: [string, () => unknown][] = [
    ['whole pipeline (async)', () => pipeline(request)],
    ['  route', () => router.resolve(request, credentialScope(request))],
    ['  read signature', () => readSignature(request, 'query')],
    ['  verify signature', () => verifySignature(request, signed, secret, new Date(), { family: 'query', region: 'us-east-1', service: 'sts' })],
    ['  decode input', () => route.binding.codec.parseRequest(route.request, route.operation, route.binding.model)],
    ['  encode output', () => route.binding.codec.serializeOutput({ UserId: '000000000000', Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root' }, route.operation, route.binding.model, { requestId: randomIds.requestId(), method: 'POST' })],
  ]
  console.log(`in-process, ${CALLS.toLocaleString('en')} calls each (best of 3), on ${process.version}`)
  console.log(['stage'.padEnd(28), 'CPU µs/call'.padStart(12)].join(' '))
  for (const [name, run] of stages) {
    const rounds = []
    for (let round = 0; round < 3; round++) rounds.push(await cpuPerCall(run))
    console.log([name.padEnd(28), Math.min(...rounds).toFixed(2).padStart(12)].join(' '))
  }
  await accessRecorder.close()
  await Promise.all([credentials.close(), sessions.close(), trust.close(), identities.close()])
  await database.close()
}

/** CPU µs per call, user + system (garbage collection included). */
async function cpuPerCall(run: () => unknown): Promise<number> {
  for (let i = 0; i < 2000; i++) await run()
  const before = process.cpuUsage()
  for (let i = 0; i < CALLS; i++) await run()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / CALLS
}

async function signedRequest(): Promise<HttpRequest> {
  const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: BENCH_ROOT, sha256: Sha256 })
  const headers = { host: '127.0.0.1:4566', ...FORM }
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: '/', headers, body: BODY })
  const lower: Record<string, string> = {}
  for (const [name, value] of Object.entries(signed.headers)) lower[name.toLowerCase()] = String(value)
  return { method: 'POST', path: '/', query: '', headers: lower, body: Buffer.from(BODY), remoteAddress: '127.0.0.1', secure: false }
}

async function measureServers(): Promise<void> {
  const loadOptions: LoadOptions = { seconds: Number(options.seconds), connections: 16, scratchDir: dataDir }
  const palisadePort = await freePort()
  const palisade = await startPalisadeChild(palisadePort, join(dataDir, 'served'), 'warn')
  const barePort = await freePort()
  const bare = await startChild('bare node:http', process.execPath, ['--input-type=module', '--eval', bareServerSource(barePort)], barePort)
  console.log(`\nservers under wrk, 16 connections, ${loadOptions.seconds} s; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`)
  console.log(['server'.padEnd(28), 'req/s'.padStart(10), 'CPU µs/req'.padStart(12)].join(' '))
  for (const [name, port, pid] of [['palisade', palisadePort, palisade.pid!], ['bare node:http', barePort, bare.pid!]] as const) {
    const headers = await signedPost('sts', port, FORM, BODY)
    let cpuBefore = 0
    const result = await load(name, port, headers, BODY, loadOptions, () => { cpuBefore = cpuMillis(pid) })
    const seconds = (cpuMillis(pid) - cpuBefore) / 1000
    const requests = result.requestsPerSecond * loadOptions.seconds
    console.log([name.padEnd(28), result.requestsPerSecond.toFixed(0).padStart(10), ((seconds * 1e6) / requests).toFixed(1).padStart(12)].join(' '))
  }
}

function bareServerSource(port: number): string {
  return `import { createServer } from 'node:http'
const body = Buffer.from('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:root</Arn><UserId>000000000000</UserId><Account>000000000000</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>')
createServer({ keepAlive: true }, (req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': '00000000-0000-4000-8000-000000000000', 'content-length': body.length })
    res.end(body)
  })
}).listen(${port}, '127.0.0.1')`
}
