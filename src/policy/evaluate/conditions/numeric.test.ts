import { describe, expect, it } from 'vitest'
import { holds } from '../../testing.js'
import { parseNumber } from './numeric.js'

describe('Numeric condition operators', () => {
  it.each([
    { name: 'NumericEquals compares values, not text', op: 'NumericEquals', value: '10', actual: '10.0', expected: true },
    { name: 'NumericEquals with a different number', op: 'NumericEquals', value: '10', actual: '11', expected: false },
    { name: 'NumericNotEquals with a different number', op: 'NumericNotEquals', value: '10', actual: '11', expected: true },
    { name: 'NumericLessThan below', op: 'NumericLessThan', value: '10', actual: '9', expected: true },
    { name: 'NumericLessThan at the bound', op: 'NumericLessThan', value: '10', actual: '10', expected: false },
    { name: 'NumericLessThanEquals at the bound', op: 'NumericLessThanEquals', value: '10', actual: '10', expected: true },
    { name: 'NumericGreaterThan above', op: 'NumericGreaterThan', value: '10', actual: '10.5', expected: true },
    { name: 'NumericGreaterThanEquals at the bound', op: 'NumericGreaterThanEquals', value: '10', actual: '10', expected: true },
    { name: 'negative numbers compare', op: 'NumericLessThan', value: '-1', actual: '-2', expected: true },
    { name: 'a non-numeric request value never matches', op: 'NumericEquals', value: '10', actual: 'ten', expected: false },
    { name: 'a non-numeric request value does not satisfy the negation either', op: 'NumericNotEquals', value: '10', actual: 'ten', expected: false },
  ])('$name', ({ op, value, actual, expected }) => {
    expect(holds(op, 's3:max-keys', value, { 's3:max-keys': actual })).toBe(expected)
  })

  it('ORs several policy values', () => {
    expect(holds('NumericEquals', 's3:max-keys', ['1', '2', '3'], { 's3:max-keys': '3' })).toBe(true)
  })

  it('is false for an absent key, and true with IfExists', () => {
    expect(holds('NumericLessThan', 's3:max-keys', '10', {})).toBe(false)
    expect(holds('NumericLessThanIfExists', 's3:max-keys', '10', {})).toBe(true)
  })

  it.each([
    { text: '12', value: 12 },
    { text: '-3.5', value: -3.5 },
    { text: '.5', value: 0.5 },
    { text: '1e3', value: 1000 },
    { text: '0x10', value: undefined },
    { text: '', value: undefined },
    { text: '1,000', value: undefined },
  ])('parses `$text` as $value', ({ text, value }) => {
    expect(parseNumber(text)).toBe(value)
  })
})
