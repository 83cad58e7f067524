// `palisade trail tail` remembers the events it printed only while a lookup can still return them: its memory is
// bounded by the polling window, not by a count it forgets all at once (which printed events again).
import { describe, expect, it } from 'vitest'
import { SeenEvents } from '../../src/cli/trail-tail-command.js'

describe('trail tail de-duplication', () => {
  it('forgets only the events older than the second the next lookup starts from', () => {
    const seen = new SeenEvents()
    seen.add('old', '2026-05-01T10:00:00Z')
    seen.add('edge', '2026-05-01T10:00:05Z')
    seen.add('new', '2026-05-01T10:00:09Z')
    seen.forgetBefore(new Date('2026-05-01T10:00:05.700Z')) // the lookup starts at 10:00:05, which it still returns
    expect(['old', 'edge', 'new'].filter((id) => seen.has(id))).toEqual(['edge', 'new'])
  })

  it('holds no more than a window of events, however many pass through it', () => {
    const seen = new SeenEvents()
    const start = Date.parse('2026-05-01T10:00:00Z')
    for (let second = 0; second < 3600; second++) {
      for (let index = 0; index < 50; index++) seen.add(`${second}-${index}`, new Date(start + second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'))
      seen.forgetBefore(new Date(start + (second - 10) * 1000)) // a 10 s overlap, as the command keeps
      expect(seen.has(`${second}-0`)).toBe(true)
    }
    expect(seen.size).toBe(11 * 50)
  })
})
