// parseRawRequest: turns the test suite's raw HTTP request text into the HttpRequest the pipeline sees.
import type { HttpRequest } from '../../../src/core/http.js'

/**
 * The request line's target may hold spaces and raw UTF-8 (`GET /example space/ HTTP/1.1`), as in the suite.
 * Header names are lower-cased and repeated headers joined with ',' (core/http.ts). A folded continuation line
 * (obs-fold, get-header-value-multiline) counts as a further value of the header above it.
 */
export function parseRawRequest(text: string): HttpRequest {
  const headerEnd = text.indexOf('\n\n')
  const head = headerEnd < 0 ? text : text.slice(0, headerEnd)
  const body = headerEnd < 0 ? '' : text.slice(headerEnd + 2)
  const [requestLine = '', ...lines] = head.split('\n')
  const method = requestLine.slice(0, requestLine.indexOf(' '))
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' '))
  const question = target.indexOf('?')
  const values = new Map<string, string[]>()
  let previous: string[] | undefined
  for (const line of lines) {
    if (/^[ \t]/.test(line) && previous) {
      previous.push(line.trim())
      continue
    }
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).toLowerCase()
    previous = values.get(name) ?? []
    previous.push(line.slice(colon + 1))
    values.set(name, previous)
  }
  const headers: Record<string, string> = {}
  for (const [name, list] of values) headers[name] = list.join(',')
  return {
    method,
    path: question < 0 ? target : target.slice(0, question),
    query: question < 0 ? '' : target.slice(question + 1),
    headers,
    body: Buffer.from(body, 'utf8'),
    remoteAddress: '127.0.0.1',
    secure: true,
  }
}
