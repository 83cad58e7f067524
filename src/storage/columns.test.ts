// Tests for the portable timestamp and boolean encodings.
import { describe, expect, it } from 'vitest'
import { fromDbBoolean, fromDbTimestamp, toDbBoolean, toDbTimestamp } from './columns.js'

describe('timestamps', () => {
  it('round-trips a date to millisecond precision as fixed-width UTC text', () => {
    const date = new Date('2026-11-22T14:38:18.123Z')
    expect(toDbTimestamp(date)).toBe('2026-11-22T14:38:18.123Z')
    expect(fromDbTimestamp(toDbTimestamp(date)).getTime()).toBe(date.getTime())
  })

  it('orders as text the way the dates order in time', () => {
    const dates = ['2026-01-01T00:00:00.000Z', '2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00.001Z'].map((d) => new Date(d))
    const byText = dates.map(toDbTimestamp).sort()
    const byTime = [...dates].sort((a, b) => a.getTime() - b.getTime()).map(toDbTimestamp)
    expect(byText).toEqual(byTime)
  })

  it('rejects stored text that is not a timestamp', () => {
    expect(() => fromDbTimestamp('yesterday')).toThrow('`yesterday`')
  })
})

describe('booleans', () => {
  it.each([
    { name: 'true is stored as 1', value: true, stored: 1 },
    { name: 'false is stored as 0', value: false, stored: 0 },
  ])('$name', ({ value, stored }) => {
    expect(toDbBoolean(value)).toBe(stored)
    expect(fromDbBoolean(toDbBoolean(value))).toBe(value)
  })

  it('rejects a stored value other than 0 or 1', () => {
    expect(() => fromDbBoolean(2)).toThrow('`2`')
  })
})
