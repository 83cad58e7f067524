// The stored text of event batches. A record's JSON is the list of its members' chunks (`"eventName":"GetUser"`), in
// the record's key order, so that it reads exactly as JSON.stringify(record) would. Most chunks repeat call after call
// (one caller's identity, its address and user agent, the operation, the account): a batch is written as the distinct
// chunks once, then per record the numbers of its chunks and its own values (request and event ids), and for a record
// whose chunks are the previous record's (the same caller repeating a call) its own values alone, its event id even
// left out when derived from the batch's seed (derived-event-id.ts). Writing a record thus serializes only what is new
// in it, and the stored text is a fraction of the JSON it stands for, without a compressor's cost on the request path's
// process. decodeBatch gives the JSON lines back.
import { derivedEventId, isDerivationSeed } from './derived-event-id.js'
import { TextBytes } from './text-bytes.js'

/**
 * A record's JSON as chunks (`"key":value`), the length of the JSON line they make, and its own values: a member
 * whose value is unique per record (a request or event id) is the chunk `"key":` alone (the same string every time),
 * bit i of `own` set, and its value in `values`, as ownValue() writes it.
 */
export interface RecordText {
  readonly chunks: readonly string[]
  readonly own: number
  readonly values: readonly string[]
  readonly length: number
}

/** Members whose values are unique per record: written in the record's line, never numbered. */
const OWN: ReadonlySet<string> = new Set(['requestID', 'eventID', 'sharedEventID'])
/** Members whose objects the recorder shares between records (one per caller): serialized once per object. */
const SHARED_OBJECTS: ReadonlySet<string> = new Set(['userIdentity'])

/** What a member's chunk was for the last record that had it: consecutive records mostly repeat it. */
interface MemberSlot {
  readonly key: string
  readonly prefix: string
  readonly own: boolean
  readonly shared: boolean
  value: unknown
  chunk: string
}

const slots = new Map<string, MemberSlot>()
/** The slots of the last record's members, by position. */
const layout: MemberSlot[] = []
const objectJson = new WeakMap<object, string>()

/**
 * The chunks of `record`, in its key order (JSON.stringify's). A member with the value it had in the previous record
 * gives back the previous chunk (the same string: the batch encoder finds it again without hashing it anew); a
 * caller's userIdentity and an ARN's resource are serialized once per object.
 */
export function recordText(record: object): RecordText {
  const chunks: string[] = []
  const values: string[] = []
  let own = 0
  let length = 1 // the two braces, less the comma the first chunk goes without
  let position = 0
  for (const key in record) {
    const value = (record as Record<string, unknown>)[key]
    if (value === undefined || typeof value === 'function') continue
    // Records mostly list the same members in the same order: the slot at this position is usually the one.
    let slot = layout[position]
    if (slot === undefined || slot.key !== key) layout[position] = slot = slots.get(key) ?? newSlot(key)
    position++
    let chunk: string
    if (slot.own && typeof value === 'string') {
      own |= 1 << chunks.length
      chunk = slot.prefix
      const written = ownValue(value)
      values.push(written)
      length += jsonLength(written)
    } else if (value === slot.value || (Array.isArray(value) && sameElements(value, slot.value))) {
      chunk = slot.chunk
    } else {
      chunk = slot.prefix + memberJson(value, slot.shared)
      slot.value = value
      slot.chunk = chunk
    }
    chunks.push(chunk)
    length += chunk.length + 1
  }
  return { chunks, own, values, length: chunks.length === 0 ? 2 : length }
}

const QUOTE = 34

/** The length of an own value's JSON text. */
function jsonLength(stored: string): number {
  return stored.charCodeAt(0) === QUOTE ? stored.length : stored.length + 2
}

/**
 * An own value as stored: the string itself when its JSON is just the string quoted (ids: no quotes, backslashes,
 * control or non-ASCII characters), which can never start with a quote; else its JSON, which always does.
 */
function ownValue(value: string): string {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index)
    if (code < 0x20 || code === 0x22 || code === 0x5c || code > 0x7e) return JSON.stringify(value)
  }
  return value
}

/** An own value's JSON text. */
function ownJson(stored: string): string {
  return stored.charCodeAt(0) === QUOTE ? stored : '"' + stored + '"'
}

