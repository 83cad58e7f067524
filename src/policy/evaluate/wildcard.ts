// Wildcard patterns (`*` any run, `?` one character) compiled once into the cheapest test that decides them:
// equality, prefix, or an anchored RegExp. ARN patterns keep wildcards inside their colon-separated segment.

/** A compiled pattern: a pure test over one string. */
export type Matcher = (value: string) => boolean

export const matchAll: Matcher = () => true
export const matchNone: Matcher = () => false

/** Escapes a literal for use inside a RegExp source. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')
}

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
  const regex = new RegExp(`^${wildcardSource(p)}$`, 's')
  return (value) => regex.test(value)
}

/** RegExp source for a wildcard pattern (no anchors). */
export function wildcardSource(pattern: string): string {
  let source = ''
  for (const c of pattern) source += c === '*' ? '.*' : c === '?' ? '.' : escapeRegExp(c)
  return source
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
  const regex = new RegExp(`^${arnPatternSource([pattern])}$`, 's')
  return (value) => regex.test(value)
}

/**
 * RegExp source for an ARN pattern given as pieces, where odd-indexed pieces are literal text (resolved policy
 * variables, whose `*` and `?` are not wildcards) and even-indexed pieces are pattern text.
 */
export function arnPatternSource(pieces: readonly string[]): string {
  const totalSegments = countColons(pieces) + 1
  let source = ''
  let colons = 0
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as string
    if (i % 2 === 1) {
      source += escapeRegExp(piece)
      continue
    }
    for (const c of piece) {
      const inLastSegment = colons >= 5 || colons === totalSegments - 1
      if (c === ':') {
        colons++
        source += ':'
      } else if (c === '*') source += inLastSegment ? '.*' : '[^:]*'
      else if (c === '?') source += inLastSegment ? '.' : '[^:]'
      else source += escapeRegExp(c)
    }
  }
  return source
}

function countColons(pieces: readonly string[]): number {
  let n = 0
  for (let i = 0; i < pieces.length; i += 2) for (const c of pieces[i] as string) if (c === ':') n++
  return n
}

function colonsBefore(text: string, end: number): number {
  let n = 0
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 0x3a) n++
  return n
}

/** RegExp source for a wildcard pattern given as pieces (odd pieces literal), for StringLike with variables. */
export function wildcardPiecesSource(pieces: readonly string[]): string {
  let source = ''
  for (let i = 0; i < pieces.length; i++) source += i % 2 === 1 ? escapeRegExp(pieces[i] as string) : wildcardSource(pieces[i] as string)
  return source
}

const regexCache = new Map<string, RegExp>()

/** A RegExp for a source built at evaluation time (patterns with policy variables), cached by source. */
export function cachedRegExp(source: string, flags: string): RegExp {
  const cacheKey = flags + '/' + source
  let regex = regexCache.get(cacheKey)
  if (!regex) {
    if (regexCache.size >= 1024) regexCache.clear()
    regex = new RegExp(source, flags)
    regexCache.set(cacheKey, regex)
  }
  return regex
}
