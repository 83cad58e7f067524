// One stored batch being filled: records are written into its text and lookup keys as they come, so that a queued
// call keeps nothing alive but a line of text until its group commit (the pipeline's call objects die young, which
// keeps garbage collection cheap); `seal` gives the row and key rows event-store.ts writes.
import type { CloudTrailRecord } from './event-record.js'
import { lookupResourceName } from './event-kinds.js'
import { BatchText, recordText } from './record-text.js'
import { lookupUsername } from './user-identity.js'

export type LookupAttributeKey = 'EventId' | 'EventName' | 'ReadOnly' | 'Username' | 'ResourceType' | 'ResourceName' | 'EventSource' | 'AccessKeyId'

/** The length of the event id prefix every event of a batch shares, and its key for EventId lookups. */
export const BATCH_KEY_LENGTH = 8

/**
 * Records per stored batch at most: a lookup for a rare value reads a whole batch to return one of its records, while
 * a smaller batch means more keys per event. bench/cloudtrail/lookup.ts weighs the two.
 */
export const RECORDS_PER_BATCH = 128

/**
 * Records per stored batch whose records all have the same lookup values (one caller repeating a call): a lookup that
 * finds the batch wants every record of it, so a larger batch costs a lookup little (decoding a full one takes a few
 * milliseconds), and a group commit of a busy caller's calls writes one row and its keys instead of several.
 */
export const UNIFORM_RECORDS_PER_BATCH = 2048

/** Indexed values are cut to this length (index entries stay small); a lookup compares the whole value. */
export const INDEXED_VALUE_LENGTH = 256

/** Where a batch is stored: one account, region and category (management or data). */
export interface BatchPlace {
  readonly accountId: string
  readonly region: string
  readonly batchId: string
  readonly management: boolean
}

/** A batch ready to store: its text (record-text.ts), its bounds and its lookup keys. */
export interface SealedBatch extends BatchPlace {
  readonly text: string
  readonly eventCount: number
  readonly newestTime: string
  readonly oldestTime: string
  /**
   * One per distinct (attribute, value), with the offsets of its records in the batch's JSON lines: none for EventId
   * and for a value every record has.
   */
  readonly keys: readonly LookupKey[]
}

