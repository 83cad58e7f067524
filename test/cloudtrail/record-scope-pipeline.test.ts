// The pipeline asks the audit sink which calls need its scope: a mutation's handler runs inside it (its record commits
// with the mutation), a read's runs unwrapped; every call is recorded either way.
import { describe, expect, it } from 'vitest'
import type { AuditSink, CallRecord, StartedCall } from '../../src/audit/audit-sink.js'
import { systemClock } from '../../src/core/clock.js'
import type { HttpRequest } from '../../src/core/http.js'
import { sequentialIds } from '../../src/core/ids.js'
import { silentLogger } from '../../src/core/logger.js'
import { serviceModels } from '../../src/generated/services.js'
import { createPipeline } from '../../src/pipeline/pipeline.js'
import { createRouter } from '../../src/pipeline/router.js'
import type { ServiceBinding } from '../../src/pipeline/service-binding.js'
import { queryCodec } from '../../src/protocol/query/query-codec.js'

const ACCOUNT = '000000000000'
const root = { type: 'Root' as const, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT, accessKeyId: 'AKIAROOTROOTROOTROOT' }

describe('the pipeline and the audit scope', () => {
  it('runs only the handlers of calls the sink scopes inside its scope, and records every call', async () => {
    const scoped: string[] = []
    const ranInside: string[] = []
    const recorded: CallRecord[] = []
    let inside = false
    const sink: AuditSink = {
      record: (call) => void recorded.push(call),
      scopes: (call: StartedCall) => !call.readOnly,
      async during(call, work) {
        scoped.push(call.operation!)
        inside = true
        try {
          return await work()
        } finally {
          inside = false
        }
      },
    }
    const handler = (name: string) => async () => {
      if (inside) ranInside.push(name)
      return {}
    }
    const iam: ServiceBinding = {
      model: serviceModels.iam!, codec: queryCodec,
      handlers: { CreateGroup: handler('CreateGroup'), ListGroups: handler('ListGroups') },
      authorization: {
        CreateGroup: () => ({ action: 'iam:CreateGroup', resources: ['*'] }),
        ListGroups: () => ({ action: 'iam:ListGroups', resources: ['*'] }),
      } as never,
    }
    const pipeline = createPipeline({
      router: createRouter([iam]),
      authenticate: (request) => ({ caller: root, payload: request.body }),
      authorize: () => {},
      audit: sink, clock: systemClock, ids: sequentialIds(), log: silentLogger, region: 'us-east-1', partition: 'aws',
    })
    const post = (body: string): HttpRequest => ({
      method: 'POST', path: '/', query: '', body: Buffer.from(body), remoteAddress: '127.0.0.1', secure: false,
      headers: { host: 'iam.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    })

    expect((await pipeline(post('Action=CreateGroup&GroupName=admins&Version=2010-05-08'))).response.status).toBe(200)
    expect((await pipeline(post('Action=ListGroups&Version=2010-05-08'))).response.status).toBe(200)
    expect(scoped).toEqual(['CreateGroup'])
    expect(ranInside).toEqual(['CreateGroup'])
    expect(recorded.map((call) => [call.operation, call.readOnly, call.status])).toEqual([['CreateGroup', false, 200], ['ListGroups', true, 200]])
  })
})
