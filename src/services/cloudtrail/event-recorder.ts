// The CloudTrail recorder: the pipeline's AuditSink. Turns every call into its CloudTrail record(s), stores them and
// hands each committed record to this process's subscribers (trails, detection).
//
// When the writes happen ("a mutation's event commits in the same transaction as the mutation; read-only events are
// group-committed within 100 ms; the request path never waits on anything else for auditing"):
// - A call that may change something runs its handler inside an audit scope (AsyncLocalStorage). The first
//   transaction the handler commits inserts the call's record, as known before the outcome, just before it commits
//   (Database.beforeEachCommit): the change and its event are durable together or not at all.
// - Once the call has finished, `record` queues it. A batch writer commits the queue at most `flushMs` later, in one
//   transaction: new records for calls that committed nothing (reads, denials, failures) and, for calls whose record
//   is already stored, the final JSON with responseElements and any error. Records are built and serialized there,
//   off the request path.
// Handlers are never wrapped in a transaction of ours: S3 streams bodies inside handlers, and SQLite runs one
// transaction at a time.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { AuditSink, CallRecord, StartedCall } from '../../audit/audit-sink.js'
import type { Ids } from '../../core/ids.js'
import type { ServiceModel } from '../../model/types.js'
import type { Database } from '../../storage/database.js'
import { eventRecords, type CloudTrailRecord, type RecordContext } from './event-record.js'
import { isReadOnlyEvent } from './event-kinds.js'
import { completeRecords, insertRecords, type StoredRecord } from './event-store.js'

export type CloudTrailListener = (record: CloudTrailRecord) => void

/** The in-process feed of committed records, management and data events alike, in commit order. */
export interface CloudTrailEvents {
  /**
   * `listener` hears every record once it is committed (AWS's JSON record object: treat it as read-only). A throwing
   * listener is reported to `onError` and does not stop the others. The result unsubscribes.
   */
  subscribe(listener: CloudTrailListener): () => void
}

export interface CloudTrailRecorder extends AuditSink {
  readonly events: CloudTrailEvents
  /** Queues records made outside the pipeline (console sign-ins, service events): written with the next batch. */
  append(records: readonly CloudTrailRecord[]): void
  /** Writes whatever is queued; resolves once written and announced. */
  flush(): Promise<void>
  close(): Promise<void>
}

export interface RecorderDeps {
  readonly database: Database
  readonly ids: Ids
  /** Service models by our service name (`iam`, `kms`, …): how inputs and outputs are turned into parameters. */
  readonly models: Readonly<Record<string, ServiceModel>>
  readonly defaultAccountId: string
  /** Reports a batch that could not be written, or a listener that threw. */
  readonly onError: (error: unknown) => void
  /** How long a finished call waits for its batch at most; default 50 ms (the bound is 100 ms). */
  readonly flushMs?: number
  /** A batch this large is written at once. */
  readonly maxPending?: number
}

/** A call whose handler may change something, while it runs. */
interface Scope {
  readonly call: StartedCall
  open: boolean
  /** Set while a transaction carrying the record is committing; cleared neither way (see the hook). */
  inserting: boolean
  /** The stored records, once the transaction carrying them committed, and the ids they were given. */
  committed?: { readonly records: readonly StoredRecord[]; readonly ids: readonly string[] }
}

type Queued =
  | { readonly call: CallRecord; readonly committed?: Scope['committed'] }
  | { readonly records: readonly CloudTrailRecord[] }

export function cloudTrailRecorder(deps: RecorderDeps): CloudTrailRecorder {
  const flushMs = deps.flushMs ?? 50
  const maxPending = deps.maxPending ?? 2000
  const scopes = new AsyncLocalStorage<Scope>()
  const committedCalls = new Map<string, Scope['committed']>()
  const listeners = new Set<CloudTrailListener>()
  let queue: Queued[] = []
  let timer: NodeJS.Timeout | undefined
  let writing: Promise<void> = Promise.resolve()
  let closed = false

  const context = (uuid: () => string): RecordContext => ({ models: deps.models, defaultAccountId: deps.defaultAccountId, uuid })

  const removeHook = deps.database.beforeEachCommit(async (tx) => {
    const scope = scopes.getStore()
    // INVARIANT: only the call's first committing transaction carries its record. A second one running at the same
    // time skips it; if the first then rolls back, the batch writer stores the record after the call instead.
    if (!scope?.open || scope.inserting || scope.committed) return
    scope.inserting = true
    const ids: string[] = []
    const records = eventRecords(scope.call, context(() => {
      const id = deps.ids.uuid()
      ids.push(id)
      return id
    })).map((record) => stored(record, scope.call.time))
    await insertRecords(tx, records)
    return () => {
      scope.committed = { records, ids }
    }
  })

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (queue.length === 0) return writing
    const batch = queue
    queue = []
    writing = writing.then(() => writeBatch(batch)).catch(deps.onError)
    return writing
  }

  async function writeBatch(batch: readonly Queued[]): Promise<void> {
    const fresh: StoredRecord[] = []
    const completed: StoredRecord[] = []
    for (const item of batch) {
      if ('records' in item) {
        fresh.push(...item.records.map((record) => stored(record)))
      } else if (item.committed) {
        // The same ids as the stored records, in the order they were first drawn.
        const ids = [...item.committed.ids]
        completed.push(...eventRecords(item.call, context(() => ids.shift() ?? deps.ids.uuid())).map((record) => stored(record, item.call.time)))
      } else {
        fresh.push(...eventRecords(item.call, context(deps.ids.uuid)).map((record) => stored(record, item.call.time)))
      }
    }
    await deps.database.transaction(async (tx) => {
      await insertRecords(tx, fresh)
      await completeRecords(tx, completed)
    })
    for (const { record } of [...completed, ...fresh]) announce(record)
  }

  function announce(record: CloudTrailRecord): void {
    for (const listener of listeners) {
      try {
        listener(record)
      } catch (error) {
        deps.onError(error)
      }
    }
  }

  function enqueue(item: Queued): void {
    if (closed) return
    queue.push(item)
    if (queue.length >= maxPending) void flush()
    else timer ??= setTimeout(() => void flush(), flushMs).unref()
  }

  return {
    async during<T>(call: StartedCall, work: () => Promise<T>): Promise<T> {
      if (isReadOnlyEvent(call.service, call.operation, call.readOnly)) return work()
      const scope: Scope = { call, open: true, inserting: false }
      try {
        return await scopes.run(scope, work)
      } finally {
        scope.open = false
        if (scope.committed) committedCalls.set(call.requestId, scope.committed)
      }
    },
    record(call) {
      const committed = committedCalls.get(call.requestId)
      if (committed) committedCalls.delete(call.requestId)
      enqueue({ call, committed })
    },
    append(records) {
      enqueue({ records })
    },
    events: {
      subscribe(listener) {
        listeners.add(listener)
        return () => void listeners.delete(listener)
      },
    },
    flush,
    async close() {
      await flush()
      closed = true
      removeHook()
    },
  }
}

/**
 * eventTime is to the second; rows keep the call's millisecond (`at`), so newest-first is the order calls began.
 * Records made outside the pipeline carry only their eventTime.
 */
function stored(record: CloudTrailRecord, at?: Date): StoredRecord {
  return { record, json: JSON.stringify(record), time: at?.toISOString() ?? record.eventTime.slice(0, 19) + '.000Z' }
}
