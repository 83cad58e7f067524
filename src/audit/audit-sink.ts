// The audit port: the pipeline hands every finished call to an AuditSink; CloudTrail implements it.
import type { Caller } from '../core/caller.js'

export interface CallRecord {
  readonly requestId: string
  readonly time: Date
  /** `iam`, `sts`, … ; undefined when the request could not be routed. */
  readonly service?: string
  readonly operation?: string
  readonly caller?: Caller
  readonly region: string
  readonly sourceIp: string
  readonly userAgent?: string
  readonly readOnly: boolean
  /** The decoded input; sinks must drop sensitive members (the model marks them) before storing anything. */
  readonly input?: Readonly<Record<string, unknown>>
  readonly output?: unknown
  readonly errorCode?: string
  readonly errorMessage?: string
  readonly status: number
}

export interface AuditSink {
  record(call: CallRecord): void
}

/** Keeps nothing: the default until CloudTrail is wired in. */
export const discardingAuditSink: AuditSink = { record: () => {} }
