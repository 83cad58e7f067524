// What recording every call in CloudTrail costs, for signed sts:GetCallerIdentity and iam:GetUser, in one run:
// 1. in process: the pipeline called directly, recording on and off, CPU and wall time per call with the batch
//    writes included (robust while the machine is busy);
// 2. over HTTP: two servers, one recording and one not (same code, same pinned core), load from the shared harness,
//    in rounds that alternate which server goes first, so that a noisy moment of the machine falls on both alike; the
//    verdict compares the median throughputs, and each server's CPU per request is shown beside them.
// Target: recording costs at most 15% of the throughput.
//
//   node --import tsx bench/cloudtrail/record.ts [--seconds 10] [--connections 16] [--rounds 3]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { measureCalls, pipelineUnderTest } from './pipeline-cost.js'
import { BENCH_ROOT, cpuMillis, freePort, load, loadSetup, postOnce, signedPost, startChild, stopChildren, type LoadOptions, type Result } from '../support/http-load.js'

const { values: options } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '16' }, rounds: { type: 'string', default: '3' } } })
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
const CALLS = [
  { name: 'sts:GetCallerIdentity', service: 'sts', body: 'Action=GetCallerIdentity&Version=2011-06-15' },
  { name: 'iam:GetUser', service: 'iam', body: 'Action=GetUser&UserName=bench&Version=2010-05-08' },
] as const
const SERVE = new URL('./serve.ts', import.meta.url).pathname

console.log(`in process, sequential calls, best of 3 runs of ${Number(options.seconds) / 2} s each, on ${process.version}`)
console.log(['call'.padEnd(40), 'CPU µs'.padStart(8), 'wall µs'.padStart(8), 'CPU cost'.padStart(9), 'wall cost'.padStart(10)].join(' '))
for (const call of CALLS) {
  const under = { off: await pipelineUnderTest(false), on: await pipelineUnderTest(true) }
  const best = { off: { cpuMicros: Infinity, wallMicros: Infinity }, on: { cpuMicros: Infinity, wallMicros: Infinity } }
  for (const mode of ['off', 'on'] as const) {
    const root = await under[mode].request('iam', 'Action=CreateUser&UserName=bench&Version=2010-05-08')
    await under[mode].pipeline(root)
  }
  for (let run = 0; run < 3; run++) {
    for (const mode of ['off', 'on'] as const) {
      const request = await under[mode].request(call.service, call.body)
      if (run === 0) await measureCalls(under[mode], request, 0.5) // warm-up
      const cost = await measureCalls(under[mode], request, Number(options.seconds) / 2)
      best[mode] = { cpuMicros: Math.min(best[mode].cpuMicros, cost.cpuMicros), wallMicros: Math.min(best[mode].wallMicros, cost.wallMicros) }
    }
  }
  for (const mode of ['off', 'on'] as const) {
    const extra = mode === 'on'
      ? [`${((1 - best.off.cpuMicros / best.on.cpuMicros) * 100).toFixed(1)}%`.padStart(9), `${((1 - best.off.wallMicros / best.on.wallMicros) * 100).toFixed(1)}%`.padStart(10)]
      : []
    console.log([`${call.name}, recording ${mode}`.padEnd(40), best[mode].cpuMicros.toFixed(1).padStart(8), best[mode].wallMicros.toFixed(1).padStart(8), ...extra].join(' '))
  }
  await under.off.close()
  await under.on.close()
}
console.log('(cost: the share of throughput recording takes, 1 - off/on per call; target <= 15%)\n')

