// UsageRecorder: counts every authenticated call per account, service and UTC day in memory and adds the counts to
// org_usage in batches; the composition root hands it every call the pipeline audits. Consolidated billing reads them.
import type { Caller } from '../../core/caller.js'
import { batchWriter, type Flushable } from '../../storage/batch-writer.js'
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

export interface UsageRecorder extends Flushable {
  /** Cheap: a map lookup; the counts are written within `flushMs`. */
  record(call: MeteredCall): void
}

/** This process's pending batch per database, for the reports to write out first. */
const batches = new WeakMap<Database, Flushable>()

/** Writes this process's pending counts, so a report made now sees every call that finished before it. */
export async function flushUsage(database: Database): Promise<void> {
  await batches.get(database)?.flush()
}

/** A count being gathered; `requests` grows until its batch is written. */
interface PendingRequests extends DailyRequests {
  requests: number
}

export function usageRecorder(database: Database, options: { readonly flushMs?: number; readonly maxPending?: number } = {}): UsageRecorder {
  // A lost batch under-counts usage; nothing else depends on it.
  const batch = batchWriter<PendingRequests>(database, { ...options, write: addDailyRequests })
  const days = dayNames()
  batches.set(database, batch)
  return {
    record(call) {
      const accountId = meteredAccount(call)
      if (accountId === undefined || call.service === undefined) return
      const day = days(call.time)
      const key = `${day}\n${accountId}\n${call.service}`
      const seen = batch.pending(key)
      if (seen) seen.requests++
      else batch.put(key, { accountId, day, service: call.service, requests: 1 })
    },
    flush: batch.flush,
    close: batch.close,
  }
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
