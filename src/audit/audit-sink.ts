// The audit port: the pipeline hands every finished call to an AuditSink; CloudTrail implements it.
import type { Caller } from '../core/caller.js'

/** What the pipeline knows of a call before its handler runs (everything but the outcome). */
export interface StartedCall {
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
  /** The resource ARNs the authorization stage decided on (`*` where the action has none); absent before that stage. */
  readonly resources?: readonly string[]
  /**
   * The account owning the resource, when authorization named one (a key policy's, a trust policy's owner): a call
   * into another account than the caller's is cross-account, and CloudTrail records it in both.
   */
  readonly resourceAccountId?: string
  /** Set when the request came over TLS: what the client sent as Host (CloudTrail's tlsDetails). */
  readonly tls?: { readonly hostHeader?: string; readonly version?: string; readonly cipherSuite?: string }
}

export interface CallRecord extends StartedCall {
  readonly output?: unknown
  readonly errorCode?: string
  readonly errorMessage?: string
  readonly status: number
}

export interface AuditSink {
  /** Called once per request, on every exit, after the response is built: must not block or throw. */
  record(call: CallRecord): void
  /**
   * Runs the call's handler (`work`) inside the sink's scope, so that the sink can write the call's event in the
   * transactions the handler commits; `record` follows with the outcome. Optional: sinks without it see `record` only.
   */
  during?<T>(call: StartedCall, work: () => Promise<T>): Promise<T>
  /**
   * Whether `call` needs `during` at all; without it, every call does. The pipeline asks first and runs the handlers
   * of calls that need no scope (reads: most calls) as they are, unwrapped: the wrapper alone cost about 2% of the
   * throughput of sts:GetCallerIdentity (bench/cloudtrail/record.ts).
   */
  scopes?(call: StartedCall): boolean
}

/** Keeps nothing: the extra sink when none is given (CloudTrail is wired in beside it), and benchmarks without auditing. */
export const discardingAuditSink: AuditSink = { record: () => {} }

/** One sink that hands each call to every sink in `sinks`, nesting their scopes around the handler. */
export function allAuditSinks(sinks: readonly AuditSink[]): AuditSink {
  const scoped = sinks.filter((sink) => sink.during !== undefined)
  const record = (call: CallRecord) => {
    for (const sink of sinks) sink.record(call)
  }
  // Every request passes here: no wrapper when no sink, or one, has a scope.
  if (scoped.length === 0) return { record }
  if (scoped.length === 1) {
    const [sink] = scoped as [AuditSink]
    return { record, during: sink.during!.bind(sink), ...(sink.scopes && { scopes: sink.scopes.bind(sink) }) }
  }
  const innermostFirst = [...scoped].reverse()
  return {
    record,
    scopes: (call) => scoped.some((sink) => sink.scopes?.(call) ?? true),
    during<T>(call: StartedCall, work: () => Promise<T>): Promise<T> {
      let run = work
      for (const sink of innermostFirst) {
        const inner = run
        run = () => sink.during!(call, inner)
      }
      return run()
    },
  }
}
