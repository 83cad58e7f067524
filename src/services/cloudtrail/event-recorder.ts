// The CloudTrail recorder: the pipeline's AuditSink. Turns every call into its CloudTrail record(s), stores them and
// hands each committed record to this process's subscribers (trails, detection).
//
// When the writes happen ("a mutation's event commits in the same transaction as the mutation; read-only events are
// group-committed within 100 ms; the request path never waits on anything else for auditing"):
// - A call that may change something runs its handler inside an audit scope (a scoped AsyncLocalStorage). The first
//   transaction the handler commits inserts the call's record, as known before the outcome, just before it commits
//   (Database.beforeEachCommit): the change and its event are durable together or not at all.
// - Once the call has finished, a caller's repeat of the previous call (sameRecordBesidesIds) is written at once as
//   its request id beside that call's record; any other call is queued, and right after the current I/O turn (or once
//   DRAIN_AT are queued) queued calls are built into records and written into the open batches' text (event-batch.ts),
//   so that a waiting call keeps only bytes of text alive, not the pipeline's objects (which then die young: copying
//   and promoting them was a large part of recording's cost). A batch writer commits the open batches at most
//   `flushMs` later, in one transaction: new records for calls that committed nothing (reads, denials, failures) and,
//   for calls whose record is already stored, the final record with responseElements and any error.
// Handlers are never wrapped in a transaction of ours: S3 streams bodies inside handlers, and SQLite runs one
// transaction at a time.
import type { AuditSink, CallRecord, StartedCall } from '../../audit/audit-sink.js'
import { systemClock, type Clock } from '../../core/clock.js'
import { scopedStorage } from '../../core/scoped-storage.js'
import type { Ids } from '../../core/ids.js'
import type { ServiceModel } from '../../model/types.js'
import type { Database } from '../../storage/database.js'
import { batchBuilder, type BatchBuilder } from './batch-builder.js'
import { eventRecords, mayRepeat, sameRecordBesidesIds, type CloudTrailRecord, type RecordContext } from './event-record.js'
import { isDataEvent, isReadOnlyEvent } from './event-kinds.js'
import { insertBatches, replaceBatch, sealRecords, type SealedBatch } from './event-store.js'
import type { DataEventInterest } from './trail-ports.js'

export type CloudTrailListener = (record: CloudTrailRecord) => void

/** The in-process feed of committed records, in commit order. */
export interface CloudTrailEvents {
  /**
   * `listener` hears every management record once it is committed (AWS's JSON record object: treat it as read-only),
   * and the data events `dataEvents` wants: a data event is built, stored and announced only when some subscriber
   * wants it (AWS logs data events only for trails that select them). A throwing listener is reported to `onError` and
   * does not stop the others. The result unsubscribes.
   */
  subscribe(listener: CloudTrailListener, dataEvents?: DataEventInterest): () => void
}

export interface CloudTrailRecorder extends AuditSink {
  during<T>(call: StartedCall, work: () => Promise<T>): Promise<T>
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
  /** How long a finished call waits for its batch at most; default DEFAULT_FLUSH_MS (80 ms; the bound is 100 ms). */
  readonly flushMs?: number
  /** A batch this large is written at once. */
  readonly maxPending?: number
  /** Stamps batch ids (write order); default the system clock. */
  readonly clock?: Clock
}

/**
 * How long a finished call waits for its batch at most. The bound is 100 ms; waiting close to it means fewer commits,
 * and on SQLite every commit blocks the process for its fsync (several milliseconds on a busy disk).
 */
const DEFAULT_FLUSH_MS = 80

/**
 * Finished calls built into their batches at once when this many are queued within one I/O turn: a queued call keeps
 * the pipeline's objects alive, and objects that outlive a young-generation collection are copied, then promoted.
 */
const DRAIN_AT = 64

/** A call whose handler may change something, while it runs. */
interface Scope {
  readonly call: StartedCall
  open: boolean
  /** Set while a transaction carrying the record is committing; cleared if it rolls back. */
  inserting: boolean
  /** The batches (one record each) stored with the transaction that committed, and the ids their records drew. */
  committed?: Committed
}

interface Committed {
  /** Each stored record (a batch of its own) with its event id. */
  readonly batches: readonly { readonly batch: SealedBatch; readonly eventID: string }[]
  readonly draws: readonly string[]
}

type Queued =
  | { readonly call: CallRecord; readonly committed?: Committed }
  | { readonly records: readonly CloudTrailRecord[] }

/** What the next group commit writes, and the records it then announces. */
interface NextCommit {
  readonly fresh: BatchBuilder
  /** How the records of this commit draw their ids (from the batch each joins). */
  readonly context: RecordContext
  readonly completed: { readonly before: SealedBatch; readonly after: SealedBatch }[]
  readonly announce: CloudTrailRecord[]
  /** The last call written as a record of its own into `fresh`, when it mayRepeat: the next may repeat it. */
  previous?: CallRecord
}

