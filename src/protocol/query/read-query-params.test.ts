// readQueryParams: the form decoder's fast path for texts without percent-escapes must read them as
// URLSearchParams (the WHATWG application/x-www-form-urlencoded parser) does.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { HttpRequest } from '../../core/http.js'
import { readQueryParams } from './read-query-params.js'

function request(query: string, body = ''): HttpRequest {
  const headers: Record<string, string> = body === '' ? {} : { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
  return { method: body === '' ? 'GET' : 'POST', path: '/', query, headers, body: Buffer.from(body), remoteAddress: '127.0.0.1', secure: false }
}

function firstOfEach(text: string): [string, string][] {
  const out = new Map<string, string>()
  for (const [name, value] of new URLSearchParams(text)) if (!out.has(name)) out.set(name, value)
  return [...out]
}

describe('readQueryParams', () => {
  it('reads any text without % as URLSearchParams does (first value of a repeated name)', () => {
    const piece = fc.constantFrom('a', 'Action', '=', '&', '+', '?', ' ', 'é', '.', '1', '==', '&&', '\u2028', '#', ';')
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join('')), (text) => {
      expect([...readQueryParams(request(text))]).toEqual(firstOfEach(text))
    }), { numRuns: 2000 })
  })

  it('decodes percent-escapes, and a body parameter wins over the query string', () => {
    const params = readQueryParams(request('Path=%2Fq%2F&Only=query', 'Action=CreateUser&Path=%2Fdivision%2F&UserName=a+b'))
    expect(Object.fromEntries(params)).toEqual({ Action: 'CreateUser', Path: '/division/', UserName: 'a b', Only: 'query' })
  })

  it('answers each request with its own parameters', () => {
    const first = request('Action=One')
    const second = request('Action=Two')
    expect(readQueryParams(first).get('Action')).toBe('One')
    expect(readQueryParams(second).get('Action')).toBe('Two')
    expect(readQueryParams(first).get('Action')).toBe('One')
  })
})
