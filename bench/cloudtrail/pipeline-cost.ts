// The recording benchmark's in-process half: the composition root's pipeline called directly with signed requests
// (no sockets), with and without the CloudTrail recorder, timing CPU and wall clock per call with the batch writes
// included. Robust on a busy machine, where the HTTP figures are noise.
import { serviceBindings } from '../../src/app/service-bindings.js'
import { discardingAuditSink } from '../../src/audit/audit-sink.js'
import { createAuthorizer } from '../../src/authz/authorize.js'
import { systemClock } from '../../src/core/clock.js'
import type { HttpRequest } from '../../src/core/http.js'
import { randomIds } from '../../src/core/ids.js'
import { silentLogger } from '../../src/core/logger.js'
import { serviceModels } from '../../src/generated/services.js'
import { createAuthenticator } from '../../src/pipeline/authenticate.js'
import { createPipeline, type Pipeline } from '../../src/pipeline/pipeline.js'
import { createRouter } from '../../src/pipeline/router.js'
import { cloudTrailRecorder, type CloudTrailRecorder } from '../../src/services/cloudtrail/index.js'
import { signedPost } from '../support/http-load.js'
import { openIdentityStores } from '../support/identity-stores.js'

const ACCOUNT = '000000000000'

export interface PipelineUnderTest {
  readonly pipeline: Pipeline
  readonly recorder?: CloudTrailRecorder
  request(service: string, body: string): Promise<HttpRequest>
  close(): Promise<void>
}

/** A pipeline over a fresh SQLite database in a temporary directory, recording when `recording` is set. */
export async function pipelineUnderTest(recording: boolean): Promise<PipelineUnderTest> {
  const stores = await openIdentityStores('palisade-bench-ct-pipeline-')
  const { box, database, sessions, credentials, trust, identities } = stores
  const recorder = recording
    ? cloudTrailRecorder({ database, ids: randomIds, models: serviceModels, defaultAccountId: ACCOUNT, onError: (error) => console.error(error) })
    : undefined
  const pipeline = createPipeline({
    router: createRouter(serviceBindings({
      iam: { database, clock: systemClock, ids: randomIds, box },
      sts: { database, clock: systemClock, ids: randomIds, box, sessions, trust, credentials },
    })),
    authenticate: createAuthenticator({ credentials, mode: 'strict', defaultAccountId: ACCOUNT, partition: 'aws', region: 'us-east-1' }),
    authorize: createAuthorizer({ mode: 'strict', identities, clock: systemClock }),
    audit: recorder ?? discardingAuditSink,
    clock: systemClock,
    ids: randomIds,
    log: silentLogger,
    region: 'us-east-1',
    partition: 'aws',
  })
  return {
    pipeline,
    recorder,
    async request(service, body) {
      const signed = await signedPost(service, 4566, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body)
      const headers = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toLowerCase(), value]))
      return { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body), remoteAddress: '127.0.0.1', secure: false }
    },
    async close() {
      await recorder?.close()
      await stores.close()
    },
  }
}

export interface CallCost {
  /** CPU time (user + system) per call, µs, the recorder's batch writes included. */
  readonly cpuMicros: number
  /** Wall-clock time per call, µs (fsyncs of the batch writes included). */
  readonly wallMicros: number
}

/** Sequential calls for `seconds`, then whatever the recorder still holds is written: the cost per call. */
export async function measureCalls(under: PipelineUnderTest, request: HttpRequest, seconds: number): Promise<CallCost> {
  const cpuStart = process.cpuUsage()
  const wallStart = performance.now()
  const end = wallStart + seconds * 1000
  let calls = 0
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) {
      const result = await under.pipeline(request)
      if (result.response.status !== 200) throw new Error(`answered ${result.response.status}: ${String(result.response.body)}`)
    }
    calls += 100
  }
  await under.recorder?.flush()
  const cpu = process.cpuUsage(cpuStart)
  return { cpuMicros: (cpu.user + cpu.system) / calls, wallMicros: ((performance.now() - wallStart) * 1000) / calls }
}