export function cloudTrailRecorder(deps: RecorderDeps): CloudTrailRecorder {
  const flushMs = deps.flushMs ?? DEFAULT_FLUSH_MS
  const maxPending = deps.maxPending ?? 4000
  // Scoped: its promise hooks are off while no audit scope is open; a stale scope is closed anyway (`open`).
  const scopes = scopedStorage<Scope>()
  const committedCalls = new Map<string, Committed>()
  const listeners = new Map<CloudTrailListener, DataEventInterest | undefined>()
  // Derived from `listeners` on each (un)subscribe, as lists: asked for every call.
  /** What each subscriber wants (undefined: every management record). */
  let subscribed: (DataEventInterest | undefined)[] = []
  /** The subscribers' data-event interests. */
  let interests: DataEventInterest[] = []
  const listenersChanged = () => {
    subscribed = [...listeners.values()]
    interests = subscribed.filter((interest) => interest !== undefined)
  }
  /**
   * Whether a data call may be wanted by some subscriber, asked before anything is built: for the account that made it
   * and for the resource owner's (AWS logs a data event in both when their trails select it).
   */
  const dataCallWanted = (call: StartedCall): boolean => {
    if (interests.length === 0) return false
    const at = call.time.getTime()
    const signed = call.caller !== undefined && call.caller.type !== 'Anonymous'
    const accounts = [signed ? call.caller!.accountId : undefined, call.resourceAccountId].filter((account) => account !== undefined)
    if (accounts.length === 0) accounts.push(call.caller?.accountId ?? defaultAccountId)
    return interests.some((interest) => accounts.some((account) => interest.coversDataEvents(account, call.region, at)))
  }
  /** Whether a built record is kept: every management event; a data event some subscriber selects. */
  const kept = (record: CloudTrailRecord): boolean => record.managementEvent || interests.some((interest) => interest.selects(record))
  /** A data call no subscriber wants: not recorded at all (AWS logs data events only for the trails selecting them). */
  const unwantedDataCall = (call: StartedCall): boolean => isDataEvent(call.service, call.operation) && !dataCallWanted(call)
  /** Finished calls not built yet: drained right after the current I/O turn. */
  let queue: Queued[] = []
  let draining: NodeJS.Immediate | undefined
  let next: NextCommit
  let timer: NodeJS.Timeout | undefined
  let writing: Promise<void> = Promise.resolve()
  let closed = false
  const { models, defaultAccountId } = deps
  const clock = deps.clock ?? systemClock
  let lastStamp = 0
  /**
   * Batch ids sort in the order this process wrote them (a millisecond stamp, kept increasing), then a UUID: within
   * one second, event history lists the later batch first.
   */
  const nextBatchId = (): string => {
    lastStamp = Math.max(clock.now().getTime(), lastStamp + 1)
    return `${lastStamp.toString(36).padStart(9, '0')}-${deps.ids.uuid()}`
  }

  const removeHook = deps.database.beforeEachCommit(async (tx) => {
    const scope = scopes.getStore()
    // INVARIANT: one transaction at a time carries the call's record: a second one running at the same time skips it
    // (and if the first then rolls back, the batch writer stores the record after the call instead); a transaction
    // after a rolled-back one (a retry) carries it again.
    if (!scope?.open || scope.inserting || scope.committed) return
    scope.inserting = true
    // Each record is a batch of its own, so the group commit can later replace it with the final record.
    const draws: string[] = []
    const draw = () => {
      const id = deps.ids.uuid()
      draws.push(id)
      return id
    }
    const records = eventRecords(scope.call, { models, defaultAccountId, eventId: draw, uuid: draw }).filter(kept)
    if (records.length === 0) return
    const batches = records.map((record) => ({
      batch: sealRecords({ accountId: record.recipientAccountId, region: record.awsRegion, batchId: nextBatchId(), management: record.managementEvent }, [record]),
      eventID: record.eventID,
    }))
    await insertBatches(tx, batches.map(({ batch }) => batch))
    return {
      committed: () => { scope.committed = { batches, draws } },
      rolledBack: () => { scope.inserting = false },
    }
  })

  const newCommit = (): NextCommit => {
    const fresh = batchBuilder(deps.ids, nextBatchId)
    return { fresh, context: { models, defaultAccountId, eventId: fresh.eventId, uuid: deps.ids.uuid }, completed: [], announce: [] }
  }
  next = newCommit()
  /**
   * Whether some subscriber may hear the record once committed: only those records are kept until the commit (most
   * deployments have no trail, and then a queued call leaves only its line of text behind).
   */
  const heard = (record: CloudTrailRecord): boolean => {
    for (const interest of subscribed) {
      if (interest === undefined) return true
      if (interest.listening() && (record.managementEvent || interest.selects(record))) return true
    }
    return false
  }

  /** Builds the queued calls' records into the next commit's batches; never throws (it runs on its own turn). */
  function drain(): void {
    if (draining) clearImmediate(draining)
    draining = undefined
    const items = queue
    queue = []
    for (const item of items) {
      try {
        build(item)
      } catch (error) {
        deps.onError(error)
      }
    }
  }

  /** Writes an item's records into the next commit's batches (the final form, for a call whose record is stored). */
  function build(item: Queued): void {
    const { fresh, context, completed, announce } = next
    if ('records' in item) {
      for (const record of item.records) {
        fresh.add(record)
        if (heard(record)) announce.push(record)
      }
    } else if (item.committed) {
      // The final records, with the ids the stored ones drew, in the order they drew them.
      const draws = [...item.committed.draws]
      const replay = () => draws.shift() ?? deps.ids.uuid()
      const records = new Map(eventRecords(item.call, { models, defaultAccountId, eventId: replay, uuid: replay }).map((record) => [record.eventID, record]))
      for (const { batch, eventID } of item.committed.batches) {
        const final = records.get(eventID)
        if (!final) continue
        completed.push({ before: batch, after: sealRecords(batch, [final]) })
        if (heard(final)) announce.push(final)
      }
    } else {
      const { call } = item
      if (repeated(call)) return
      const records = eventRecords(call, context)
      next.previous = records.length === 1 && kept(records[0]!) && mayRepeat(call) ? call : undefined
      for (const record of records) {
        if (!kept(record)) continue
        fresh.add(record)
        if (heard(record)) announce.push(record)
      }
    }
  }

  /**
   * Writes a caller's repeat of the previous call as its request id beside that call's record (its event id derived),
   * unless a subscriber needs the record itself; false when the call is no such repeat (nothing written).
   */
  function repeated(call: CallRecord): boolean {
    return next.previous !== undefined && sameRecordBesidesIds(next.previous, call) && !anyoneListening() && next.fresh.repeat(call.requestId)
  }

  /** Whether some subscriber may hear records now (most deployments have no trail logging). */
  function anyoneListening(): boolean {
    for (let index = 0; index < subscribed.length; index++) {
      const interest = subscribed[index]
      if (interest === undefined || interest.listening()) return true
    }
    return false
  }

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = undefined
    drain()
    if (next.fresh.size === 0 && next.completed.length === 0) return writing
    const commit = next
    next = newCommit()
    writing = writing.then(() => writeCommit(commit)).catch(deps.onError)
    return writing
  }

  async function writeCommit({ fresh, completed, announce: heardRecords }: NextCommit): Promise<void> {
    const batches = fresh.done()
    await deps.database.transaction(async (tx) => {
      await insertBatches(tx, batches)
      for (const { before, after } of completed) await replaceBatch(tx, before, after)
    }, { background: true })
    for (const record of heardRecords) announce(record)
  }

  /**
   * Whether the call's handler runs in an audit scope: not read-only calls (most of them): their records wait for the
   * batch; nor unwanted data calls.
   */
  function needsScope(call: StartedCall): boolean {
    return !isReadOnlyEvent(call.service, call.operation, call.readOnly) && !unwantedDataCall(call)
  }

  async function runScoped<T>(call: StartedCall, work: () => Promise<T>): Promise<T> {
    const scope: Scope = { call, open: true, inserting: false }
    try {
      return await scopes.run(scope, work)
    } finally {
      scope.open = false
      if (scope.committed) committedCalls.set(call.requestId, scope.committed)
    }
  }

  function announce(record: CloudTrailRecord): void {
    for (const [listener, dataEvents] of listeners) {
      if (!record.managementEvent && !dataEvents?.selects(record)) continue
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
    // Built after this I/O turn, or at once when many calls came within one (calls that never wait on I/O).
    if (queue.length >= DRAIN_AT) drain()
    else draining ??= setImmediate(drain)
    commitSoon()
  }

  /** Writes the next commit within flushMs, or at once once it holds maxPending records. */
  function commitSoon(): void {
    if (queue.length + next.fresh.size >= maxPending) void flush()
    else timer ??= setTimeout(() => void flush(), flushMs).unref()
  }

  return {
    scopes: needsScope,
    during<T>(call: StartedCall, work: () => Promise<T>): Promise<T> {
      return needsScope(call) ? runScoped(call, work) : work()
    },
    record(call) {
      // Most calls commit nothing of their own: then there is nothing to look up (nor a request id to hash).
      const committed = committedCalls.size === 0 ? undefined : committedCalls.get(call.requestId)
      if (committed) committedCalls.delete(call.requestId)
      // A data call no subscriber wants costs nothing more.
      else if (unwantedDataCall(call)) return
      // A repeat, with no call queued before it, is written at once: it builds nothing, and its call objects die here.
      else if (queue.length === 0 && !closed && repeated(call)) return commitSoon()
      enqueue({ call, committed })
    },
    append(records) {
      enqueue({ records })
    },
    events: {
      subscribe(listener, dataEvents) {
        listeners.set(listener, dataEvents)
        listenersChanged()
        return () => {
          listeners.delete(listener)
          listenersChanged()
        }
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
