// What recording every call in CloudTrail costs, for signed sts:GetCallerIdentity and iam:GetUser, in one run:
// 1. in process: the pipeline called directly, recording on and off, CPU and wall time per call with the batch
//    writes included (robust while the machine is busy);
// 2. over HTTP: two servers, one recording and one not (same code, same pinned core), load from the shared harness.
// Target: recording costs at most 15% of the throughput.
//
//   node --import tsx bench/cloudtrail/record.ts [--seconds 10] [--connections 16]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { measureCalls, pipelineUnderTest } from './pipeline-cost.js'
import { BENCH_ROOT, freePort, load, loadSetup, printResults, signedPost, startChild, stopChildren, type LoadOptions, type Result } from '../support/http-load.js'

const { values: options } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '16' } } })
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
const results: Result[] = []
try {
  const servers = { on: await server('on'), off: await server('off') }
  for (const call of CALLS) {
    for (const mode of ['off', 'on'] as const) {
      const port = servers[mode]
      const headers = await signedPost(call.service, port, FORM, call.body)
      const sample = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body: call.body })
      if (sample.status !== 200) throw new Error(`${call.name} answered ${sample.status}: ${await sample.text()}`)
      results.push(await load(`${call.name}, recording ${mode}`, port, headers, call.body, loadOptions))
    }
  }
  const recorded = await lookupCount(servers.on)
  console.log(`\nsigned calls, ${loadOptions.connections} connections, ${loadOptions.seconds} s each, on ${process.version}`)
  console.log(loadSetup())
  printResults(results, 40)
  for (let index = 0; index < results.length; index += 2) {
    const [off, on] = [results[index]!, results[index + 1]!]
    const cost = 1 - on.requestsPerSecond / off.requestsPerSecond
    // A run with failed requests (a starved server on a busy machine) measures the machine, not the recording.
    const failed = off.errors + off.non2xx + on.errors + on.non2xx > 0
    const verdict = failed ? 'not comparable: requests failed, rerun on a quiet machine' : cost <= 0.15 ? 'met' : 'NOT met'
    console.log(`${CALLS[index / 2]!.name}: recording costs ${(cost * 100).toFixed(1)}% of the throughput (target <= 15%) ${verdict}`)
  }
  console.log(`the recording server's event history holds events: ${recorded ? 'yes' : 'NO'}`)
} finally {
  stopChildren()
  rmSync(dataDir, { recursive: true, force: true })
}

/** A server with a user `bench` to read; resolves with its port. */
async function server(mode: 'on' | 'off'): Promise<number> {
  const port = await freePort()
  await startChild(`palisade (recording ${mode})`, process.execPath, ['--import', 'tsx', SERVE,
    '--port', String(port), '--data-dir', join(dataDir, mode), '--log-level', 'warn',
    '--root-access-key-id', BENCH_ROOT.accessKeyId, '--root-secret-access-key', BENCH_ROOT.secretAccessKey,
  ], port, { ...process.env, BENCH_CLOUDTRAIL: mode })
  const body = 'Action=CreateUser&UserName=bench&Version=2010-05-08'
  const created = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: await signedPost('iam', port, FORM, body), body })
  if (created.status !== 200) throw new Error(`CreateUser answered ${created.status}: ${await created.text()}`)
  return port
}

/** Whether LookupEvents returns GetUser events: the recording server did record. */
async function lookupCount(port: number): Promise<boolean> {
  const body = JSON.stringify({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetUser' }], MaxResults: 1 })
  const headers = await signedPost('cloudtrail', port, {
    'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
  }, body)
  const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body })
  const answer = await response.json() as { Events?: unknown[] }
  return (answer.Events?.length ?? 0) > 0
}
