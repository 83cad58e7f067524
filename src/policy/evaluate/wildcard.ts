// Wildcard patterns (`*` any run, `?` one character) compiled once into the cheapest test that decides them:
// equality, prefix, or a linear-time wildcard matcher. ARN patterns keep wildcards inside their colon-separated field.

/** A compiled pattern: a pure test over one string. */
export type Matcher = (value: string) => boolean

export const matchAll: Matcher = () => true
export const matchNone: Matcher = () => false

/**
 * A plain wildcard pattern (actions, StringLike): `*` matches any run of characters, `?` exactly one.
 * With `ignoreCase` the caller must pass lower-cased values (the pattern is lower-cased here).
 */
export function compileWildcard(pattern: string, ignoreCase = false): Matcher {
  const p = ignoreCase ? pattern.toLowerCase() : pattern
  if (p === '*') return matchAll
  const star = p.indexOf('*')
  const hasQuestion = p.includes('?')
  if (star < 0 && !hasQuestion) return (value) => value === p
  if (!hasQuestion && star === p.length - 1) {
    const prefix = p.slice(0, -1)
    return (value) => value.startsWith(prefix)
  }
  const pieces = [p]
  return (value) => piecesMatch(pieces, value)
}

/**
 * An ARN pattern (Resource, ArnLike): compared segment by segment, so a wildcard in partition, service, region or
 * account never spans a colon, while the resource part (after the fifth colon) may contain colons. A pattern with
 * fewer than six segments lets its last segment run to the end of the value.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
export function compileArnPattern(pattern: string): Matcher {
  if (pattern === '*') return matchAll
  const firstWildcard = pattern.search(/[*?]/)
  if (firstWildcard < 0) return (value) => value === pattern
  if (firstWildcard === pattern.length - 1 && pattern.endsWith('*') && colonsBefore(pattern, firstWildcard) >= 5) {
    const prefix = pattern.slice(0, -1)
    return (value) => value.startsWith(prefix)
  }
  const pieces = [pattern]
  return (value) => arnPiecesMatch(pieces, value)
}

/**
 * Matches `value` against a pattern given as pieces: even indexes are pattern text (`*` and `?` are wildcards),
 * odd indexes literal text (a resolved policy variable or `${*}`, whose `*` matches only `*`). No RegExp is built,
 * so patterns resolved per request cost no compilation.
 */
export function piecesMatch(pieces: readonly string[], value: string): boolean {
  const last = pieces.length - 1
  return globPieces(pieces, 0, 0, last, (pieces[last] as string).length, value, 0, value.length)
}

/**
 * Matches an ARN value against an ARN pattern given as pieces, segment by segment: the first five colons of the
 * pattern text split it into fields matched against the value's fields, and the last field runs to the end.
 */
export function arnPiecesMatch(pieces: readonly string[], value: string): boolean {
  // Find up to five separating colons in the pattern text (even pieces only).
  const cuts: number[] = [] // pairs of (piece index, offset) of each separator
  for (let p = 0; p < pieces.length && cuts.length < 10; p += 2) {
    const text = pieces[p] as string
    for (let i = text.indexOf(':'); i >= 0 && cuts.length < 10; i = text.indexOf(':', i + 1)) cuts.push(p, i)
  }
  const fields = cuts.length / 2 + 1
  let pieceFrom = 0
  let offsetFrom = 0
  let valueFrom = 0
  for (let f = 0; f < fields; f++) {
    const last = f === fields - 1
    const pieceTo = last ? pieces.length - 1 : (cuts[2 * f] as number)
    const offsetTo = last ? (pieces[pieces.length - 1] as string).length : (cuts[2 * f + 1] as number)
    const valueTo = last ? value.length : value.indexOf(':', valueFrom)
    if (valueTo < 0) return false
    if (!globPieces(pieces, pieceFrom, offsetFrom, pieceTo, offsetTo, value, valueFrom, valueTo)) return false
    pieceFrom = pieceTo
    offsetFrom = offsetTo + 1
    valueFrom = valueTo + 1
  }
  return true
}

/**
 * Wildcard matching of the pattern span [(pieceFrom, offsetFrom), (pieceTo, offsetTo)) against value[from, to):
 * the classic linear-time algorithm that backtracks only to the last `*`.
 */
function globPieces(
  pieces: readonly string[], pieceFrom: number, offsetFrom: number, pieceTo: number, offsetTo: number,
  value: string, from: number, to: number,
): boolean {
  let p = pieceFrom
  let o = offsetFrom
  let v = from
  let starP = -1
  let starO = 0
  let starV = 0
  for (;;) {
    // Normalize the pattern position: step over exhausted pieces.
    while (p < pieceTo && o >= (pieces[p] as string).length) {
      p++
      o = 0
    }
    const atEnd = p > pieceTo || (p === pieceTo && o >= offsetTo)
    if (!atEnd) {
      const piece = pieces[p] as string
      if (p % 2 === 1) {
        // A literal piece (up to the end of the span) must appear as is.
        const end = p === pieceTo ? offsetTo : piece.length
        const length = end - o
        if (v + length <= to && value.startsWith(o === 0 && end === piece.length ? piece : piece.slice(o, end), v)) {
          v += length
          o = end
          continue
        }
      } else {
        const c = piece.charCodeAt(o)
        if (c === 0x2a /* * */) {
          starP = p
          starO = ++o
          starV = v
          continue
        }
        if (v < to && (c === 0x3f /* ? */ || c === value.charCodeAt(v))) {
          o++
          v++
          continue
        }
      }
    } else if (v === to) {
      return true
    }
    if (starP < 0 || starV >= to) return false
    p = starP
    o = starO
    v = ++starV
  }
}

function colonsBefore(text: string, end: number): number {
  let n = 0
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 0x3a) n++
  return n
}
