// AmzDate: the ISO 8601 basic timestamps SigV4 signs (`20150830T123600Z`), parsed and formatted without a clock.

/** Parses `YYYYMMDDTHHMMSSZ`; undefined when the text is not in that form or names no real instant. */
export function parseAmzDate(text: string): Date | undefined {
  // Read digit by digit rather than with a regular expression: this runs for every signed request.
  if (text.length !== 16 || text.charCodeAt(8) !== 0x54 /* T */ || text.charCodeAt(15) !== 0x5a /* Z */) return undefined
  const year = digits(text, 0, 4)
  const month = digits(text, 4, 6)
  const day = digits(text, 6, 8)
  const hour = digits(text, 9, 11)
  const minute = digits(text, 11, 13)
  const second = digits(text, 13, 15)
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined
  const parsed = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
  // Date.UTC rolls 20150231 over into March; AWS rejects such a date, so do we.
  if (parsed.getUTCMonth() !== month - 1 || parsed.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined
  }
  return parsed
}

/** The decimal number in text[from, to), or -1 when a character there is not an ASCII digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 0x30
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value
}

export function formatAmzDate(time: Date): string {
  return time.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}
