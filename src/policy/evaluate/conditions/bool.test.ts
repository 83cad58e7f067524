import { describe, expect, it } from 'vitest'
import { holds } from '../../testing.js'

describe('Bool', () => {
  it.each([
    { name: 'true matches true', value: 'true', actual: 'true', expected: true },
    { name: 'case is ignored', value: 'TRUE', actual: 'True', expected: true },
    { name: 'false does not match true', value: 'false', actual: 'true', expected: false },
    { name: 'a non-boolean request value never matches', value: 'true', actual: 'yes', expected: false },
  ])('$name', ({ value, actual, expected }) => {
    expect(holds('Bool', 'aws:MultiFactorAuthPresent', value, { 'aws:MultiFactorAuthPresent': actual })).toBe(expected)
  })

  it('is false for an absent key, so "Bool false" does not catch missing MFA; BoolIfExists does', () => {
    expect(holds('Bool', 'aws:MultiFactorAuthPresent', 'false', {})).toBe(false)
    expect(holds('BoolIfExists', 'aws:MultiFactorAuthPresent', 'false', {})).toBe(true)
  })
})
