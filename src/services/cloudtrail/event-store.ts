// The stored events: rows for each record (management events with their lookup attributes and resources, data
// events apart), the newest-first lookup LookupEvents pages through, and the 90-day expiry.
import type { Db } from '../../storage/schema.js'
import type { CloudTrailRecord } from './event-record.js'
import { lookupResourceName } from './event-kinds.js'
import { lookupUsername } from './user-identity.js'

/** A record with the JSON it is stored as, built once. */
export interface StoredRecord {
  readonly record: CloudTrailRecord
  readonly json: string
  /** The record's eventTime to the millisecond: the order within a second is the order calls began. */
  readonly time: string
}

/** Rows per INSERT statement: well under SQLite's 32766 bound variables and PostgreSQL's 65535. */
const ROWS_PER_STATEMENT = 200

export async function insertRecords(tx: Db, records: readonly StoredRecord[]): Promise<void> {
  const management = records.filter((stored) => stored.record.managementEvent)
  const data = records.filter((stored) => !stored.record.managementEvent)
  for (const chunk of chunks(management)) {
    await tx.insertInto('cloudtrail_events').values(chunk.map(({ record, json, time }) => ({
      account_id: record.recipientAccountId,
      event_id: record.eventID,
      region: record.awsRegion,
      event_time: time,
      event_name: record.eventName,
      event_source: record.eventSource,
      read_only: record.readOnly ? 1 : 0,
      username: lookupUsername(record.userIdentity) ?? null,
      access_key_id: record.userIdentity.accessKeyId ?? null,
      record: json,
    }))).execute()
  }
  const resources = management.flatMap(({ record, time }) => uniqueResources(record).map((resource) => ({
    account_id: record.recipientAccountId,
    event_id: record.eventID,
    region: record.awsRegion,
    event_time: time,
    resource_type: resource.type,
    resource_name: resource.name,
  })))
  for (const chunk of chunks(resources)) await tx.insertInto('cloudtrail_event_resources').values(chunk).execute()
  for (const chunk of chunks(data)) {
    await tx.insertInto('cloudtrail_data_events').values(chunk.map(({ record, json, time }) => ({
      account_id: record.recipientAccountId,
      event_id: record.eventID,
      region: record.awsRegion,
      event_time: time,
      record: json,
    }))).execute()
  }
}

/** Replaces the stored JSON of records first written without their outcome (inside the call's own transaction). */
export async function completeRecords(tx: Db, records: readonly StoredRecord[]): Promise<void> {
  for (const { record, json } of records) {
    const table = record.managementEvent ? 'cloudtrail_events' : 'cloudtrail_data_events'
    await tx.updateTable(table).set({ record: json })
      .where('account_id', '=', record.recipientAccountId).where('event_id', '=', record.eventID).execute()
  }
}

export type LookupAttributeKey = 'EventId' | 'EventName' | 'ReadOnly' | 'Username' | 'ResourceType' | 'ResourceName' | 'EventSource' | 'AccessKeyId'

export interface EventQuery {
  readonly accountId: string
  readonly region: string
  readonly attribute?: { readonly key: LookupAttributeKey; readonly value: string }
  /** Inclusive bounds, ISO text. */
  readonly from: string
  readonly to: string
  /** Continue after this event (exclusive), in newest-first order. */
  readonly after?: { readonly time: string; readonly eventId: string }
  readonly limit: number
}

export interface FoundEvent {
  readonly eventId: string
  readonly time: string
  readonly record: string
}

const ATTRIBUTE_COLUMNS = {
  EventName: 'event_name', EventSource: 'event_source', Username: 'username', AccessKeyId: 'access_key_id', EventId: 'event_id',
} as const

