// signaturesEqual: compares a computed signature with the one the client sent without leaking where they differ.

/**
 * True when both are the same string. Every code unit is compared, with no early exit and no branch on the data (the
 * differences are OR-ed together), so the time taken says nothing of where they differ; only the length, which is
 * public (a SigV4 signature is 64 hex digits), ends it early. Done on the strings themselves: timingSafeEqual needs
 * two Buffers made from them first, on every signed request.
 */
export function signaturesEqual(expected: string, provided: string): boolean {
  if (expected.length !== provided.length) return false
  let difference = 0
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ provided.charCodeAt(i)
  return difference === 0
}
