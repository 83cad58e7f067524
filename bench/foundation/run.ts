// Foundation benchmark: signed sts:GetCallerIdentity through the whole Palisade pipeline at concurrency 16, beside
// (a) a bare node:http server answering the same bytes (this runtime's limit) and (b) moto's server, in one run.
//
//   node --import tsx bench/foundation/run.ts [--seconds 10] [--connections 16] [--log-level warn]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort, load, loadSetup, printResults, signedPost, startChild, startMotoChild, startPalisadeChild, stopChildren, type LoadOptions, type Result } from '../support/http-load.js'

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    'log-level': { type: 'string', default: 'warn' },
  },
})
const BODY = 'Action=GetCallerIdentity&Version=2011-06-15'
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }

const results: Result[] = []
const dataDir = mkdtempSync(join(tmpdir(), 'palisade-bench-'))
const loadOptions: LoadOptions = { seconds: Number(options.seconds), connections: Number(options.connections), scratchDir: dataDir }
try {
  const palisadePort = await freePort()
  await startPalisadeChild(palisadePort, join(dataDir, 'served'), options['log-level']!)
  const palisadeHeaders = await signedPost('sts', palisadePort, FORM, BODY)
  const sample = await fetch(`http://127.0.0.1:${palisadePort}/`, { method: 'POST', headers: palisadeHeaders, body: BODY })
  const sampleBody = await sample.text()
  if (sample.status !== 200) throw new Error(`Palisade answered ${sample.status}: ${sampleBody}`)
  results.push(await load('palisade (whole pipeline)', palisadePort, palisadeHeaders, BODY, loadOptions))

  const barePort = await freePort()
  await startChild('bare node:http', process.execPath, ['--input-type=module', '--eval', bareServerSource(barePort, sampleBody)], barePort)
  results.push(await load('bare node:http (same bytes)', barePort, await signedPost('sts', barePort, FORM, BODY), BODY, loadOptions))

  const motoPort = await startMotoChild()
  if (motoPort !== undefined) results.push(await load('moto_server', motoPort, await signedPost('sts', motoPort, FORM, BODY), BODY, loadOptions))
} finally {
  stopChildren()
  rmSync(dataDir, { recursive: true, force: true })
}

report(results)

function report(all: readonly Result[]): void {
  console.log(`\nsigned sts:GetCallerIdentity, ${loadOptions.connections} connections, ${loadOptions.seconds} s each, on ${process.version}, Palisade log level ${options['log-level']}`)
  console.log(loadSetup())
  printResults(all, 30)
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
