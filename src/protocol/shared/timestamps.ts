// Timestamps on the wire: parse and format iso8601, rfc822 (HTTP-date) and unixTimestamp, and each protocol's defaults.
// https://smithy.io/2.0/spec/protocol-traits.html#timestampformat-trait
import type { Protocol, Shape, ShapeRef, TimestampFormat } from '../../model/types.js'

/** Where a value travels; headers default to http-date whatever the protocol. */
export type TimestampLocation = 'body' | 'header' | 'querystring' | 'uri'

/** The format a member uses: its reference's trait, else its shape's, else the protocol's default for the location. */
export function timestampFormatFor(
  ref: ShapeRef,
  shape: Shape | undefined,
  protocol: Protocol,
  location: TimestampLocation = 'body',
): TimestampFormat {
  if (ref.timestampFormat) return ref.timestampFormat
  if (shape?.type === 'timestamp' && shape.timestampFormat) return shape.timestampFormat
  return defaultTimestampFormat(protocol, location)
}

/** Smithy's defaults: http-date in headers, date-time in query strings and URIs, else per protocol (JSON: epoch seconds). */
export function defaultTimestampFormat(protocol: Protocol, location: TimestampLocation = 'body'): TimestampFormat {
  if (location === 'header') return 'rfc822'
  if (location === 'querystring' || location === 'uri') return 'iso8601'
  return protocol === 'json' || protocol === 'rest-json' ? 'unixTimestamp' : 'iso8601'
}

// The last rfc822 text made, with its time (an invalid date never matches: NaN equals nothing).
let lastRfc822 = { ms: Number.NaN, text: '' }

/** Formats `date` as AWS sends it: `2014-04-29T18:30:38Z` (milliseconds only when non-zero), HTTP-date, or epoch seconds. */
export function formatTimestamp(date: Date, format: TimestampFormat): string {
  switch (format) {
    case 'iso8601': {
      const text = date.toISOString()
      return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text
    }
    case 'rfc822': {
      // The same time comes back often (a GetObject's Last-Modified, read again and again): remembered once made.
      const ms = date.getTime()
      if (ms !== lastRfc822.ms) lastRfc822 = { ms, text: date.toUTCString() }
      return lastRfc822.text
    }
    case 'unixTimestamp':
      return String(date.getTime() / 1000)
  }
}

const ISO8601 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/
const RFC822 = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * Parses `text` in `format`, strictly; undefined when it is not a valid timestamp in that format.
 * Epoch seconds may carry a fraction (`1398796238.123`).
 */
export function parseTimestamp(text: string, format: TimestampFormat): Date | undefined {
  switch (format) {
    case 'iso8601':
      return parseIso8601(text)
    case 'rfc822':
      return parseRfc822(text)
    case 'unixTimestamp': {
      if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined
      return validDate(Math.round(Number(text) * 1000))
    }
  }
}

/** Parses a value in any of the three formats, trying the expected one first (query clients are not always strict). */
export function parseAnyTimestamp(text: string, expected: TimestampFormat): Date | undefined {
  const order: TimestampFormat[] = [expected, ...(['iso8601', 'unixTimestamp', 'rfc822'] as const).filter((f) => f !== expected)]
  for (const format of order) {
    const date = parseTimestamp(text, format)
    if (date) return date
  }
  return undefined
}

function parseIso8601(text: string): Date | undefined {
  const match = ISO8601.exec(text)
  if (!match) return undefined
  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHours, offsetMinutes] = match
  const fields = [Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second)] as const
  if (!fieldsInRange(...fields)) return undefined
  const millis = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0
  let time = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], millis)
  if (!zulu) {
    const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000
    time -= sign === '+' ? offset : -offset
  }
  return validDate(time)
}

function parseRfc822(text: string): Date | undefined {
  const match = RFC822.exec(text)
  if (!match) return undefined
  const [, day, monthName, year, hour, minute, second] = match
  const month = MONTHS.indexOf(monthName!) + 1
  const fields = [Number(year), month, Number(day), Number(hour), Number(minute), Number(second)] as const
  if (!fieldsInRange(...fields)) return undefined
  return validDate(Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]))
}

function fieldsInRange(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return false
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return day >= 1 && day <= daysInMonth
}

function validDate(time: number): Date | undefined {
  const date = new Date(time)
  return Number.isNaN(date.getTime()) ? undefined : date
}
