import { describe, expect, it } from 'vitest'
import { applyJsonPatch, parsePointer } from './json-patch.js'

const model = { shapes: { userNameType: { type: 'string', max: 64 }, 'a/b': { type: 'list', member: ['x', 'y'] } } }

describe('applyJsonPatch', () => {
  it.each([
    { name: 'replace', op: { op: 'replace', path: '/shapes/userNameType/max', value: 128 } as const, at: ['shapes', 'userNameType', 'max'], expected: 128 },
    { name: 'add to an object', op: { op: 'add', path: '/shapes/userNameType/min', value: 1 } as const, at: ['shapes', 'userNameType', 'min'], expected: 1 },
    { name: 'add to the end of an array', op: { op: 'add', path: '/shapes/a~1b/member/-', value: 'z' } as const, at: ['shapes', 'a/b', 'member'], expected: ['x', 'y', 'z'] },
    { name: 'add inside an array', op: { op: 'add', path: '/shapes/a~1b/member/0', value: 'w' } as const, at: ['shapes', 'a/b', 'member'], expected: ['w', 'x', 'y'] },
    { name: 'remove from an array', op: { op: 'remove', path: '/shapes/a~1b/member/1' } as const, at: ['shapes', 'a/b', 'member'], expected: ['x'] },
    { name: 'copy', op: { op: 'copy', from: '/shapes/userNameType', path: '/shapes/roleNameType' } as const, at: ['shapes', 'roleNameType', 'max'], expected: 64 },
    { name: 'move', op: { op: 'move', from: '/shapes/userNameType', path: '/shapes/nameType' } as const, at: ['shapes', 'nameType', 'type'], expected: 'string' },
  ])('$name', ({ op, at, expected }) => {
    const patched = applyJsonPatch(model, [op]) as Record<string, any>
    expect(at.reduce((node, key) => node?.[key], patched as any)).toEqual(expected)
    expect(model.shapes.userNameType.max).toBe(64) // the input is never modified
  })

  it('removes a member', () => {
    expect(applyJsonPatch(model, [{ op: 'remove', path: '/shapes/userNameType/max' }]).shapes.userNameType).toEqual({ type: 'string' })
  })

  it('passes a matching test and fails a differing one', () => {
    expect(() => applyJsonPatch(model, [{ op: 'test', path: '/shapes/userNameType/max', value: 64 }])).not.toThrow()
    expect(() => applyJsonPatch(model, [{ op: 'test', path: '/shapes/userNameType/max', value: 65 }])).toThrow(/test failed/)
  })

  it.each([
    { name: 'a missing path', patch: { op: 'replace', path: '/shapes/nope/max', value: 1 } as const },
    { name: 'an index past the end', patch: { op: 'remove', path: '/shapes/a~1b/member/2' } as const },
    { name: 'a non-numeric index', patch: { op: 'add', path: '/shapes/a~1b/member/x', value: 1 } as const },
    { name: 'move without from', patch: { op: 'move', path: '/x' } as const },
  ])('rejects $name', ({ patch }) => {
    expect(() => applyJsonPatch(model, [patch])).toThrow()
  })
})

describe('parsePointer', () => {
  it('unescapes ~1 and ~0 in that order', () => {
    expect(parsePointer('/a~1b/c~0d/~01')).toEqual(['a/b', 'c~d', '~1'])
    expect(parsePointer('')).toEqual([])
    expect(() => parsePointer('a')).toThrow()
  })
})
