// readJsonValue: a parsed JSON body value → the typed input the model describes, with AWS's SerializationException wording.
import { SerializationError } from '../../core/common-errors.js'
import type { ServiceModel, ShapeRef, StructureShape, TimestampFormat } from '../../model/types.js'
import { resolveShape } from '../rest/model-shapes.js'
import { parseTimestamp, timestampFormatFor } from '../shared/timestamps.js'
import { jsonBodyMembers } from './json-body-members.js'

/**
 * Decodes `value` as the shape `ref` names. JSON `null` means "absent" (undefined), as AWS's JSON services treat it.
 * Unknown structure members are ignored. Throws SerializationError for a value of the wrong JSON type.
 */
export function readJsonValue(value: unknown, ref: ShapeRef, service: ServiceModel): unknown {
  return readValue(value, ref, service, 0)
}

/** Decodes a JSON object as a structure shape, reading only its body members (those without a `location`). */
export function readJsonStructure(value: unknown, shape: StructureShape, service: ServiceModel): Record<string, unknown> {
  return readStructure(value, shape, service, 0) ?? {}
}

// Recursive shapes (WAFv2's nested statements) could otherwise recurse as deep as the body nests. AWS documents no
// figure; WAFv2's own nesting limits are far below this one.
const MAX_DEPTH = 64

// The messages below are the ones AWS's JSON services return for a value of the wrong type, e.g. a string where an
// integer belongs → "STRING_VALUE can not be converted to an Integer", an object where a list belongs →
// "Start of structure or map found where not expected.", a scalar where a list belongs → "Expected list or null".
const LIST_FOUND = 'Start of list found where not expected'
const MAP_FOUND = 'Start of structure or map found where not expected.'

function readValue(value: unknown, ref: ShapeRef, service: ServiceModel, depth: number): unknown {
  if (value === null || value === undefined) return undefined
  if (depth > MAX_DEPTH) throw new SerializationError('Request nesting exceeds the maximum depth')
  const shape = resolveShape(service, ref)
  switch (shape.type) {
    case 'structure':
      return readStructure(value, shape, service, depth)
    case 'list': {
      if (Array.isArray(value)) {
        const out: unknown[] = []
        for (const item of value) {
          const decoded = readValue(item, shape.member, service, depth + 1)
          if (decoded !== undefined) out.push(decoded)
        }
        return out
      }
      if (isObject(value)) throw new SerializationError(MAP_FOUND)
      throw new SerializationError('Expected list or null')
    }
    case 'map': {
      if (isObject(value)) {
        const entries: [string, unknown][] = []
        for (const [key, item] of Object.entries(value)) {
          const decoded = readValue(item, shape.value, service, depth + 1)
          if (decoded !== undefined) entries.push([key, decoded])
        }
        return Object.fromEntries(entries) // CreateDataProperty: a `__proto__` key stays an ordinary key
      }
      if (Array.isArray(value)) throw new SerializationError(LIST_FOUND)
      throw new SerializationError('Expected map or null')
    }
    case 'string':
      if (typeof value === 'string') {
        if (ref.jsonvalue) assertJsonText(value)
        return value
      }
      throw new SerializationError(mismatch(value, 'a String'))
    case 'boolean':
      if (typeof value === 'boolean') return value
      throw new SerializationError(mismatch(value, 'a Boolean'))
    case 'integer':
    case 'long':
      return readInteger(value, shape.type)
    case 'float':
    case 'double':
    case 'bigdecimal':
      return readFloat(value, shape.type)
    case 'timestamp':
      return readTimestamp(value, timestampFormatFor(ref, shape, service.metadata.protocol, 'body'))
    case 'blob':
      if (typeof value === 'string') return readBase64(value)
      throw new SerializationError(mismatch(value, 'a ByteBuffer'))
  }
}

function readStructure(value: unknown, shape: StructureShape, service: ServiceModel, depth: number): Record<string, unknown> | undefined {
  if (value === null || value === undefined) return undefined
  if (!isObject(value)) {
    if (Array.isArray(value)) throw new SerializationError(LIST_FOUND)
    throw new SerializationError('Expected null')
  }
  if (shape.union) checkUnion(value, shape)
  const out: Record<string, unknown> = {}
  for (const { name, key, ref } of jsonBodyMembers(shape)) {
    if (!Object.hasOwn(value, key)) continue
    const decoded = readValue(value[key], ref, service, depth + 1)
    if (decoded !== undefined) out[name] = decoded
  }
  return out
}

