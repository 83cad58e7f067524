import { describe, expect, it } from 'vitest'
import { holds, principals } from '../../testing.js'

describe('String condition operators', () => {
  it.each([
    { name: 'StringEquals matches exactly', op: 'StringEquals', values: ['abc'], actual: 'abc', expected: true },
    { name: 'StringEquals is case-sensitive', op: 'StringEquals', values: ['abc'], actual: 'ABC', expected: false },
    { name: 'StringEquals treats * literally', op: 'StringEquals', values: ['a*'], actual: 'abc', expected: false },
    { name: 'StringEquals ORs the policy values', op: 'StringEquals', values: ['x', 'abc'], actual: 'abc', expected: true },
    { name: 'StringNotEquals holds when no value equals', op: 'StringNotEquals', values: ['x', 'y'], actual: 'abc', expected: true },
    { name: 'StringNotEquals fails when one value equals', op: 'StringNotEquals', values: ['x', 'abc'], actual: 'abc', expected: false },
    { name: 'StringEqualsIgnoreCase ignores case', op: 'StringEqualsIgnoreCase', values: ['ABC'], actual: 'abc', expected: true },
    { name: 'StringNotEqualsIgnoreCase ignores case', op: 'StringNotEqualsIgnoreCase', values: ['ABC'], actual: 'abc', expected: false },
    { name: 'StringLike * matches any run', op: 'StringLike', values: ['home/*'], actual: 'home/alice/x', expected: true },
    { name: 'StringLike * matches the empty run', op: 'StringLike', values: ['home/*'], actual: 'home/', expected: true },
    { name: 'StringLike ? matches exactly one character', op: 'StringLike', values: ['a?c'], actual: 'abc', expected: true },
    { name: 'StringLike ? does not match two characters', op: 'StringLike', values: ['a?c'], actual: 'abbc', expected: false },
    { name: 'StringLike is case-sensitive', op: 'StringLike', values: ['Home/*'], actual: 'home/x', expected: false },
    { name: 'StringLike treats regex characters literally', op: 'StringLike', values: ['a.c'], actual: 'abc', expected: false },
    { name: 'StringNotLike holds when no pattern matches', op: 'StringNotLike', values: ['x*'], actual: 'abc', expected: true },
    { name: 'StringNotLike fails when a pattern matches', op: 'StringNotLike', values: ['a*'], actual: 'abc', expected: false },
  ])('$name', ({ op, values, actual, expected }) => {
    expect(holds(op, 'aws:key', values, { 'aws:key': actual })).toBe(expected)
  })

  it.each([
    { name: 'a positive operator is false for an absent key', op: 'StringEquals', expected: false },
    { name: 'a negated operator is true for an absent key', op: 'StringNotEquals', expected: true },
    { name: 'IfExists is true for an absent key', op: 'StringEqualsIfExists', expected: true },
    { name: 'negated IfExists is true for an absent key', op: 'StringNotLikeIfExists', expected: true },
    { name: 'ForAllValues is true for an absent key', op: 'ForAllValues:StringEquals', expected: true },
    { name: 'ForAnyValue is false for an absent key', op: 'ForAnyValue:StringEquals', expected: false },
  ])('$name', ({ op, expected }) => {
    expect(holds(op, 'aws:missing', ['a'], {})).toBe(expected)
  })

  it.each([
    { name: 'IfExists compares a present key normally', op: 'StringEqualsIfExists', actual: 'b', expected: false },
    { name: 'IfExists matches a present equal key', op: 'StringEqualsIfExists', actual: 'a', expected: true },
  ])('$name', ({ op, actual, expected }) => {
    expect(holds(op, 'aws:key', ['a'], { 'aws:key': actual })).toBe(expected)
  })

  describe('multivalued keys', () => {
    const tags = { 'aws:TagKeys': ['env', 'team'] }
    it.each([
      { name: 'ForAllValues holds when every request value is listed', op: 'ForAllValues:StringEquals', values: ['env', 'team', 'x'], expected: true },
      { name: 'ForAllValues fails when one request value is not listed', op: 'ForAllValues:StringEquals', values: ['env'], expected: false },
      { name: 'ForAnyValue holds when one request value is listed', op: 'ForAnyValue:StringEquals', values: ['team'], expected: true },
      { name: 'ForAnyValue fails when no request value is listed', op: 'ForAnyValue:StringEquals', values: ['x'], expected: false },
      { name: 'ForAllValues:StringNotEquals holds when no request value is listed', op: 'ForAllValues:StringNotEquals', values: ['x'], expected: true },
      { name: 'ForAllValues:StringNotEquals fails when one request value is listed', op: 'ForAllValues:StringNotEquals', values: ['env'], expected: false },
      { name: 'ForAnyValue:StringNotEquals holds when one request value is unlisted', op: 'ForAnyValue:StringNotEquals', values: ['env'], expected: true },
      { name: 'ForAnyValue:StringNotEquals fails when every request value is listed', op: 'ForAnyValue:StringNotEquals', values: ['env', 'team'], expected: false },
      { name: 'a plain positive operator matches any request value', op: 'StringEquals', values: ['team'], expected: true },
      { name: 'a plain negated operator fails when any request value is listed', op: 'StringNotEquals', values: ['team'], expected: false },
      { name: 'a plain negated operator holds when no request value is listed', op: 'StringNotEquals', values: ['x'], expected: true },
      { name: 'ForAllValues:StringLike with patterns', op: 'ForAllValues:StringLike', values: ['e*', 't*'], expected: true },
    ])('$name', ({ op, values, expected }) => {
      expect(holds(op, 'aws:TagKeys', values, tags)).toBe(expected)
    })

    it('treats an empty set as absent: ForAllValues true, ForAnyValue false', () => {
      expect(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['a'], { 'aws:TagKeys': [] })).toBe(true)
      expect(holds('ForAnyValue:StringEquals', 'aws:TagKeys', ['a'], { 'aws:TagKeys': [] })).toBe(false)
    })

    it('treats a single-valued key under a set operator as a set of one', () => {
      expect(holds('ForAnyValue:StringEquals', 'aws:key', ['a'], { 'aws:key': 'a' })).toBe(true)
      expect(holds('ForAllValues:StringEquals', 'aws:key', ['a'], { 'aws:key': 'b' })).toBe(false)
    })
  })

  it('matches context key names case-insensitively', () => {
    expect(holds('StringEquals', 'AWS:PrincipalTag/Team', ['blue'], { 'aws:principaltag/team': 'blue' })).toBe(true)
  })

  describe('policy variables', () => {
    const alice = principals.user('alice', '111122223333', { tags: { Team: 'blue' } })
    it.each([
      { name: 'resolves ${aws:username}', values: ['home/${aws:username}'], actual: 'home/alice', expected: true },
      { name: 'resolves a principal tag', values: ['${aws:PrincipalTag/team}'], actual: 'blue', expected: true },
      { name: 'uses the default for an absent key', values: ["${aws:PrincipalTag/dept, 'none'}"], actual: 'none', expected: true },
      { name: 'an unresolvable variable matches nothing', values: ['${aws:PrincipalTag/dept}'], actual: '', expected: false },
      { name: '${*} is a literal asterisk in StringEquals', values: ['a${*}b'], actual: 'a*b', expected: true },
      { name: '${$} and ${?} are literal characters', values: ['${$}${?}'], actual: '$?', expected: true },
    ])('$name', ({ values, actual, expected }) => {
      expect(holds('StringEquals', 'aws:key', values, { 'aws:key': actual }, { principal: alice })).toBe(expected)
    })

    it('keeps ${*} literal inside StringLike', () => {
      expect(holds('StringLike', 'aws:key', ['a${*}'], { 'aws:key': 'a*' }, { principal: alice })).toBe(true)
      expect(holds('StringLike', 'aws:key', ['a${*}'], { 'aws:key': 'abc' }, { principal: alice })).toBe(false)
    })

    it('treats variables as literal text in 2008-10-17 policies', () => {
      const ctx = { 'aws:key': 'home/${aws:username}' }
      expect(holds('StringEquals', 'aws:key', ['home/${aws:username}'], ctx, { principal: alice, version: '2008-10-17' })).toBe(true)
    })

    it('resolves service keys such as ${s3:prefix}', () => {
      expect(holds('StringLike', 'aws:key', ['${s3:prefix}*'], { 'aws:key': 'docs/a', 's3:prefix': 'docs/' })).toBe(true)
    })

    it('cannot use a multivalued key as a variable', () => {
      expect(holds('StringEquals', 'aws:key', ['${aws:TagKeys}'], { 'aws:key': 'a', 'aws:TagKeys': ['a'] })).toBe(false)
    })
  })
})
