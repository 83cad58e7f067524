import { describe, expect, it } from 'vitest'
import { holds } from '../../testing.js'
import { parseDateValue } from './date.js'

describe('Date condition operators', () => {
  const now = { 'aws:CurrentTime': '2026-11-22T14:00:00Z', 'aws:EpochTime': '1795356000' }
  it.each([
    { name: 'DateLessThan before the bound', op: 'DateLessThan', value: '2026-12-01T00:00:00Z', expected: true },
    { name: 'DateLessThan after the bound', op: 'DateLessThan', value: '2026-11-01T00:00:00Z', expected: false },
    { name: 'DateGreaterThan after the bound', op: 'DateGreaterThan', value: '2026-11-01', expected: true },
    { name: 'DateEquals at the same instant in another zone', op: 'DateEquals', value: '2026-11-22T15:00:00+01:00', expected: true },
    { name: 'DateNotEquals at another instant', op: 'DateNotEquals', value: '2026-11-22T14:00:01Z', expected: true },
    { name: 'DateLessThanEquals at the bound', op: 'DateLessThanEquals', value: '2026-11-22T14:00:00Z', expected: true },
    { name: 'DateGreaterThanEquals at the bound', op: 'DateGreaterThanEquals', value: '2026-11-22T14:00:00.000Z', expected: true },
    { name: 'an epoch policy value against an ISO request value', op: 'DateEquals', value: '1795356000', expected: true },
  ])('$name', ({ op, value, expected }) => {
    expect(holds(op, 'aws:CurrentTime', value, now)).toBe(expected)
  })

  it('compares an epoch request value with an ISO policy value', () => {
    expect(holds('DateEquals', 'aws:EpochTime', '2026-11-22T14:00:00Z', now)).toBe(true)
  })

  it('never matches an unparseable request value', () => {
    expect(holds('DateLessThan', 'aws:CurrentTime', '2030-01-01', { 'aws:CurrentTime': 'yesterday' })).toBe(false)
  })

  it.each([
    { text: '2026-11-22T14:00:00Z', ms: Date.UTC(2026, 10, 22, 14) },
    { text: '2026-11-22', ms: Date.UTC(2026, 10, 22) },
    { text: '2026-11-22T14:00:00-02:30', ms: Date.UTC(2026, 10, 22, 16, 30) },
    { text: '0', ms: 0 },
    { text: '2026-13-01', ms: undefined },
    { text: 'Nov 22 2026', ms: undefined },
  ])('parses `$text`', ({ text, ms }) => {
    expect(parseDateValue(text)).toBe(ms)
  })
})
