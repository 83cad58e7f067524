// AmzDate: the ISO 8601 basic timestamps SigV4 signs (`20150830T123600Z`), parsed and formatted without a clock.

const BASIC_FORMAT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** Parses `YYYYMMDDTHHMMSSZ`; undefined when the text is not in that form or names no real instant. */
export function parseAmzDate(text: string): Date | undefined {
  const match = BASIC_FORMAT.exec(text)
  if (!match) return undefined
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, ...number[]]
  const time = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!)
  const parsed = new Date(time)
  // Date.UTC rolls 20150231 over into March; AWS rejects such a date, so do we.
  if (parsed.getUTCMonth() !== month! - 1 || parsed.getUTCDate() !== day! || hour! > 23 || minute! > 59 || second! > 59) {
    return undefined
  }
  return parsed
}

export function formatAmzDate(time: Date): string {
  return time.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}
