import { describe, expect, it } from 'vitest'
import { holds } from '../../testing.js'

describe('BinaryEquals', () => {
  it.each([
    { name: 'equal base64 values match', value: 'QmluYXJ5VmFsdWU=', actual: 'QmluYXJ5VmFsdWU=', expected: true },
    { name: 'missing padding still matches', value: 'QmluYXJ5VmFsdWU=', actual: 'QmluYXJ5VmFsdWU', expected: true },
    { name: 'different bytes do not match', value: 'QmluYXJ5VmFsdWU=', actual: 'QmluYXJ5VmFsdWF=', expected: false },
    { name: 'a non-base64 request value never matches', value: 'QQ==', actual: '!!', expected: false },
  ])('$name', ({ value, actual, expected }) => {
    expect(holds('BinaryEquals', 'aws:key', value, { 'aws:key': actual })).toBe(expected)
  })
})
