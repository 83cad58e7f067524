// allAuditSinks: every sink records every call; scopes nest around the handler, and only calls some sink scopes are wrapped.
import { describe, expect, it } from 'vitest'
import { allAuditSinks, type AuditSink, type CallRecord, type StartedCall } from './audit-sink.js'

const call: StartedCall = { requestId: 'r-1', time: new Date(0), service: 'iam', operation: 'CreateUser', region: 'us-east-1', sourceIp: '192.0.2.1', readOnly: false }

function scopedSink(name: string, order: string[], scopes?: (call: StartedCall) => boolean): AuditSink {
  return {
    record: (record: CallRecord) => void order.push(`${name} recorded ${record.requestId}`),
    during: async (_call, work) => {
      order.push(`${name} opened`)
      try {
        return await work()
      } finally {
        order.push(`${name} closed`)
      }
    },
    ...(scopes && { scopes }),
  }
}

describe('allAuditSinks', () => {
  it('has no scope when no sink has one', () => {
    const sink = allAuditSinks([{ record: () => {} }])
    expect(sink.during).toBeUndefined()
  })

  it('passes one scoped sink\'s scope and its answer to which calls need it', async () => {
    const order: string[] = []
    const sink = allAuditSinks([{ record: () => {} }, scopedSink('trail', order, (started) => !started.readOnly)])
    expect(sink.scopes!(call)).toBe(true)
    expect(sink.scopes!({ ...call, readOnly: true })).toBe(false)
    await sink.during!(call, async () => void order.push('handler'))
    expect(order).toEqual(['trail opened', 'handler', 'trail closed'])
  })

  it('nests several scopes, the first sink outermost, and scopes a call any of them needs', async () => {
    const order: string[] = []
    const sink = allAuditSinks([scopedSink('outer', order, () => false), scopedSink('inner', order)])
    expect(sink.scopes!(call)).toBe(true) // the inner sink has no answer: it scopes every call
    expect(allAuditSinks([scopedSink('a', order, () => false), scopedSink('b', order, () => false)]).scopes!(call)).toBe(false)
    await sink.during!(call, async () => void order.push('handler'))
    sink.record({ ...call, status: 200 })
    expect(order).toEqual(['outer opened', 'inner opened', 'handler', 'inner closed', 'outer closed', 'outer recorded r-1', 'inner recorded r-1'])
  })
})
