// The stored text of event batches. A record's JSON is the list of its members' chunks (`"eventName":"GetUser"`), in
// the record's key order, so that it reads exactly as JSON.stringify(record) would. Most chunks repeat call after call
// (one caller's identity, its address and user agent, the operation, the account): a batch is written as the distinct
// chunks once, then per record the numbers of its chunks and its own few (the time, request id, event id). Writing a
// record thus serializes only what is new in it, and the stored text is a fraction of the JSON it stands for, without
// a compressor's cost on the request path's process. decodeBatch gives the JSON lines back.

/**
 * A record's JSON as chunks (`"key":value`), the length of the JSON line they make, and which chunks are the record's
 * own (bit i set: chunk i holds a request or event id, never repeated).
 */
export interface RecordText {
  readonly chunks: readonly string[]
  readonly own: number
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
    if (slot.own) {
      own |= 1 << chunks.length
      chunk = slot.prefix + (typeof value === 'string' ? quoted(value) : JSON.stringify(value))
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
  return { chunks, own, length: chunks.length === 0 ? 2 : length }
}

/** A string as JSON: ids need no escaping, so the common case skips JSON.stringify. */
function quoted(value: string): string {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index)
    if (code < 0x20 || code === 0x22 || code === 0x5c || code > 0x7e) return JSON.stringify(value)
  }
  return '"' + value + '"'
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

/** Marks the chunked form; older rows hold base64 of deflated JSON lines, which never starts with it. */
const CHUNKED = '~1\n'

/**
 * A batch as stored: `~1`, the number of distinct chunks, each on its line, then a line per record of its chunks'
 * numbers and its own chunks, tab-separated (JSON text holds no raw tab or newline; an own chunk starts with `"`).
 * Records are added as they come: each leaves one line of text behind.
 */
export class BatchText {
  private readonly numbers = new Map<string, number>()
  private readonly distinct: string[] = []
  private readonly lines: string[] = []
  /**
   * The previous record's chunks and its line's text between its own chunks: the next record of the same caller and
   * call repeats every other chunk, and then its line is those texts around its own chunks, with nothing looked up.
   */
  private previous: { readonly chunks: readonly string[]; readonly own: number; readonly between: readonly string[] } | undefined
  private readonly parts: string[] = []

  /** Adds a record; returns the length of its JSON line. */
  add(text: RecordText): number {
    const { chunks, own } = text
    const between = this.repeats(text) ? this.previous!.between : this.numbered(text)
    const parts = this.parts
    parts.length = 0
    parts.push(between[0]!)
    for (let index = 0, next = 1; index < chunks.length; index++) {
      if ((own & (1 << index)) !== 0) parts.push(chunks[index]!, between[next++]!)
    }
    this.lines.push(parts.length === 1 ? parts[0]! : parts.join(''))
    return text.length
  }

  done(): string {
    return CHUNKED + this.distinct.length + '\n' + this.distinct.map((chunk) => chunk + '\n').join('') + this.lines.join('\n')
  }

  /** Whether the record's chunks other than its own are the previous record's (the same strings). */
  private repeats({ chunks, own }: RecordText): boolean {
    const previous = this.previous
    if (previous === undefined || previous.own !== own || previous.chunks.length !== chunks.length) return false
    for (let index = 0; index < chunks.length; index++) {
      if ((own & (1 << index)) === 0 && chunks[index] !== previous.chunks[index]) return false
    }
    return true
  }

  /** Numbers the record's chunks; returns its line's text between its own chunks (tab-separated tokens). */
  private numbered({ chunks, own }: RecordText): string[] {
    const between: string[] = []
    let current = ''
    for (let index = 0; index < chunks.length; index++) {
      const separator = index === 0 ? '' : '\t'
      if ((own & (1 << index)) !== 0) {
        between.push(current + separator)
        current = ''
        continue
      }
      const chunk = chunks[index]!
      let number = this.numbers.get(chunk)
      if (number === undefined) {
        this.numbers.set(chunk, number = this.distinct.length)
        this.distinct.push(chunk)
      }
      current += separator + number
    }
    between.push(current)
    this.previous = { chunks, own, between }
    return between
  }
}

/** A batch of records as stored. */
export function encodeBatch(records: readonly RecordText[]): string {
  const text = new BatchText()
  for (const record of records) text.add(record)
  return text.done()
}

/** Whether `stored` is in the chunked form (else it is an older row: base64 of deflated JSON lines). */
export function isChunked(stored: string): boolean {
  return stored.startsWith(CHUNKED)
}

/** The JSON lines of a chunked batch. */
export function decodeBatch(stored: string): string {
  let at = stored.indexOf('\n', CHUNKED.length)
  const count = Number(stored.slice(CHUNKED.length, at))
  at++
  const distinct: string[] = new Array(count)
  for (let index = 0; index < count; index++) {
    const end = stored.indexOf('\n', at)
    distinct[index] = stored.slice(at, end)
    at = end + 1
  }
  return stored.slice(at).split('\n')
    .map((line) => '{' + line.split('\t').map((token) => token.charCodeAt(0) === 34 ? token : distinct[Number(token)]!).join(',') + '}')
    .join('\n')
}
