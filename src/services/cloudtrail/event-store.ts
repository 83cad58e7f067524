// The stored events: batches of records (JSON lines) per account and region with their lookup keys, written and
// completed, and the 90-day expiry. event-search.ts reads them.
import { deflateRawSync, inflateRawSync } from 'node:zlib'
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
export const INDEXED_VALUE_LENGTH = 256

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
        records: encodeRecords(batch.records),
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
  await tx.updateTable('cloudtrail_event_batches').set({ records: encodeRecords(after.records) })
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

/**
 * A batch's records as stored: JSON lines, deflated (fastest level) and in base64 text, which both dialects keep
 * alike. Records repeat most of their text, so a batch shrinks about tenfold: each group commit writes (and fsyncs,
 * and later checkpoints) a tenth of the bytes, which costs the request path less than the deflate does.
 */
export function encodeRecords(records: readonly StoredRecord[]): string {
  return deflateRawSync(records.map((stored) => stored.json).join('\n'), { level: 1 }).toString('base64')
}

/** The JSON lines of a stored batch. */
export function decodeRecords(stored: string): string {
  return inflateRawSync(Buffer.from(stored, 'base64')).toString('utf8')
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
