// Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`) in Resource and condition values.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

/** One part of a value with variables: pattern text, a literal character from `${*}` `${?}` `${$}`, or a variable. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'variable'; readonly key: string; readonly keyLower: string; readonly fallback?: string }

export type Template = readonly TemplatePart[]

/** Where variables get their values: the request context (see RequestContext). */
export interface VariableSource {
  /** A single-valued context key (as written and lower-cased); undefined when absent or multivalued. */
  single(key: string, keyLower: string): string | undefined
  /** Records a key that a variable needed and the request lacked. */
  noteMissing(key: string): void
}

/** Parses `${...}` references; undefined when the text has none (the common case, compiled without templates). */
export function parseTemplate(text: string): Template | undefined {
  if (!text.includes('${')) return undefined
  const parts: TemplatePart[] = []
  let text0 = ''
  let i = 0
  while (i < text.length) {
    const start = text.indexOf('${', i)
    const end = start < 0 ? -1 : text.indexOf('}', start + 2)
    if (start < 0 || end < 0) {
      text0 += text.slice(i)
      break
    }
    text0 += text.slice(i, start)
    const inner = text.slice(start + 2, end)
    const part = variablePart(inner.trim())
    if (!part) {
      text0 += text.slice(start, end + 1)
    } else {
      if (text0) parts.push({ kind: 'text', text: text0 })
      text0 = ''
      parts.push(part)
    }
    i = end + 1
  }
  if (text0) parts.push({ kind: 'text', text: text0 })
  return parts.some((p) => p.kind !== 'text') ? parts : undefined
}

function variablePart(inner: string): TemplatePart | undefined {
  if (inner === '*' || inner === '?' || inner === '$') return { kind: 'literal', text: inner }
  const comma = inner.indexOf(',')
  const key = (comma < 0 ? inner : inner.slice(0, comma)).trim()
  if (!key || /\s/.test(key)) return undefined
  if (comma < 0) return { kind: 'variable', key, keyLower: key.toLowerCase() }
  // A default value: `${aws:username, 'none'}`, in single quotes.
  const fallback = /^'([^']*)'$/.exec(inner.slice(comma + 1).trim())
  if (!fallback) return undefined
  return { kind: 'variable', key, keyLower: key.toLowerCase(), fallback: fallback[1] as string }
}

/**
 * Resolves a template into alternating pieces: even indexes are pattern text (wildcards active), odd indexes literal
 * text (a resolved variable or `${*}`, whose `*` matches only `*`). Undefined when a variable has no value and no
 * default: AWS then treats that policy value as matching nothing.
 */
export function resolveTemplate(template: Template, source: VariableSource): string[] | undefined {
  const pieces: string[] = ['']
  for (const part of template) {
    if (part.kind === 'text') {
      if (pieces.length % 2 === 0) pieces.push(part.text)
      else pieces[pieces.length - 1] += part.text
      continue
    }
    let value: string | undefined
    if (part.kind === 'literal') value = part.text
    else {
      value = source.single(part.key, part.keyLower)
      if (value === undefined) {
        source.noteMissing(part.key)
        value = part.fallback
      }
      if (value === undefined) return undefined
    }
    if (pieces.length % 2 === 1) pieces.push(value)
    else pieces[pieces.length - 1] += value
  }
  return pieces
}

/** The plain string a resolved template stands for (for equality operators, where wildcards do not apply). */
export function joinPieces(pieces: readonly string[]): string {
  return pieces.length === 1 ? (pieces[0] as string) : pieces.join('')
}
