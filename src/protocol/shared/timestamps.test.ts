import { describe, expect, it } from 'vitest'
import { defaultTimestampFormat, formatTimestamp, parseAnyTimestamp, parseTimestamp } from './timestamps.js'

const at = new Date(Date.UTC(2014, 3, 29, 18, 30, 38))

describe('formatTimestamp', () => {
  it.each([
    { name: 'iso8601 without milliseconds', format: 'iso8601' as const, date: at, text: '2014-04-29T18:30:38Z' },
    { name: 'iso8601 with milliseconds', format: 'iso8601' as const, date: new Date(at.getTime() + 123), text: '2014-04-29T18:30:38.123Z' },
    { name: 'rfc822', format: 'rfc822' as const, date: at, text: 'Tue, 29 Apr 2014 18:30:38 GMT' },
    { name: 'unixTimestamp', format: 'unixTimestamp' as const, date: new Date(at.getTime() + 500), text: '1398796238.5' },
  ])('$name', ({ format, date, text }) => {
    expect(formatTimestamp(date, format)).toBe(text)
    expect(parseTimestamp(text, format)?.getTime()).toBe(date.getTime())
  })
})

describe('parseTimestamp', () => {
  it.each([
    { name: 'an offset', text: '2014-04-29T20:30:38+02:00', format: 'iso8601' as const, ms: at.getTime() },
    { name: 'a long fraction', text: '2014-04-29T18:30:38.123456Z', format: 'iso8601' as const, ms: at.getTime() + 123 },
    { name: 'integer epoch seconds', text: '1398796238', format: 'unixTimestamp' as const, ms: at.getTime() },
  ])('reads $name', ({ text, format, ms }) => {
    expect(parseTimestamp(text, format)?.getTime()).toBe(ms)
  })

  it.each([
    { name: 'a date without time', text: '2014-04-29', format: 'iso8601' as const },
    { name: 'February 30', text: '2014-02-30T00:00:00Z', format: 'iso8601' as const },
    { name: 'hour 24', text: '2014-04-29T24:00:00Z', format: 'iso8601' as const },
    { name: 'words', text: 'yesterday', format: 'unixTimestamp' as const },
    { name: 'a wrong weekday format', text: 'Tuesday, 29 Apr 2014 18:30:38 GMT', format: 'rfc822' as const },
  ])('rejects $name', ({ text, format }) => {
    expect(parseTimestamp(text, format)).toBeUndefined()
  })

  it('falls back to the other formats when asked to', () => {
    expect(parseAnyTimestamp('1398796238', 'iso8601')?.getTime()).toBe(at.getTime())
  })
})

describe('defaultTimestampFormat', () => {
  it('uses http-date in headers, iso8601 in query strings, epoch seconds in JSON bodies', () => {
    expect(defaultTimestampFormat('rest-xml', 'header')).toBe('rfc822')
    expect(defaultTimestampFormat('rest-json', 'querystring')).toBe('iso8601')
    expect(defaultTimestampFormat('json')).toBe('unixTimestamp')
    expect(defaultTimestampFormat('query')).toBe('iso8601')
    expect(defaultTimestampFormat('ec2')).toBe('iso8601')
  })
})
