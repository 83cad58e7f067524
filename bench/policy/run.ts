// Policy engine benchmark: our engine and @cloud-copilot/iam-simulate on the same requests, in one run.
//
//   node --import tsx bench/policy/run.ts            (PEER_DIR=/path reuses an earlier install of the peer)
//
// The peer is AGPL-licensed: it is installed into a temporary folder for this run only, never as a dependency.

import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import {
  compilePolicy, compilePolicySet, evaluate, policySizeWithoutWhitespace,
  type AuthorizationRequest, type DecisionEffect, type PolicySet, type PolicySourceSet,
} from '../../src/policy/index.js'
import { ACCOUNT, identityStatements, policySet, requests } from './scenarios.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const SIZES = [10, 100, 1000]
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1)

/** The peer, as its own unsafe (unvalidated) entry point does it, with policies loaded once (`prepare`) or per call. */
interface Peer {
  readonly version: string
  prepare(set: PolicySourceSet): unknown
  decide(request: AuthorizationRequest, prepared: unknown): DecisionEffect
}

interface Measured {
  /** Decisions per second of this process's CPU time (user + system): what one core delivers, whatever else runs. */
  perSecond: number
  /** Decisions per second of wall time. */
  wallPerSecond: number
  microseconds: number
  bytes: number
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${SECONDS}s per measurement, ${requests.length} requests cycled`)
  console.log('decisions/s and µs/decision are per second of this process\'s CPU time (one core); wall/s is per second of wall time\n')
  reportCompile()
  const peer = await loadPeer()
  const rows: string[][] = [['statements', 'engine', 'decisions/s', 'wall/s', 'µs/decision', 'bytes/decision', 'compile ms', 'vs peer']]
  for (const n of SIZES) {
    const sources = policySet(n)
    const total = countStatements(sources)
    const compileStart = performance.now()
    const compiled = compilePolicySet(sources)
    const compileMs = performance.now() - compileStart
    const ours = measure((i) => evaluate(requests[i % requests.length]!, compiled).effect)
    const oursCold = measure((i) => evaluate(requests[i % requests.length]!, compilePolicySet(sources)).effect)
    rows.push(row(`${n} (${total} total)`, 'palisade', ours, compileMs.toFixed(2)))
    rows.push(row('', 'palisade, compiling each call', oursCold))
    if (peer) {
      const prepared = peer.prepare(sources)
      const agreement = agreeWith(peer, compiled, prepared)
      const theirs = measure((i) => peer.decide(requests[i % requests.length]!, prepared))
      const theirsCold = measure((i) => peer.decide(requests[i % requests.length]!, peer.prepare(sources)))
      rows.push(row('', 'iam-simulate, policies loaded once', theirs, '', agreement))
      rows.push(row('', 'iam-simulate, loading each call', theirsCold))
      rows[rows.length - 4]![7] = `${(ours.perSecond / theirs.perSecond).toFixed(1)}× the peer's rate`
      rows[rows.length - 3]![7] = `${(oursCold.perSecond / theirsCold.perSecond).toFixed(1)}× the peer's rate`
    }
  }
  printTable(rows)
  const targets = [
    `target ≥500,000/s at ~25 statements: ${fmt(findRate(rows, 10))}/s`,
    `target ≥100,000/s at 1,000 statements: ${fmt(findRate(rows, 1000))}/s`,
  ]
  console.log(`\n${targets.join('\n')}`)
}

function reportCompile(): void {
  // A ~6 KiB identity policy (IAM's managed-policy limit is 6,144 characters without white space).
  const statements = identityStatements(200)
  let document = { Version: '2012-10-17', Statement: [] as unknown[] }
  for (const s of statements) {
    const next = { ...document, Statement: [...document.Statement, s] }
    if (policySizeWithoutWhitespace(JSON.stringify(next)) > 6144) break
    document = next
  }
  const text = JSON.stringify(document, null, 2)
  for (let i = 0; i < 200; i++) compilePolicy('warm', 'identity', text)
  const runs = 1000
  const start = performance.now()
  for (let i = 0; i < runs; i++) compilePolicy('p', 'identity', text)
  const ms = (performance.now() - start) / runs
  console.log(
    `compile a ${policySizeWithoutWhitespace(text)}-character policy (${document.Statement.length} statements, from JSON text): ${(ms * 1000).toFixed(0)} µs (target < 1,000 µs)\n`,
  )
}

function measure(run: (i: number) => unknown): Measured {
  // Warm up (JIT) for 20,000 calls or 0.3 s, whichever comes first, then run for SECONDS of wall time.
  const warmEnd = performance.now() + 300
  for (let i = 0; i < 20_000 && (i % 64 !== 0 || performance.now() < warmEnd); i++) run(i)
  let count = 0
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  const end = start + SECONDS * 1000
  let now = start
  let step = 1
  while (now < end) {
    for (let i = 0; i < step; i++) run(count + i)
    count += step
    if (step < 1000) step *= 2
    now = performance.now()
  }
  const cpu = process.cpuUsage(cpuStart)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const microseconds = (cpuSeconds * 1e6) / count
  return { perSecond: count / cpuSeconds, wallPerSecond: (count * 1000) / (now - start), microseconds, bytes: bytesPerCall(run, microseconds) }
}

/**
 * Heap bytes per call: the median over small batches of the heap growth, discarding batches during which a
 * scavenge ran (the heap shrank). Batches of about a millisecond keep most of them inside one young-generation
 * cycle; sampling stops after half a second.
 */
