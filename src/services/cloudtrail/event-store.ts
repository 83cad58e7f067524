// The stored events: batches of records (JSON lines) per account and region with their lookup keys, the newest-first
// search LookupEvents pages through, and the 90-day expiry.
import type { Db } from '../../storage/schema.js'
import type { CloudTrailRecord } from './event-record.js'
import { lookupResourceName } from './event-kinds.js'
import { lookupUsername } from './user-identity.js'

/** A record with the JSON it is stored as, built once. */
export interface StoredRecord {
  readonly record: CloudTrailRecord
  readonly json: string
}

/** Records of one account, region and category (management or data), written as one row. */
export interface EventBatch {
  readonly accountId: string
  readonly region: string
  readonly batchId: string
  readonly management: boolean
  readonly records: readonly StoredRecord[]
}

export type LookupAttributeKey = 'EventId' | 'EventName' | 'ReadOnly' | 'Username' | 'ResourceType' | 'ResourceName' | 'EventSource' | 'AccessKeyId'

/**
 * Records per stored batch at most: a lookup for a rare value reads a whole batch to return one of its records, while
 * a smaller batch means more keys per event. bench/cloudtrail/lookup.ts weighs the two.
 */
export const RECORDS_PER_BATCH = 128

/** The length of the event id prefix every event of a batch shares, and its key for EventId lookups. */
export const BATCH_KEY_LENGTH = 8

/** Indexed values are cut to this length (index entries stay small); a lookup compares the whole value. */
const INDEXED_VALUE_LENGTH = 256

/** Rows per INSERT statement: well under SQLite's 32766 bound variables and PostgreSQL's 65535. */
const ROWS_PER_STATEMENT = 200

export async function insertBatches(tx: Db, batches: readonly EventBatch[]): Promise<void> {
  for (const chunk of chunks(batches)) {
    await tx.insertInto('cloudtrail_event_batches').values(chunk.map((batch) => {
      const [newest, oldest] = timeBounds(batch.records)
      return {
        account_id: batch.accountId,
        region: batch.region,
        batch_id: batch.batchId,
        management: batch.management ? 1 : 0,
        oldest_time: oldest,
        newest_time: newest,
        event_count: batch.records.length,
        records: batch.records.map((stored) => stored.json).join('\n'),
      } as const
    })).execute()
  }
  const keys = batches.filter((batch) => batch.management).flatMap(lookupKeys)
  for (const chunk of chunks(keys)) await tx.insertInto('cloudtrail_event_keys').values(chunk).execute()
}

/**
 * Replaces a batch's records by their final form (the outcome added to records first written inside the call's own
 * transaction), and its keys where the outcome changed them (the resource a create call made).
 */
export async function replaceBatch(tx: Db, before: EventBatch, after: EventBatch): Promise<void> {
  await tx.updateTable('cloudtrail_event_batches').set({ records: after.records.map((stored) => stored.json).join('\n') })
    .where('account_id', '=', after.accountId).where('region', '=', after.region).where('batch_id', '=', after.batchId).execute()
  if (!after.management) return
  const id = (key: { attribute: string; value: string; offsets: string }) => `${key.attribute}\n${key.value}\n${key.offsets}`
  const old = new Map(lookupKeys(before).map((key) => [id(key), key]))
  const added = lookupKeys(after).filter((key) => !old.delete(id(key)))
  for (const key of old.values()) {
    await tx.deleteFrom('cloudtrail_event_keys').where('account_id', '=', key.account_id).where('region', '=', key.region)
      .where('attribute', '=', key.attribute).where('value', '=', key.value).where('newest_time', '=', key.newest_time)
      .where('batch_id', '=', key.batch_id).execute()
  }
  if (added.length > 0) await tx.insertInto('cloudtrail_event_keys').values(added).execute()
}

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
      yield { batchId: row.batch_id, newestTime: row.newest_time, records: row.records, offsets: row.offsets ? row.offsets.split(',').map(Number) : undefined }
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

/** A record's values for one lookup attribute (several for resources). */
export function attributeValues(record: CloudTrailRecord, key: LookupAttributeKey): string[] {
  switch (key) {
    case 'EventId': return [record.eventID]
    case 'EventName': return [record.eventName]
    case 'EventSource': return [record.eventSource]
    case 'ReadOnly': return [String(record.readOnly)]
    case 'Username': {
      const username = lookupUsername(record.userIdentity)
      return username === undefined ? [] : [username]
    }
    case 'AccessKeyId': return record.userIdentity.accessKeyId ? [record.userIdentity.accessKeyId] : []
    case 'ResourceType': return (record.resources ?? []).map((resource) => resource.type)
    case 'ResourceName': return (record.resources ?? []).map(lookupResourceName)
  }
}