function newSlot(key: string): MemberSlot {
  const slot: MemberSlot = { key, prefix: JSON.stringify(key) + ':', own: OWN.has(key), shared: SHARED_OBJECTS.has(key), value: undefined, chunk: '' }
  slots.set(key, slot)
  return slot
}

function memberJson(value: unknown, shared: boolean): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return '[' + value.map(sharedJson).join(',') + ']'
  return shared ? sharedJson(value) : JSON.stringify(value)
}

/** Arrays (a record's resources) are new per record; their elements are shared per ARN. */
function sameElements(value: readonly unknown[], previous: unknown): boolean {
  if (!Array.isArray(previous) || previous.length !== value.length) return false
  for (let index = 0; index < value.length; index++) if (value[index] !== previous[index]) return false
  return true
}

/** An object's JSON, once per object (identities per caller, resources per ARN). */
function sharedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  let json = objectJson.get(value)
  if (json === undefined) objectJson.set(value, json = JSON.stringify(value))
  return json
}

/** Marks the chunked forms; older rows hold base64 of deflated JSON lines, which never starts with `~`. */
const CHUNKED = '~1\n'
const CHUNKED_WITH_REPEATS = '~2\n'
const CHUNKED_WITH_DERIVED_IDS = '~3\n'
/** The JSON length of a derived event id: a UUID, quoted. */
const DERIVED_ID_JSON_LENGTH = 38
/** The own members of a record whose repeats can take a derived event id, in their order. */
const REQUEST_AND_EVENT_IDS = ['"requestID":', '"eventID":']
const NEWLINE = 10

/**
 * A batch as stored: `~3`, the batch's seed for derived event ids (empty when it has none), the number of distinct
 * chunks, each on its line, then a line per record:
 * - a record that repeats the previous one's chunks (the same caller making the same call: most records) but for its
 *   request id, its event id derived from the seed and its position in the batch (derived-event-id.ts), is `+` and the
 *   request id;
 * - one that repeats them with ids of its own is `=` and its own values, tab-separated;
 * - any other is its chunks' numbers and its own chunks (`"requestID":` and the value), tab-separated.
 * JSON text holds no raw tab or newline; an own chunk starts with `"`, a number never does. Records are added as they
 * come, their lines written into bytes off the JS heap (text-bytes.ts).
 */
export class BatchText {
  private readonly numbers = new Map<string, number>()
  private readonly distinct: string[] = []
  private readonly lines = new TextBytes()
  private count = 0
  private previous: RecordText | undefined
  /** The record repeatLength is for (worked out at its first repeat). */
  private repeatOf: RecordText | undefined
  /** The JSON length of a repeat of `repeatOf` with a derived event id, less its request id's; undefined: none. */
  private repeatLength: number | undefined

  /** `seed`: a UUID v4 that repeats derive their event ids from (isDerivationSeed); else repeats bring their own. */
  constructor(private readonly seed = '') {}

  /** Adds a record; returns the length of its JSON line. */
  add(text: RecordText): number {
    if (this.count++ > 0) this.lines.byte(NEWLINE)
    this.lines.write(this.repeats(text) ? repeatLine(text.values) : this.numbered(text))
    this.previous = text
    return text.length
  }

  /**
   * Adds a record equal to the last one added but for its request id, with the event id derivedEventId gives for its
   * position; returns the length of its JSON line, or undefined (nothing added) when the batch has no seed, the last
   * record's own members are not a request id and an event id, or the request id is not written as it is (an id).
   */
  addRepeat(requestID: string): number | undefined {
    const previous = this.previous
    if (previous === undefined) return undefined
    if (this.repeatOf !== previous) {
      this.repeatOf = previous
      this.repeatLength = this.derivesRepeats(previous)
        ? previous.length - jsonLength(previous.values[0]!) - jsonLength(previous.values[1]!) + DERIVED_ID_JSON_LENGTH
        : undefined
    }
    if (this.repeatLength === undefined) return undefined
    if (!this.lines.writeIdAfter('\n+', requestID)) return undefined
    this.count++
    return this.repeatLength + requestID.length + 2
  }

