// writeJsonValue: typed output → the JSON value the model describes (epoch-second timestamps, base64 blobs).
import type { ServiceModel, ShapeRef, StructureShape, TimestampFormat } from '../../model/types.js'
import { resolveShape } from '../rest/model-shapes.js'
import { formatTimestamp, timestampFormatFor } from '../shared/timestamps.js'
import { jsonBodyMembers } from './json-body-members.js'

/** Encodes `value` as the shape `ref` names; undefined and null encode as undefined (the member is omitted). */
export function writeJsonValue(value: unknown, ref: ShapeRef, service: ServiceModel): unknown {
  if (value === undefined || value === null) return undefined
  const shape = resolveShape(service, ref)
  switch (shape.type) {
    case 'structure':
      return writeJsonStructure(value, shape, service)
    case 'list': {
      if (!Array.isArray(value)) throw new Error(`expected an array for list \`${ref.shape}\``)
      const out: unknown[] = []
      for (const item of value) {
        const encoded = writeJsonValue(item, shape.member, service)
        if (encoded !== undefined) out.push(encoded)
      }
      return out
    }
    case 'map': {
      const entries: [string, unknown][] = []
      for (const [key, item] of Object.entries(requireObject(value, ref))) {
        const encoded = writeJsonValue(item, shape.value, service)
        if (encoded !== undefined) entries.push([key, encoded])
      }
      return Object.fromEntries(entries)
    }
    case 'string':
      // A `jsonvalue` member goes out as JSON text: a handler may return the text itself or a value to serialize.
      if (ref.jsonvalue && typeof value !== 'string') return JSON.stringify(value)
      return String(value)
    case 'boolean':
      return Boolean(value)
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'bigdecimal':
      return writeNumber(Number(value))
    case 'timestamp':
      return writeTimestamp(value, timestampFormatFor(ref, shape, service.metadata.protocol, 'body'))
    case 'blob':
      return writeBase64(value)
  }
}

/** Encodes a structure's body members (those without a `location`), keyed by their locationName when they have one. */
export function writeJsonStructure(value: unknown, shape: StructureShape, service: ServiceModel): Record<string, unknown> {
  const object = requireObject(value, undefined)
  const out: Record<string, unknown> = {}
  for (const { name, key, ref } of jsonBodyMembers(shape)) {
    const encoded = writeJsonValue(object[name], ref, service)
    if (encoded !== undefined) out[key] = encoded
  }
  return out
}

// Non-finite floats travel as strings (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#shape-serialization).
function writeNumber(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return 'Infinity'
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity'
  return value
}

function writeTimestamp(value: unknown, format: TimestampFormat): number | string {
  const date = value instanceof Date ? value : new Date(value as string | number)
  if (Number.isNaN(date.getTime())) throw new Error(`invalid timestamp \`${String(value)}\``)
  // Epoch seconds are a JSON number, not the text formatTimestamp writes for headers and query strings.
  return format === 'unixTimestamp' ? date.getTime() / 1000 : formatTimestamp(date, format)
}

function writeBase64(value: unknown): string {
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('base64')
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
  throw new Error('expected a Uint8Array or string for a blob')
}

function requireObject(value: unknown, ref: ShapeRef | undefined): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`expected an object${ref ? ` for \`${ref.shape}\`` : ''}`)
  }
  return value as Record<string, unknown>
}
