import { describe, expect, it } from 'vitest'
import { holds } from '../../testing.js'
import type { ContextValue } from '../../types.js'

describe('Null', () => {
  it.each([
    { name: 'true holds for an absent key', value: 'true', context: {}, expected: true },
    { name: 'true fails for a present key', value: 'true', context: { 'aws:TokenIssueTime': '2026-11-22T00:00:00Z' }, expected: false },
    { name: 'false holds for a present key', value: 'false', context: { 'aws:TokenIssueTime': '2026-11-22T00:00:00Z' }, expected: true },
    { name: 'false fails for an absent key', value: 'false', context: {}, expected: false },
    { name: 'an empty set counts as absent', value: 'true', context: { 'aws:TokenIssueTime': [] }, expected: true },
    { name: 'the value is case-insensitive', value: 'TRUE', context: {}, expected: true },
  ])('$name', ({ value, context, expected }) => {
    expect(holds('Null', 'aws:TokenIssueTime', value, context as Record<string, ContextValue>)).toBe(expected)
  })
})
