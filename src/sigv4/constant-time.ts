// signaturesEqual: compares a computed signature with the one the client sent without leaking where they differ.
import { timingSafeEqual } from 'node:crypto'

/** True when both are the same string; the length check comes first because timingSafeEqual needs equal lengths. */
export function signaturesEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8')
  const b = Buffer.from(provided, 'utf8')
  if (a.length !== b.length) return false
  return timingSafeEqual(a, b)
}
