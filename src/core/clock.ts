// Clock: the only source of "now"; tests inject a fixed one.

export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that stays where it is set; `advance` moves it forward. */
export function fixedClock(start: Date | string | number): Clock & { set(at: Date): void; advance(ms: number): void } {
  let current = new Date(start).getTime()
  return {
    now: () => new Date(current),
    set: (at) => { current = at.getTime() },
    advance: (ms) => { current += ms },
  }
}