const dataDir = mkdtempSync(join(tmpdir(), 'palisade-bench-ct-record-'))
const loadOptions: LoadOptions = { seconds: Number(options.seconds), connections: Number(options.connections), scratchDir: dataDir }
const rounds = Math.max(1, Number(options.rounds))
try {
  const servers = { on: await server('on'), off: await server('off') }
  const verdicts: string[] = []
  console.log(`signed calls, ${loadOptions.connections} connections, ${rounds} rounds of ${loadOptions.seconds} s per server, on ${process.version}`)
  console.log(loadSetup())
  console.log(['call'.padEnd(40), 'median req/s'.padStart(13), 'CPU µs/req'.padStart(11), 'p99 ms'.padStart(7), '  req/s by round'].join(' '))
  for (const call of CALLS) {
    const runs: Record<'on' | 'off', (Result & { cpuMicros: number })[]> = { on: [], off: [] }
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 === 0 ? ['off', 'on'] as const : ['on', 'off'] as const) {
        const { port, pid } = servers[mode]
        const headers = await signedPost(call.service, port, FORM, call.body)
        const sample = await postOnce(port, headers, call.body)
        if (sample.status !== 200) throw new Error(`${call.name} answered ${sample.status}: ${sample.text}`)
        let cpuBefore = 0
        const result = await load(`${call.name}, recording ${mode}`, port, headers, call.body, loadOptions, () => { cpuBefore = cpuMillis(pid) })
        runs[mode].push({ ...result, cpuMicros: ((cpuMillis(pid) - cpuBefore) * 1000) / (result.requestsPerSecond * loadOptions.seconds) })
      }
    }
    const median = (mode: 'on' | 'off', pick: (run: Result & { cpuMicros: number }) => number) => middle(runs[mode].map(pick))
    for (const mode of ['off', 'on'] as const) {
      console.log([`${call.name}, recording ${mode}`.padEnd(40), median(mode, (run) => run.requestsPerSecond).toFixed(0).padStart(13),
        median(mode, (run) => run.cpuMicros).toFixed(1).padStart(11), median(mode, (run) => run.p99).toFixed(2).padStart(7),
        '  ' + runs[mode].map((run) => run.requestsPerSecond.toFixed(0)).join(' ')].join(' '))
    }
    const cost = 1 - median('on', (run) => run.requestsPerSecond) / median('off', (run) => run.requestsPerSecond)
    // A run with failed requests (a starved server on a busy machine) measures the machine, not the recording.
    const failed = [...runs.on, ...runs.off].some((run) => run.errors + run.non2xx > 0)
    const verdict = failed ? 'not comparable: requests failed, rerun on a quiet machine' : cost <= 0.15 ? 'met' : 'NOT met'
    verdicts.push(`${call.name}: recording costs ${(cost * 100).toFixed(1)}% of the throughput (target <= 15%) ${verdict}`)
  }
  for (const line of verdicts) console.log(line)
  console.log(`the recording server's event history holds events: ${await lookupCount(servers.on.port) ? 'yes' : 'NO'}`)
} finally {
  stopChildren()
  rmSync(dataDir, { recursive: true, force: true })
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const half = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2
}

/** A server with a user `bench` to read; resolves with its port and process id. */
async function server(mode: 'on' | 'off'): Promise<{ port: number; pid: number | undefined }> {
  const port = await freePort()
  const child = await startChild(`palisade (recording ${mode})`, process.execPath, ['--import', 'tsx', SERVE,
    '--port', String(port), '--data-dir', join(dataDir, mode), '--log-level', 'warn',
    '--root-access-key-id', BENCH_ROOT.accessKeyId, '--root-secret-access-key', BENCH_ROOT.secretAccessKey,
  ], port, { ...process.env, BENCH_CLOUDTRAIL: mode })
  const body = 'Action=CreateUser&UserName=bench&Version=2010-05-08'
  const created = await postOnce(port, await signedPost('iam', port, FORM, body), body)
  if (created.status !== 200) throw new Error(`CreateUser answered ${created.status}: ${created.text}`)
  return { port, pid: child.pid }
}

/** Whether LookupEvents returns GetUser events: the recording server did record. */
async function lookupCount(port: number): Promise<boolean> {
  const body = JSON.stringify({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetUser' }], MaxResults: 1 })
  const headers = await signedPost('cloudtrail', port, {
    'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
  }, body)
  const answer = JSON.parse((await postOnce(port, headers, body)).text) as { Events?: unknown[] }
  return (answer.Events?.length ?? 0) > 0
}
