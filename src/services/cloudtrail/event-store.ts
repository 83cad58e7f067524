// The stored events: batches of records (JSON lines) per account and region with their lookup keys, written and
// completed, and the 90-day expiry. event-search.ts reads them.
import { inflateRawSync } from 'node:zlib'
import type { Db } from '../../storage/schema.js'
import type { LookupKey, SealedBatch } from './event-batch.js'
import { decodeBatch, isChunked } from './record-text.js'

export { attributeValues, BATCH_KEY_LENGTH, INDEXED_VALUE_LENGTH, openBatch, RECORDS_PER_BATCH, sealRecords, UNIFORM_RECORDS_PER_BATCH, type BatchPlace, type LookupAttributeKey, type OpenBatch, type SealedBatch } from './event-batch.js'

/** Rows per INSERT statement: well under SQLite's 32766 bound variables and PostgreSQL's 65535. */
const ROWS_PER_STATEMENT = 200

/**
 * Writes sealed batches and their lookup keys. A batch's text holds each distinct chunk of its records' JSON once, then
 * each record as the numbers of its chunks and its own ids, or as its request id alone for a caller's repeated call
 * (record-text.ts): records repeat most of their text, so a batch is many times smaller than its JSON lines, without a
 * compressor's CPU in the process serving requests.
 */
export async function insertBatches(tx: Db, batches: readonly SealedBatch[]): Promise<void> {
  for (const chunk of chunks(batches)) {
    await tx.insertInto('cloudtrail_event_batches').values(chunk.map((batch) => ({
      account_id: batch.accountId,
      region: batch.region,
      batch_id: batch.batchId,
      management: batch.management ? 1 : 0,
      oldest_time: batch.oldestTime,
      newest_time: batch.newestTime,
      event_count: batch.eventCount,
      records: batch.text,
    } as const))).execute()
  }
  const keys = batches.flatMap(keyRows)
  for (const chunk of chunks(keys)) await tx.insertInto('cloudtrail_event_keys').values(chunk).execute()
}

/**
 * Replaces a batch's records by their final form (the outcome added to records first written inside the call's own
 * transaction), and its keys where the outcome changed them (the resource a create call made).
 */
export async function replaceBatch(tx: Db, before: SealedBatch, after: SealedBatch): Promise<void> {
  await tx.updateTable('cloudtrail_event_batches').set({ records: after.text })
    .where('account_id', '=', after.accountId).where('region', '=', after.region).where('batch_id', '=', after.batchId).execute()
  if (!after.management) return
  const id = (key: LookupKey) => `${key.attribute}\n${key.value}\n${key.offsets}`
  const old = new Map(before.keys.map((key) => [id(key), key]))
  const added = after.keys.filter((key) => !old.delete(id(key)))
  for (const key of old.values()) {
    await tx.deleteFrom('cloudtrail_event_keys').where('account_id', '=', before.accountId).where('region', '=', before.region)
      .where('attribute', '=', key.attribute).where('value', '=', key.value).where('newest_time', '=', before.newestTime)
      .where('batch_id', '=', before.batchId).execute()
  }
  if (added.length > 0) await tx.insertInto('cloudtrail_event_keys').values(keyRows({ ...after, keys: added })).execute()
}

/** The JSON lines of a stored batch: chunked, or (rows written before it) base64 of deflated JSON lines. */
export function decodeRecords(stored: string): string {
  return isChunked(stored) ? decodeBatch(stored) : inflateRawSync(Buffer.from(stored, 'base64')).toString('utf8')
}

function keyRows(batch: SealedBatch) {
  return batch.keys.map((key) => ({
    account_id: batch.accountId,
    region: batch.region,
    attribute: key.attribute,
    value: key.value,
    newest_time: batch.newestTime,
    oldest_time: batch.oldestTime,
    batch_id: batch.batchId,
    offsets: key.offsets,
  }))
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
