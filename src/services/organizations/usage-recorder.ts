// UsageRecorder: counts every authenticated call per account, service and UTC day in memory and adds the counts to
// org_usage in batches; the composition root hands it every call the pipeline audits. Consolidated billing reads them.
import type { Caller } from '../../core/caller.js'
import type { Database } from '../../storage/database.js'
import { addDailyRequests, type DailyRequests } from './usage-store.js'

/** What the recorder reads of a finished call (a structural subset of the audit port's CallRecord). */
export interface MeteredCall {
  readonly time: Date
  /** The signing name (`iam`, `kms`, `s3`); undefined when the request could not be routed. */
  readonly service?: string
  readonly caller?: Caller
  /** The account owning the resource, when authorization named one. */
  readonly resourceAccountId?: string
}

export interface UsageRecorder {
  /** Cheap: a few map operations; the counts are written within `flushMs`. */
  record(call: MeteredCall): void
  /** Writes what is pending; resolves once written. */
  flush(): Promise<void>
  close(): Promise<void>
}

const recorders = new WeakMap<Database, UsageRecorder>()

/** Writes this process's pending counts, so a report made now sees every call that finished before it. */
export async function flushUsage(database: Database): Promise<void> {
  await recorders.get(database)?.flush()
}

export function usageRecorder(database: Database, options: { readonly flushMs?: number; readonly maxPending?: number } = {}): UsageRecorder {
  const flushMs = options.flushMs ?? 1000
  const maxPending = options.maxPending ?? 10_000
  // day → account → service → requests; almost always one day.
  let pending = new Map<string, Map<string, Map<string, number>>>()
  let pendingCount = 0
  let timer: NodeJS.Timeout | undefined
  let writing: Promise<void> = Promise.resolve()
  const days = dayNames()

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (pendingCount === 0) return writing
    const batch = flatten(pending)
    pending = new Map()
    pendingCount = 0
    writing = writing
      .then(() => database.transaction((tx) => addDailyRequests(tx, batch)))
      .catch(() => {
        // A lost batch under-counts usage; nothing else depends on it, and the server keeps serving.
      })
    return writing
  }

  const recorder: UsageRecorder = {
    record(call) {
      const accountId = meteredAccount(call)
      if (accountId === undefined || call.service === undefined) return
      const day = days(call.time)
      let accounts = pending.get(day)
      if (!accounts) pending.set(day, (accounts = new Map()))
      let services = accounts.get(accountId)
      if (!services) accounts.set(accountId, (services = new Map()))
      const seen = services.get(call.service)
      services.set(call.service, (seen ?? 0) + 1)
      if (seen === undefined && ++pendingCount >= maxPending) void flush()
      else timer ??= setTimeout(() => void flush(), flushMs).unref()
    },
    flush,
    async close() {
      await flush()
      recorders.delete(database)
    },
  }
  recorders.set(database, recorder)
  return recorder
}

/**
 * Whose usage a call is: the account of the principal that signed it. An anonymous request is the resource owner's,
 * as S3 bills the bucket owner for requests nobody signed (https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html).
 * Unauthenticated failures (no caller) are nobody's.
 */
function meteredAccount(call: MeteredCall): string | undefined {
  const caller = call.caller
  if (caller === undefined) return undefined
  if (caller.type === 'Anonymous' || caller.type === 'AWSService') return call.resourceAccountId
  return caller.accountId
}

function flatten(pending: Map<string, Map<string, Map<string, number>>>): DailyRequests[] {
  const batch: DailyRequests[] = []
  for (const [day, accounts] of pending) {
    for (const [accountId, services] of accounts) {
      for (const [service, requests] of services) batch.push({ accountId, day, service, requests })
    }
  }
  return batch
}

const DAY_MS = 86_400_000

/** `2026-11-22` for a time, the day's name kept until the clock passes midnight UTC. */
function dayNames(): (time: Date) => string {
  let start = 0
  let end = -1
  let name = ''
  return (time) => {
    const ms = time.getTime()
    if (ms < start || ms >= end) {
      start = Math.floor(ms / DAY_MS) * DAY_MS
      end = start + DAY_MS
      name = new Date(start).toISOString().slice(0, 10)
    }
    return name
  }
}