export interface LookupKey {
  readonly attribute: string
  readonly value: string
  readonly offsets: string
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

interface KeyEntry {
  readonly attribute: string
  readonly value: string
  offsets: number[]
}

export interface OpenBatch extends BatchPlace {
  readonly size: number
  /** How many records it takes: more while every record has the same lookup values (management events only). */
  readonly capacity: number
  add(record: CloudTrailRecord): void
  /**
   * Adds a record equal to the last one added but for its request id, without building it (a caller repeating a call),
   * its event id derived from the batch's seed (derived-event-id.ts); false when it cannot (no seed, no last record, one
   * with other own members than a request and an event id, or a request id its JSON escapes): then nothing was added.
   */
  repeat(requestID: string): boolean
  seal(): SealedBatch
}

/** `seed`: a UUID v4 that repeated records derive their event ids from; without it, records bring their own. */
export function openBatch(place: BatchPlace, seed?: string): OpenBatch {
  let text = new BatchText(seed)
  /** The EventId key of derived event ids. */
  const seedPrefix = seed?.slice(0, BATCH_KEY_LENGTH)
  let keys = new Map<string, KeyEntry>()
  let prefixes = new Set<string>()
  let lastPrefix = '\n' // no id starts with it
  let uniform = place.management
  // While the batch is uniform, every key's offsets are every record's: kept once here, and given to each key once a
  // record with other lookup values comes.
  let recordOffsets: number[] = []
  let sealed: SealedBatch | undefined
  let size = 0
  let offset = 0
  let newest = ''
  let oldest = ''
  // The common case (one caller repeating a call): the previous record's keys, without working them out again.
  let previous: CloudTrailRecord | undefined
  let previousKeys: KeyEntry[] = []
  const touch = (attribute: string, value: string, touched: KeyEntry[]) => {
    const cut = value.slice(0, INDEXED_VALUE_LENGTH)
    const id = `${attribute}\n${cut}`
    let entry = keys.get(id)
    if (!entry) keys.set(id, entry = { attribute, value: cut, offsets: [] })
    if (entry.offsets[entry.offsets.length - 1] !== offset) entry.offsets.push(offset)
    touched.push(entry)
  }
  /** A record with the previous record's lookup values. */
  const touchAgain = () => {
    if (uniform) {
      recordOffsets.push(offset)
      return
    }
    // An entry touched twice by one record (two resources of one type) takes its offset once, as in touch().
    for (const entry of previousKeys) if (entry.offsets[entry.offsets.length - 1] !== offset) entry.offsets.push(offset)
  }
  return {
    ...place,
    get size() {
      return size
    },
    get capacity() {
      return uniform ? UNIFORM_RECORDS_PER_BATCH : RECORDS_PER_BATCH
    },
    add(record) {
      if (sealed) throw new Error('a sealed batch takes no more records')
      if (size === 0 || record.eventTime > newest) newest = record.eventTime
      if (size === 0 || record.eventTime < oldest) oldest = record.eventTime
      size++
      prefixes.add(lastPrefix = record.eventID.slice(0, BATCH_KEY_LENGTH))
      if (place.management) {
        if (previous && sameLookupValues(previous, record)) {
          touchAgain()
        } else {
          if (previous && uniform) {
            uniform = false
            for (const entry of keys.values()) entry.offsets = [...recordOffsets]
            recordOffsets = []
          }
          const touched: KeyEntry[] = []
          for (const attribute of INDEXED_ATTRIBUTES) {
            for (const value of attributeValues(record, attribute)) touch(attribute, value, touched)
          }
          if (uniform) recordOffsets.push(offset)
          previous = record
          previousKeys = touched
        }
      }
      offset += text.add(recordText(record)) + 1
    },
    repeat(requestID) {
      if (sealed) throw new Error('a sealed batch takes no more records')
      if (!previous) return false
      const length = text.addRepeat(requestID)
      if (length === undefined) return false
      size++
      // Ids drawn from one batch share its prefix: the set mostly holds it already.
      if (lastPrefix !== seedPrefix) prefixes.add(lastPrefix = seedPrefix!)
      if (place.management) touchAgain()
      offset += length + 1
      return true
    },
    /** The batch ready to store; its working state is let go (a full batch is sealed long before its commit). */
    seal() {
      if (sealed) return sealed
      const rows: LookupKey[] = []
      if (place.management) {
        // A key every record has (one caller repeating a call) lists no offsets: a lookup then reads every record.
        for (const entry of keys.values()) {
          rows.push({ attribute: entry.attribute, value: entry.value, offsets: uniform || entry.offsets.length === size ? '' : entry.offsets.join(',') })
        }
        for (const prefix of prefixes) rows.push({ attribute: 'EventId', value: prefix, offsets: '' })
      }
      sealed = { ...place, text: text.done(), eventCount: size, newestTime: newest, oldestTime: oldest, keys: rows }
      text = new BatchText(seed)
      keys = new Map()
      prefixes = new Set()
      recordOffsets = []
      previous = undefined
      previousKeys = []
      return sealed
    },
  }
}

/** The sealed batch of `records`, all of one place. */
export function sealRecords(place: BatchPlace, records: readonly CloudTrailRecord[]): SealedBatch {
  const batch = openBatch(place)
  for (const record of records) batch.add(record)
  return batch.seal()
}

/** Whether two records have the same lookup values (identities are shared per caller, so compared by reference). */
function sameLookupValues(a: CloudTrailRecord, b: CloudTrailRecord): boolean {
  if (a.userIdentity !== b.userIdentity || a.eventName !== b.eventName || a.eventSource !== b.eventSource || a.readOnly !== b.readOnly) return false
  const x = a.resources ?? []
  const y = b.resources ?? []
  return x.length === y.length && x.every((resource, index) => resource === y[index])
}
