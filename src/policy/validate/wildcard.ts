// IAM wildcard matching for validation: `*` is any run of characters, `?` exactly one.

/** Whether `value` matches the IAM wildcard `pattern`; actions compare case-insensitively, ARNs case-sensitively. */
export function matchesWildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  return wildcardRegExp(pattern, ignoreCase).test(value)
}

/** Whether every string `inner` can match is also matched by `outer` (e.g. `s3:Get*` covers `s3:GetObject*`). */
export function wildcardCovers(outer: string, inner: string, ignoreCase: boolean): boolean {
  // Treat the inner pattern's wildcards as literal text: `*` in outer already matches them, while
  // literal characters in outer cannot stand for an arbitrary run, so this is exact for IAM's two wildcards.
  if (!/[*?]/.test(inner)) return matchesWildcard(outer, inner, ignoreCase)
  return coverRegExp(outer, ignoreCase).test(inner)
}

const cache = new Map<string, RegExp>()

function wildcardRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'mi' : 'ms'}${pattern}`
  let regex = cache.get(key)
  if (!regex) {
    const body = pattern.split('').map((char) => (char === '*' ? '.*' : char === '?' ? '.' : escapeRegExp(char))).join('')
    regex = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's')
    cache.set(key, regex)
  }
  return regex
}

function coverRegExp(outer: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'ci' : 'cs'}${outer}`
  let regex = cache.get(key)
  if (!regex) {
    // `?` in outer stands for one character, which an inner `*` (any run) is not.
    const body = outer.split('').map((char) => (char === '*' ? '.*' : char === '?' ? '[^*]' : escapeRegExp(char))).join('')
    regex = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's')
    cache.set(key, regex)
  }
  return regex
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
