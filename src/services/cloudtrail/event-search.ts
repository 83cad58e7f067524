// The newest-first search of stored events LookupEvents pages through: candidate batches from the keys of one lookup
// attribute (or all batches of the account and region), merged so that overlapping batches still come out in order.
import type { Db } from '../../storage/schema.js'
import type { CloudTrailRecord } from './event-record.js'
import { attributeValues, BATCH_KEY_LENGTH, decodeRecords, INDEXED_VALUE_LENGTH, type LookupAttributeKey } from './event-store.js'

export interface EventQuery {
  readonly accountId: string
  readonly region: string
  readonly attribute?: { readonly key: LookupAttributeKey; readonly value: string }
  /** Inclusive bounds on eventTime (AWS's second-precision text). */
  readonly from: string
  readonly to: string
  /** Continue after this event (exclusive), in newest-first order. */
  readonly after?: EventPosition
  readonly limit: number
}

/**
 * Where an event sits in newest-first order: eventTime (to the second), then within a second the order records were
 * written — the batch (batch ids sort in the order batches were written), then the record's place in it.
 */
export interface EventPosition {
  readonly time: string
  readonly batchId: string
  readonly offset: number
}

export interface FoundEvent extends EventPosition {
  readonly record: CloudTrailRecord
  readonly json: string
}

/** Candidate batches are read this many at a time. */
const BATCHES_PER_READ = 16

/**
 * Management events newest first, within one account and region: batches come newest first from the keys of the one
 * attribute asked for (or from all batches), and are merged — batches may overlap in time (a call's own transaction
 * writes its event while a group commit is pending; a slow call is written after quicker later ones), so an event is
 * returned only once no unread batch can hold one that comes before it.
 */
export async function findEvents(db: Db, query: EventQuery): Promise<FoundEvent[]> {
  const upper = query.after && query.after.time < query.to ? query.after.time : query.to
  const candidates = candidateBatches(db, query, upper)
  const pending: FoundEvent[] = [] // sorted newest first
  const out: FoundEvent[] = []
  let next = await candidates.next()
  while (out.length < query.limit) {
    // Read every batch that may hold an event coming before the first one held.
    while (!next.done && (pending.length === 0 || mayComeBefore(next.value, pending[0]!))) {
      for (const event of eventsOf(next.value, query, upper)) insertSorted(pending, event)
      next = await candidates.next()
    }
    const newest = pending.shift()
    if (!newest) break
    out.push(newest)
  }
  await candidates.return(undefined)
  return out
}

interface CandidateBatch {
  readonly batchId: string
  readonly newestTime: string
  readonly records: string
  /** Where the records to read start; all of them when undefined. */
  readonly offsets?: readonly number[]
}

async function* candidateBatches(db: Db, query: EventQuery, upper: string): AsyncGenerator<CandidateBatch> {
  const { attribute } = query
  let cursor: { newest: string; batchId: string } | undefined
  for (;;) {
    let rows: { batch_id: string; newest_time: string; records: string; offsets?: string }[]
    if (attribute) {
      const value = attribute.key === 'EventId' ? attribute.value.slice(0, BATCH_KEY_LENGTH) : attribute.value.slice(0, INDEXED_VALUE_LENGTH)
      let select = db.selectFrom('cloudtrail_event_keys as k')
        .innerJoin('cloudtrail_event_batches as b', (join) => join
          .onRef('b.account_id', '=', 'k.account_id').onRef('b.region', '=', 'k.region').onRef('b.batch_id', '=', 'k.batch_id'))
        .select(['k.batch_id', 'k.newest_time', 'b.records', 'k.offsets'])
        .where('k.account_id', '=', query.accountId).where('k.region', '=', query.region)
        .where('k.attribute', '=', attribute.key).where('k.value', '=', value)
        .where('k.newest_time', '>=', query.from).where('k.oldest_time', '<=', upper)
      if (cursor) {
        const { newest, batchId } = cursor
        select = select.where((eb) => eb.or([eb('k.newest_time', '<', newest), eb.and([eb('k.newest_time', '=', newest), eb('k.batch_id', '<', batchId)])]))
      }
      rows = await select.orderBy('k.newest_time', 'desc').orderBy('k.batch_id', 'desc').limit(BATCHES_PER_READ).execute()
    } else {
      let select = db.selectFrom('cloudtrail_event_batches')
        .select(['batch_id', 'newest_time', 'records'])
        .where('account_id', '=', query.accountId).where('region', '=', query.region).where('management', '=', 1)
        .where('newest_time', '>=', query.from).where('oldest_time', '<=', upper)
      if (cursor) {
        const { newest, batchId } = cursor
        select = select.where((eb) => eb.or([eb('newest_time', '<', newest), eb.and([eb('newest_time', '=', newest), eb('batch_id', '<', batchId)])]))
      }
      rows = await select.orderBy('newest_time', 'desc').orderBy('batch_id', 'desc').limit(BATCHES_PER_READ).execute()
    }
    for (const row of rows) {
      yield { batchId: row.batch_id, newestTime: row.newest_time, records: decodeRecords(row.records), offsets: row.offsets ? row.offsets.split(',').map(Number) : undefined }
    }
    const last = rows[rows.length - 1]
    if (!last || rows.length < BATCHES_PER_READ) return
    cursor = { newest: last.newest_time, batchId: last.batch_id }
  }
}

/** Whether an unread batch may hold an event that comes before `event`: a newer one, or one of its second written later. */
function mayComeBefore(batch: CandidateBatch, event: FoundEvent): boolean {
  return batch.newestTime > event.time || (batch.newestTime === event.time && batch.batchId > event.batchId)
}

/** The batch's events that match the query exactly (the keys name candidates; values were cut, ids share prefixes). */
function eventsOf(batch: CandidateBatch, query: EventQuery, upper: string): FoundEvent[] {
  const { records, batchId } = batch
  const out: FoundEvent[] = []
  const consider = (offset: number) => {
    const end = records.indexOf('\n', offset)
    const json = records.slice(offset, end === -1 ? undefined : end)
    const record = JSON.parse(json) as CloudTrailRecord
    const time = record.eventTime
    if (time < query.from || time > upper) return
    const found = { time, batchId, offset, record, json }
    if (query.after && !comesAfter(found, query.after)) return
    if (query.attribute && !attributeValues(record, query.attribute.key).includes(query.attribute.value)) return
    out.push(found)
  }
  if (batch.offsets) {
    for (const offset of batch.offsets) consider(offset)
  } else {
    // Every record (JSON lines: JSON text never holds a raw newline).
    for (let offset = 0; offset < records.length;) {
      consider(offset)
      const end = records.indexOf('\n', offset)
      offset = end === -1 ? records.length : end + 1
    }
  }
  return out
}

/** Whether `a` comes after `b` in newest-first order. */
function comesAfter(a: EventPosition, b: EventPosition): boolean {
  if (a.time !== b.time) return a.time < b.time
  if (a.batchId !== b.batchId) return a.batchId < b.batchId
  return a.offset < b.offset
}

function insertSorted(events: FoundEvent[], event: FoundEvent): void {
  let at = events.length
  while (at > 0 && comesAfter(events[at - 1]!, event)) at--
  events.splice(at, 0, event)
}
