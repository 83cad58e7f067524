// parseAmzDate: SigV4's basic-format timestamps, and every way a timestamp can fail to be one.
import { describe, expect, it } from 'vitest'
import { formatAmzDate, parseAmzDate } from './amz-date.js'

describe('parseAmzDate', () => {
  it('reads YYYYMMDDTHHMMSSZ as that UTC instant', () => {
    expect(parseAmzDate('20150830T123600Z')?.toISOString()).toBe('2015-08-30T12:36:00.000Z')
    expect(parseAmzDate('20241231T235959Z')?.toISOString()).toBe('2024-12-31T23:59:59.000Z')
  })

  it('refuses days and times that do not exist instead of rolling them over', () => {
    for (const text of ['20150231T000000Z', '20151301T000000Z', '20150100T000000Z', '20150830T240000Z', '20150830T126000Z', '20150830T123660Z']) {
      expect(parseAmzDate(text), text).toBeUndefined()
    }
  })

  it('refuses other forms: extended ISO 8601, lower-case letters, missing or extra characters, non-ASCII digits', () => {
    for (const text of ['2015-08-30T12:36:00Z', '20150830t123600z', '20150830T123600', '20150830T1236000Z', ' 20150830T123600Z', '2015083OT123600Z', '２0150830T123600Z', '']) {
      expect(parseAmzDate(text), text).toBeUndefined()
    }
  })

  it('formats what it parses back to the same text', () => {
    expect(formatAmzDate(parseAmzDate('20150830T123600Z')!)).toBe('20150830T123600Z')
  })
})