  done(): string {
    return CHUNKED_WITH_DERIVED_IDS + this.seed + '\n' + this.distinct.length + '\n' + this.distinct.map((chunk) => chunk + '\n').join('') + this.lines.toString()
  }

  /** Whether the record's chunks are the previous record's (the same strings; own chunks are their keys alone). */
  private repeats({ chunks, own }: RecordText): boolean {
    const previous = this.previous
    if (previous === undefined || previous.own !== own) return false
    if (previous.chunks.length !== chunks.length) return false
    for (let index = 0; index < chunks.length; index++) if (chunks[index] !== previous.chunks[index]) return false
    return true
  }

  /** Whether repeats of `text` can derive their event ids: a seed, and own members that are a request and event id. */
  private derivesRepeats({ chunks, own, values }: RecordText): boolean {
    if (values.length !== 2 || !isDerivationSeed(this.seed)) return false
    const owned = chunks.filter((_, index) => (own & (1 << index)) !== 0)
    return owned[0] === REQUEST_AND_EVENT_IDS[0] && owned[1] === REQUEST_AND_EVENT_IDS[1]
  }

  /** The record's line in full: its chunks numbered, its own chunks written out. */
  private numbered({ chunks, own, values }: RecordText): string {
    const tokens: string[] = []
    for (let index = 0, next = 0; index < chunks.length; index++) {
      const chunk = chunks[index]!
      if ((own & (1 << index)) !== 0) {
        tokens.push(chunk + ownJson(values[next++]!))
        continue
      }
      let number = this.numbers.get(chunk)
      if (number === undefined) {
        this.numbers.set(chunk, number = this.distinct.length)
        this.distinct.push(chunk)
      }
      tokens.push(String(number))
    }
    return tokens.join('\t')
  }
}

/** A repeating record's line: `=` and its own values. */
function repeatLine(values: readonly string[]): string {
  return '=\t' + values.join('\t')
}

/** Whether `stored` is in a chunked form (else it is an older row: base64 of deflated JSON lines). */
export function isChunked(stored: string): boolean {
  return stored.startsWith(CHUNKED_WITH_DERIVED_IDS) || stored.startsWith(CHUNKED_WITH_REPEATS) || stored.startsWith(CHUNKED)
}

/** The JSON lines of a chunked batch. */
export function decodeBatch(stored: string): string {
  let at = CHUNKED.length
  let seed: string | undefined
  if (stored.startsWith(CHUNKED_WITH_DERIVED_IDS)) {
    const end = stored.indexOf('\n', at)
    seed = stored.slice(at, end)
    at = end + 1
  }
  let end = stored.indexOf('\n', at)
  const count = Number(stored.slice(at, end))
  at = end + 1
  const distinct: string[] = new Array(count)
  for (let index = 0; index < count; index++) {
    end = stored.indexOf('\n', at)
    distinct[index] = stored.slice(at, end)
    at = end + 1
  }
  // The last full line's chunks, and where its own chunks are with their keys (`"requestID":`): what `=` and `+` lines
  // repeat.
  let chunks: string[] = []
  let owned: { readonly index: number; readonly key: string }[] = []
  return stored.slice(at).split('\n').map((line, position) => {
    const mark = line.charCodeAt(0)
    if (mark === EQUALS) {
      const values = line.split('\t')
      owned.forEach(({ index, key }, member) => { chunks[index] = key + ownJson(values[member + 1] ?? '') })
    } else if (mark === PLUS && seed !== undefined) {
      chunks[owned[0]!.index] = owned[0]!.key + '"' + line.slice(1) + '"'
      chunks[owned[1]!.index] = owned[1]!.key + '"' + derivedEventId(seed, position) + '"'
    } else {
      chunks = []
      owned = []
      for (const token of line.split('\t')) {
        if (token.charCodeAt(0) !== QUOTE) {
          chunks.push(distinct[Number(token)]!)
          continue
        }
        owned.push({ index: chunks.length, key: token.slice(0, token.indexOf('":') + 2) })
        chunks.push(token)
      }
    }
    return '{' + chunks.join(',') + '}'
  }).join('\n')
}

const EQUALS = 61
const PLUS = 43
