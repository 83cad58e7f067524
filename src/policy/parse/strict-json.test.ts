import { describe, expect, it } from 'vitest'
import { parseStrictJson, policySizeWithoutWhitespace, StrictJsonError } from './strict-json.js'

describe('parseStrictJson', () => {
  it('parses JSON like JSON.parse', () => {
    expect(parseStrictJson('{"a":[1,{"b":"c"}]}')).toEqual({ a: [1, { b: 'c' }] })
  })
  it.each([
    { name: 'a repeated key', text: '{"a":1,"a":2}' },
    { name: 'a repeated key in a nested object', text: '{"x":[{"a":1,"b":{"c":1,"c":2}}]}' },
    { name: 'a repeated key spelled with an escape', text: '{"a":1,"\\u0061":2}' },
    { name: 'invalid JSON', text: '{"a":}' },
  ])('rejects $name', ({ text }) => {
    expect(() => parseStrictJson(text)).toThrow(StrictJsonError)
  })
  it('accepts the same key in sibling objects and keys that look alike inside strings', () => {
    expect(() => parseStrictJson('[{"a":1},{"a":2},{"s":"\\"a\\":"}]')).not.toThrow()
  })
})

describe('policySizeWithoutWhitespace', () => {
  it('ignores white space outside strings and counts it inside them', () => {
    expect(policySizeWithoutWhitespace('{ "a b" :\n\t"c" }')).toBe('{"a b":"c"}'.length)
  })
  it('handles escaped quotes', () => {
    expect(policySizeWithoutWhitespace('{"a":"x\\" y"}')).toBe('{"a":"x\\" y"}'.length)
  })
})