// A union holds exactly one known member; anything else is a SerializationException (the RestJsonMalformedUnion*
// cases of Smithy's aws-protocol-tests). A `__type` key is not a member: Smithy lets serializers add one to unions.
function checkUnion(value: Record<string, unknown>, shape: StructureShape): void {
  const present = Object.keys(value).filter((key) => value[key] !== null && key !== '__type')
  if (present.length !== 1) throw new SerializationError(`A union must have exactly one member set, found ${present.length}`)
  const known = jsonBodyMembers(shape).some(({ key }) => key === present[0])
  if (!known) throw new SerializationError(`Unknown union member ${JSON.stringify(present[0])}`)
}

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1
// As doubles: JSON numbers arrive as doubles, so a long is exact only up to 2^53.
const INT64_MIN = -(2 ** 63)
const INT64_MAX = 2 ** 63

function readInteger(value: unknown, type: 'integer' | 'long'): number {
  const target = type === 'integer' ? 'an Integer' : 'a Long'
  if (typeof value !== 'number') throw new SerializationError(mismatch(value, target))
  // AWS truncates a fractional number sent for an integer member rather than rejecting it.
  const whole = Math.trunc(value)
  const fits = type === 'integer' ? whole >= INT32_MIN && whole <= INT32_MAX : whole >= INT64_MIN && whole <= INT64_MAX
  if (!fits) throw new SerializationError(`NUMBER_VALUE can not be converted to ${target}`)
  return whole
}

// The JSON protocols send the non-finite floats as strings (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html).
const NON_FINITE: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY }

function readFloat(value: unknown, type: 'float' | 'double' | 'bigdecimal'): number {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && type !== 'bigdecimal' && Object.hasOwn(NON_FINITE, value)) return NON_FINITE[value]!
  const target = type === 'float' ? 'a Float' : type === 'double' ? 'a Double' : 'a BigDecimal'
  throw new SerializationError(mismatch(value, target))
}

// JSON bodies carry timestamps as epoch seconds unless the member says otherwise
// (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#shape-serialization); epoch seconds are accepted
// for every format, a string only where the member's format is a text one.
function readTimestamp(value: unknown, format: TimestampFormat): Date {
  if (typeof value === 'number') {
    const date = new Date(Math.round(value * 1000))
    if (Number.isNaN(date.getTime())) throw new SerializationError(`NUMBER_VALUE ${value} is out of range for a Date`)
    return date
  }
  if (typeof value === 'string' && format !== 'unixTimestamp') {
    const date = parseTimestamp(value, format)
    if (date) return date
    throw new SerializationError(`Unable to parse date string ${JSON.stringify(value)}`)
  }
  throw new SerializationError(mismatch(value, 'a Date'))
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/

// Buffer.from(text, 'base64') silently skips characters outside the alphabet; AWS rejects such a blob.
function readBase64(text: string): Uint8Array {
  if (!BASE64.test(text)) throw new SerializationError('Base64 encoded value is not valid')
  return new Uint8Array(Buffer.from(text, 'base64'))
}

// A `jsonvalue` string member carries a JSON document in a string (the SDKs JSON.stringify it). It stays text: the
// model's length and pattern constraints apply to that text, and the handler parses what it needs.
function assertJsonText(text: string): void {
  try {
    JSON.parse(text)
  } catch {
    throw new SerializationError('Unable to parse the value as JSON')
  }
}

function mismatch(value: unknown, target: string): string {
  if (Array.isArray(value)) return LIST_FOUND
  if (isObject(value)) return MAP_FOUND
  return `${jsonTokenName(value)} can not be converted to ${target}`
}

/** How a JSON value is named in AWS's messages: the JSON token the parser met. */
function jsonTokenName(value: unknown): string {
  if (typeof value === 'string') return 'STRING_VALUE'
  if (typeof value === 'number') return 'NUMBER_VALUE'
  if (value === true) return 'TRUE_VALUE'
  if (value === false) return 'FALSE_VALUE'
  return 'VALUE'
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

