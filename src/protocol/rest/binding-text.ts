// Scalar values as text in URI labels, query strings and headers: parsing them by shape and formatting them back.
import type { Shape, ShapeRef, TimestampFormat } from '../../model/types.js'
import { formatTimestamp, parseTimestamp, timestampFormatFor } from '../shared/timestamps.js'

export type BindingLocation = 'uri' | 'querystring' | 'header'

/**
 * The typed value of `text` for a scalar shape, or undefined when the text is not a valid value of it.
 * Timestamps default to http-date in headers and ISO 8601 elsewhere; blobs in headers are base64; a `jsonvalue`
 * header is base64-encoded JSON (https://smithy.io/2.0/spec/http-bindings.html#httpheader-trait).
 */
export function parseBindingText(text: string, shape: Shape, ref: ShapeRef, location: BindingLocation): unknown {
  switch (shape.type) {
    case 'string':
      return ref.jsonvalue ? parseJsonValue(text) : text
    case 'integer':
    case 'long':
      return /^[+-]?\d+$/.test(text.trim()) ? Number(text.trim()) : undefined
    case 'float':
    case 'double':
    case 'bigdecimal':
      return parseFloatText(text.trim())
    case 'boolean': {
      const lower = text.trim().toLowerCase()
      return lower === 'true' ? true : lower === 'false' ? false : undefined
    }
    case 'timestamp':
      return parseTimestamp(text.trim(), timestampFormatOf(shape, ref, location))
    case 'blob':
      return location === 'header' ? parseBase64(text.trim()) : Buffer.from(text)
    default:
      return undefined
  }
}

/** The text form of a scalar value, the inverse of parseBindingText. */
export function formatBindingText(value: unknown, shape: Shape, ref: ShapeRef, location: BindingLocation): string {
  switch (shape.type) {
    case 'timestamp':
      return formatTimestamp(toDate(value), timestampFormatOf(shape, ref, location))
    case 'blob': {
      const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value as Uint8Array)
      return location === 'header' ? bytes.toString('base64') : bytes.toString()
    }
    case 'string':
      return ref.jsonvalue ? Buffer.from(JSON.stringify(value)).toString('base64') : String(value)
    case 'float':
    case 'double':
      return formatFloat(Number(value))
    default:
      return String(value)
  }
}

/** Smithy's defaults outside the body do not depend on the protocol: http-date in headers, ISO 8601 elsewhere. */
function timestampFormatOf(shape: Shape, ref: ShapeRef, location: BindingLocation): TimestampFormat {
  return timestampFormatFor(ref, shape, 'rest-xml', location)
}

function parseJsonValue(text: string): unknown {
  const json = parseBase64(text.trim())?.toString('utf8')
  if (json === undefined) return undefined
  try {
    return JSON.parse(json) as unknown
  } catch {
    return undefined
  }
}

function parseBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return undefined
  return Buffer.from(text, 'base64')
}

function parseFloatText(text: string): number | undefined {
  if (text === 'NaN') return NaN
  if (text === 'Infinity') return Infinity
  if (text === '-Infinity') return -Infinity
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined
}

function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return 'Infinity'
  if (value === -Infinity) return '-Infinity'
  return String(value)
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value
  if (typeof value === 'number') return new Date(value * 1000)
  return new Date(String(value))
}
