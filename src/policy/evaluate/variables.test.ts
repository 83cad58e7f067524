import { describe, expect, it } from 'vitest'
import { parseTemplate, resolveTemplate, type VariableSource } from './variables.js'

function source(values: Record<string, string>, missing: string[] = []): VariableSource {
  return {
    single: (_key, keyLower) => values[keyLower],
    noteMissing: (key) => missing.push(key),
  }
}

describe('parseTemplate', () => {
  it('finds no template in plain text', () => {
    expect(parseTemplate('arn:aws:s3:::b/*')).toBeUndefined()
  })

  it.each([
    { text: '${aws:username}', parts: [{ kind: 'variable', key: 'aws:username', keyLower: 'aws:username' }] },
    { text: "${aws:PrincipalTag/team, 'none'}", parts: [{ kind: 'variable', key: 'aws:PrincipalTag/team', keyLower: 'aws:principaltag/team', fallback: 'none' }] },
    { text: 'a${*}b', parts: [{ kind: 'text', text: 'a' }, { kind: 'literal', text: '*' }, { kind: 'text', text: 'b' }] },
    { text: '${$}${?}', parts: [{ kind: 'literal', text: '$' }, { kind: 'literal', text: '?' }] },
  ])('parses `$text`', ({ text, parts }) => {
    expect(parseTemplate(text)).toEqual(parts)
  })

  it('keeps malformed references as text', () => {
    expect(parseTemplate('${unclosed')).toBeUndefined()
    expect(parseTemplate("${aws:x, nodefaultquotes}")).toBeUndefined()
  })
})

describe('resolveTemplate', () => {
  it('alternates pattern text and literal values', () => {
    const template = parseTemplate('home/${aws:username}/*')!
    expect(resolveTemplate(template, source({ 'aws:username': 'a*' }))).toEqual(['home/', 'a*', '/*'])
  })

  it('uses the default for a missing key and records it as missing', () => {
    const missing: string[] = []
    const template = parseTemplate("${aws:PrincipalTag/team, 'none'}")!
    expect(resolveTemplate(template, source({}, missing))).toEqual(['', 'none'])
    expect(missing).toEqual(['aws:PrincipalTag/team'])
  })

  it('gives undefined when a key is missing without default', () => {
    expect(resolveTemplate(parseTemplate('x${aws:username}')!, source({}))).toBeUndefined()
  })
})