const INDEXED_ATTRIBUTES: readonly LookupAttributeKey[] = ['EventName', 'EventSource', 'ReadOnly', 'Username', 'AccessKeyId', 'ResourceType', 'ResourceName']

/**
 * One key per distinct (attribute, value) of the batch, with where its records start in the batch's text; and one
 * EventId key for the prefix the batch's ids share (no offsets: an id lookup reads the batch).
 */
function lookupKeys(batch: EventBatch) {
  const [newest, oldest] = timeBounds(batch.records)
  const keys = new Map<string, KeyEntry>()
  const touch = (attribute: string, value: string, offset: number, touched: KeyEntry[]) => {
    const cut = value.slice(0, INDEXED_VALUE_LENGTH)
    const id = `${attribute}\n${cut}`
    let entry = keys.get(id)
    if (!entry) {
      entry = { attribute, value: cut, offsets: [] }
      keys.set(id, entry)
    }
    if (entry.offsets[entry.offsets.length - 1] !== offset) entry.offsets.push(offset)
    touched.push(entry)
  }
  let offset = 0
  let previous: CloudTrailRecord | undefined
  let previousKeys: KeyEntry[] = []
  for (const { record, json } of batch.records) {
    if (previous && sameLookupValues(previous, record)) {
      // The common case (one caller repeating a call): the previous record's keys, without working them out again.
      for (const entry of previousKeys) entry.offsets.push(offset)
    } else {
      const touched: KeyEntry[] = []
      for (const attribute of INDEXED_ATTRIBUTES) {
        for (const value of attributeValues(record, attribute)) touch(attribute, value, offset, touched)
      }
      previous = record
      previousKeys = touched
    }
    offset += json.length + 1
  }
  const rows = [...keys.values()].map((entry) => ({ ...entry, offsets: entry.offsets.join(',') }))
  const prefixes = new Set(batch.records.map(({ record }) => record.eventID.slice(0, BATCH_KEY_LENGTH)))
  for (const prefix of prefixes) rows.push({ attribute: 'EventId', value: prefix, offsets: '' })
  return rows.map((row) => ({
    account_id: batch.accountId,
    region: batch.region,
    attribute: row.attribute,
    value: row.value,
    newest_time: newest,
    oldest_time: oldest,
    batch_id: batch.batchId,
    offsets: row.offsets,
  }))
}

interface KeyEntry {
  readonly attribute: string
  readonly value: string
  readonly offsets: number[]
}

/** Whether two records have the same lookup values (identities are shared per caller, so compared by reference). */
function sameLookupValues(a: CloudTrailRecord, b: CloudTrailRecord): boolean {
  if (a.userIdentity !== b.userIdentity || a.eventName !== b.eventName || a.eventSource !== b.eventSource || a.readOnly !== b.readOnly) return false
  const x = a.resources ?? []
  const y = b.resources ?? []
  return x.length === y.length && x.every((resource, index) => resource === y[index])
}

/** [newest, oldest] eventTime of a batch's records. */
function timeBounds(records: readonly StoredRecord[]): [string, string] {
  let newest = records[0]!.record.eventTime
  let oldest = newest
  for (const { record } of records) {
    if (record.eventTime > newest) newest = record.eventTime
    if (record.eventTime < oldest) oldest = record.eventTime
  }
  return [newest, oldest]
}

/**
 * Deletes batches whose newest event is older than `before`, a chunk per transaction so a large expiry never holds the
 * writer long, then their keys (which carry the same newest time); resolves with how many events went.
 */
export async function deleteBatchesBefore(transaction: <T>(work: (tx: Db) => Promise<T>) => Promise<T>, before: string, chunk = 500): Promise<number> {
  let deleted = 0
  for (;;) {
    const { batches, events } = await transaction(async (tx) => {
      const expired = await tx.selectFrom('cloudtrail_event_batches').select(['account_id', 'region', 'batch_id', 'event_count'])
        .where('newest_time', '<', before).orderBy('newest_time').limit(chunk).execute()
      for (const row of expired) {
        await tx.deleteFrom('cloudtrail_event_batches').where('account_id', '=', row.account_id).where('region', '=', row.region)
          .where('batch_id', '=', row.batch_id).execute()
      }
      return { batches: expired.length, events: expired.reduce((sum, row) => sum + Number(row.event_count), 0) }
    })
    deleted += events
    if (batches < chunk) break
  }
  await transaction((tx) => tx.deleteFrom('cloudtrail_event_keys').where('newest_time', '<', before).execute())
  return deleted
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT) yield items.slice(start, start + ROWS_PER_STATEMENT)
}