function bytesPerCall(run: (i: number) => unknown, microseconds: number): number {
  const batch = Math.max(1, Math.min(200, Math.round(1000 / microseconds)))
  const samples: number[] = []
  gc()
  const end = performance.now() + 500
  for (let attempt = 0; attempt < 400 && samples.length < 60 && performance.now() < end; attempt++) {
    const before = process.memoryUsage().heapUsed
    for (let i = 0; i < batch; i++) run(i)
    const grown = process.memoryUsage().heapUsed - before
    if (grown >= 0) samples.push(grown / batch)
  }
  samples.sort((a, b) => a - b)
  return samples[Math.floor(samples.length / 2)] ?? NaN
}

async function loadPeer(): Promise<Peer | undefined> {
  let dir = process.env.PEER_DIR
  try {
    if (!dir || !existsSync(join(dir, 'node_modules/@cloud-copilot/iam-simulate'))) {
      dir = mkdtempSync(join(tmpdir(), 'iam-simulate-'))
      console.log(`installing @cloud-copilot/iam-simulate into ${dir} (AGPL; not a project dependency)…`)
      execFileSync('npm', ['install', '--prefix', dir, '@cloud-copilot/iam-simulate', '--no-audit', '--no-fund', '--loglevel=error'], {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 300_000,
      })
    }
    const root = join(dir, 'node_modules/@cloud-copilot')
    const load = async (path: string) => import(pathToFileURL(join(root, path)).href)
    const { version } = JSON.parse(readFileSync(join(root, 'iam-simulate/package.json'), 'utf8')) as { version: string }
    // runUnsafeSimulation's own steps (dist/esm/simulation_engine/unsafeSimulationEngine.js), except that the resource
    // policy gets a name: version 0.1.173 loads it without one and then fails reading `metadata().name`.
    const { loadPolicy } = await load('iam-policy/dist/esm/index.js')
    const { authorize } = await load('iam-simulate/dist/esm/core_engine/CoreSimulatorEngine.js')
    const { AwsRequestImpl } = await load('iam-simulate/dist/esm/request/request.js')
    const { RequestContextImpl } = await load('iam-simulate/dist/esm/requestContext.js')
    const { DiscoveryContextKeyConstraints } = await load('iam-simulate/dist/esm/context_keys/discoveryContextKeyConstraints.js')
    const doc = (d: unknown) => (typeof d === 'string' ? JSON.parse(d) : d)
    const named = (p: { id: string; document: unknown }) => loadPolicy(doc(p.document), { name: p.id })
    console.log(`peer: @cloud-copilot/iam-simulate ${version}, its core authorize() in Strict mode as runUnsafeSimulation calls it\n`)
    return {
      version,
      prepare: (set) => ({
        identityPolicies: (set.identity ?? []).map(named),
        serviceControlPolicies: (set.scps ?? []).map((level, i) => ({ orgIdentifier: `level-${i}`, policies: level.map(named) })),
        resourceControlPolicies: [],
        resourcePolicy: set.resource?.[0] && named(set.resource[0]),
        permissionBoundaries: set.boundary ? [named(set.boundary)] : undefined,
      }),
      decide: (request, prepared) => {
        const awsRequest = new AwsRequestImpl(
          request.principal.arn,
          { resource: request.resource, accountId: request.resourceAccountId ?? ACCOUNT },
          request.action,
          new RequestContextImpl(request.context ?? {}),
        )
        const analysis = authorize({
          request: awsRequest,
          sessionPolicy: undefined,
          ...(prepared as object),
          vpcEndpointPolicies: undefined,
          simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
          serviceSettings: { s3: { blockPublicAccess: undefined } },
        })
        return toEffect(analysis.result)
      },
    }
  } catch (error) {
    console.log(`skipping @cloud-copilot/iam-simulate: could not install or load it (${(error as Error).message.split('\n')[0]})\n`)
    return undefined
  }
}

function toEffect(result: string): DecisionEffect {
  if (result === 'Allowed') return 'Allow'
  if (result === 'ExplicitlyDenied') return 'ExplicitDeny'
  return 'ImplicitDeny'
}

function agreeWith(peer: Peer, compiled: PolicySet, prepared: unknown): string {
  let same = 0
  const differences: string[] = []
  for (const request of requests) {
    const ours = evaluate(request, compiled).effect
    const theirs = peer.decide(request, prepared)
    if (ours === theirs) same++
    else differences.push(`${request.action} ours=${ours} peer=${theirs}`)
  }
  for (const d of differences) console.log(`  decision differs: ${d}`)
  return `same decision ${same}/${requests.length}`
}

function countStatements(set: PolicySourceSet): number {
  const count = (p: { document: unknown }) => {
    const s = (p.document as { Statement: unknown }).Statement
    return Array.isArray(s) ? s.length : 1
  }
  let total = 0
  for (const level of set.scps ?? []) for (const p of level) total += count(p)
  for (const p of [...(set.identity ?? []), ...(set.resource ?? []), ...(set.boundary ? [set.boundary] : [])]) total += count(p)
  return total
}

function row(label: string, engine: string, m: Measured, compile = '', note = ''): string[] {
  return [label, engine, fmt(m.perSecond), fmt(m.wallPerSecond), m.microseconds.toFixed(2), fmt(m.bytes), compile, note]
}

function findRate(rows: string[][], n: number): number {
  const row = rows.find((r) => r[0]!.startsWith(`${n} `) && r[1] === 'palisade')
  return row ? Number(row[2]!.replace(/,/g, '')) : NaN
}

function fmt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a'
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  for (const r of rows) console.log(r.map((cell, i) => (i >= 2 && i <= 6 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  '))
}

await main()
