import { describe, expect, it } from 'vitest'
import { JsonSyntaxError, readJsonSource } from './json-source.js'

describe('readJsonSource', () => {
  it('keeps the span of every value and key', () => {
    const root = readJsonSource('{\n  "a": [1, "x"]\n}')
    expect(root.kind).toBe('object')
    if (root.kind !== 'object') return
    const [entry] = root.entries
    expect(entry?.keySpan).toEqual({ start: { line: 2, column: 2, offset: 4 }, end: { line: 2, column: 5, offset: 7 } })
    expect(entry?.value.span).toEqual({ start: { line: 2, column: 7, offset: 9 }, end: { line: 2, column: 15, offset: 17 } })
    expect(entry?.value.kind === 'array' && entry.value.items[1]?.span.start).toEqual({ line: 2, column: 11, offset: 13 })
  })

  it.each([
    { name: 'escapes', text: '"a\\"b\\\\c\\n\\u0041"', value: 'a"b\\c\nA' },
    { name: 'a negative decimal with exponent', text: '-1.5e2', value: -150 },
    { name: 'true', text: ' true ', value: true },
    { name: 'null', text: 'null', value: undefined },
  ])('reads $name', ({ text, value }) => {
    const node = readJsonSource(text)
    expect('value' in node ? node.value : undefined).toEqual(value)
  })

  it('keeps duplicate keys so checks can report them', () => {
    const root = readJsonSource('{"a": 1, "a": 2}')
    expect(root.kind === 'object' && root.entries.map((entry) => entry.key)).toEqual(['a', 'a'])
  })

  it.each([
    { name: 'a trailing comma', text: '{"a": 1,}', at: { line: 1, column: 8, offset: 8 } },
    { name: 'an unterminated string', text: '["abc', at: { line: 1, column: 5, offset: 5 } },
    { name: 'text after the value', text: '{}\n{}', at: { line: 2, column: 0, offset: 3 } },
    { name: 'a single-quoted string', text: "{'a': 1}", at: { line: 1, column: 1, offset: 1 } },
    { name: 'a leading zero', text: '[01]', at: { line: 1, column: 2, offset: 2 } },
    { name: 'empty text', text: '', at: { line: 1, column: 0, offset: 0 } },
  ])('rejects $name where reading stopped', ({ text, at }) => {
    expect(() => readJsonSource(text)).toThrow(JsonSyntaxError)
    try {
      readJsonSource(text)
    } catch (error) {
      expect((error as JsonSyntaxError).at).toEqual(at)
    }
  })
})
