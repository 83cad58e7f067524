// Timestamp text in the three wire formats (stand-in until src/protocol/shared/timestamps.ts lands).
import type { TimestampFormat } from '../../model/types.js'

/** Undefined when the text is not a timestamp in `format`. */
export function parseTimestampText(text: string, format: TimestampFormat): Date | undefined {
  let time: number
  if (format === 'unixTimestamp') {
    time = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : NaN
  } else if (format === 'iso8601') {
    time = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$/i.test(text) ? Date.parse(text) : NaN
  } else {
    time = /^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} \d\d:\d\d:\d\d GMT$/.test(text) ? Date.parse(text) : NaN
  }
  return Number.isNaN(time) ? undefined : new Date(time)
}

export function formatTimestampText(date: Date, format: TimestampFormat): string {
  if (format === 'unixTimestamp') return String(date.getTime() / 1000)
  if (format === 'iso8601') return date.toISOString()
  return date.toUTCString()
}