/** Newest first, within one account and region, on the index of the one attribute asked for. */
export async function findEvents(db: Db, query: EventQuery): Promise<FoundEvent[]> {
  const { attribute, after } = query
  if (attribute?.key === 'ResourceType' || attribute?.key === 'ResourceName') {
    const column = attribute.key === 'ResourceType' ? 'resource_type' : 'resource_name'
    let select = db.selectFrom('cloudtrail_event_resources as r')
      .innerJoin('cloudtrail_events as e', (join) => join.onRef('e.account_id', '=', 'r.account_id').onRef('e.event_id', '=', 'r.event_id'))
      .select(['e.event_id as eventId', 'e.event_time as time', 'e.record as record'])
      .where('r.account_id', '=', query.accountId).where('r.region', '=', query.region).where(`r.${column}`, '=', attribute.value)
      .where('r.event_time', '>=', query.from).where('r.event_time', '<=', query.to)
    if (after) {
      select = select.where((eb) => eb.or([
        eb('r.event_time', '<', after.time),
        eb.and([eb('r.event_time', '=', after.time), eb('r.event_id', '<', after.eventId)]),
      ]))
    }
    const rows = await select.orderBy('r.event_time', 'desc').orderBy('r.event_id', 'desc').limit(query.limit + 1).execute()
    // One event naming two resources of the asked type appears once.
    return dedupe(rows).slice(0, query.limit)
  }
  let select = db.selectFrom('cloudtrail_events')
    .select(['event_id as eventId', 'event_time as time', 'record'])
    .where('account_id', '=', query.accountId).where('region', '=', query.region)
  if (attribute?.key === 'ReadOnly') select = select.where('read_only', '=', attribute.value === 'true' ? 1 : 0)
  else if (attribute) select = select.where(ATTRIBUTE_COLUMNS[attribute.key], '=', attribute.value)
  select = select.where('event_time', '>=', query.from).where('event_time', '<=', query.to)
  if (after) {
    select = select.where((eb) => eb.or([
      eb('event_time', '<', after.time),
      eb.and([eb('event_time', '=', after.time), eb('event_id', '<', after.eventId)]),
    ]))
  }
  return select.orderBy('event_time', 'desc').orderBy('event_id', 'desc').limit(query.limit).execute()
}

/**
 * Deletes events (with their resource rows) and data events older than `before`, a chunk per transaction so a large
 * expiry never holds the writer long; resolves with how many management events went.
 */
export async function deleteEventsBefore(transaction: <T>(work: (tx: Db) => Promise<T>) => Promise<T>, before: string, chunk = 2000): Promise<number> {
  let deleted = 0
  for (;;) {
    const count = await transaction(async (tx) => {
      const expired = await tx.selectFrom('cloudtrail_events').select(['account_id', 'event_id'])
        .where('event_time', '<', before).orderBy('event_time').limit(chunk).execute()
      for (const [accountId, eventIds] of groupBy(expired)) {
        await tx.deleteFrom('cloudtrail_event_resources').where('account_id', '=', accountId).where('event_id', 'in', eventIds).execute()
        await tx.deleteFrom('cloudtrail_events').where('account_id', '=', accountId).where('event_id', 'in', eventIds).execute()
      }
      return expired.length
    })
    deleted += count
    if (count < chunk) break
  }
  for (;;) {
    const count = await transaction(async (tx) => {
      const expired = await tx.selectFrom('cloudtrail_data_events').select(['account_id', 'event_id'])
        .where('event_time', '<', before).orderBy('event_time').limit(chunk).execute()
      for (const [accountId, eventIds] of groupBy(expired)) {
        await tx.deleteFrom('cloudtrail_data_events').where('account_id', '=', accountId).where('event_id', 'in', eventIds).execute()
      }
      return expired.length
    })
    if (count < chunk) break
  }
  return deleted
}

function groupBy(rows: readonly { account_id: string; event_id: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const row of rows) {
    const ids = out.get(row.account_id)
    if (ids) ids.push(row.event_id)
    else out.set(row.account_id, [row.event_id])
  }
  return out
}

function uniqueResources(record: CloudTrailRecord): { type: string; name: string }[] {
  const seen = new Map<string, { type: string; name: string }>()
  for (const resource of record.resources ?? []) {
    const name = lookupResourceName(resource)
    seen.set(`${resource.type}\n${name}`, { type: resource.type, name })
  }
  return [...seen.values()]
}

function dedupe(rows: readonly FoundEvent[]): FoundEvent[] {
  const seen = new Set<string>()
  return rows.filter((row) => (seen.has(row.eventId) ? false : (seen.add(row.eventId), true)))
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT) yield items.slice(start, start + ROWS_PER_STATEMENT)
}
