// The open batches of the next group commit: a record joins the batch of its account, region and category, up to the
// batch's capacity (event-batch.ts); record ids are drawn from the batch the record will join, so that a batch's ids
// share their first BATCH_KEY_LENGTH characters (the key EventId lookups find the batch by): a built record's id is
// that prefix and random characters, a repeated record's is derived from the batch's seed (derived-event-id.ts).
import type { Ids } from '../../core/ids.js'
import type { CloudTrailRecord } from './event-record.js'
import { BATCH_KEY_LENGTH, openBatch, type OpenBatch, type SealedBatch } from './event-store.js'

export interface BatchBuilder {
  /** The id of a record bound for `accountId`'s events in `region` (management or data): RecordContext.eventId. */
  eventId(accountId: string, region: string, management: boolean): string
  /** Writes a record into its batch (the one its id was drawn from; else a batch of its own). */
  add(record: CloudTrailRecord): void
  /**
   * Writes a record equal to the last one added but for its ids (`requestID`, and an event id derived in that record's
   * batch), without building it; false when it cannot (see OpenBatch.repeat; or that batch is full, or the last record
   * went to a batch of its own).
   */
  repeat(requestID: string): boolean
  /** How many records were added. */
  readonly size: number
  /** The batches, sealed. */
  done(): SealedBatch[]
}

export function batchBuilder(ids: Ids, nextBatchId: () => string): BatchBuilder {
  type Entry = { readonly batch: OpenBatch; readonly prefix: string; drawn: number }
  const open = new Map<string, Entry>()
  const byPrefix = new Map<string, OpenBatch>()
  const all: OpenBatch[] = []
  /** Full batches, sealed at once: their lines become one text, instead of many strings kept until the commit. */
  const sealed = new Map<OpenBatch, SealedBatch>()
  let size = 0
  // Per call, the batch of the previous draw is usually the one to use again, and the record drawing the last id is
  // the next one added: remembered, so that the common case builds no map key and looks nothing up.
  let lastEntry: Entry | undefined
  let lastId: string | undefined
  /** The batch the last record went to. */
  let lastAdded: OpenBatch | undefined
  const newBatch = (accountId: string, region: string, management: boolean, seed?: string): OpenBatch => {
    const batch = openBatch({ accountId, region, batchId: nextBatchId(), management }, seed)
    all.push(batch)
    return batch
  }
  const entryFor = (accountId: string, region: string, management: boolean): Entry => {
    const key = `${accountId}\n${region}\n${management}`
    let entry = open.get(key)
    if (!entry || entry.drawn >= entry.batch.capacity) {
      const seed = ids.uuid()
      entry = { batch: newBatch(accountId, region, management, seed), prefix: seed.slice(0, BATCH_KEY_LENGTH), drawn: 0 }
      open.set(key, entry)
      byPrefix.set(entry.prefix, entry.batch)
    }
    return entry
  }
  const added = (batch: OpenBatch) => {
    size++
    if (batch.size >= batch.capacity) sealed.set(batch, batch.seal())
  }
  return {
    eventId(accountId, region, management) {
      const last = lastEntry
      const entry = last && last.drawn < last.batch.capacity && last.batch.accountId === accountId && last.batch.region === region
        && last.batch.management === management
        ? last
        : entryFor(accountId, region, management)
      entry.drawn++
      lastEntry = entry
      lastId = entry.prefix + ids.uuid().slice(BATCH_KEY_LENGTH)
      return lastId
    },
    add(record) {
      let batch = record.eventID === lastId ? lastEntry!.batch : byPrefix.get(record.eventID.slice(0, BATCH_KEY_LENGTH))
      if (!batch || sealed.has(batch) || batch.accountId !== record.recipientAccountId || batch.region !== record.awsRegion) {
        // A record made outside the pipeline brings its own id: it is a batch of its own.
        batch = newBatch(record.recipientAccountId, record.awsRegion, record.managementEvent)
      }
      batch.add(record)
      lastAdded = batch
      added(batch)
    },
    repeat(requestID) {
      const entry = lastEntry
      if (!entry || entry.batch !== lastAdded || entry.drawn >= entry.batch.capacity || sealed.has(entry.batch)) return false
      if (!entry.batch.repeat(requestID)) return false
      entry.drawn++
      added(entry.batch)
      return true
    },
    get size() {
      return size
    },
    done: () => all.filter((batch) => batch.size > 0).map((batch) => sealed.get(batch) ?? batch.seal()),
  }
}
