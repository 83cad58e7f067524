// Reads the flat name → value parameters of a query-protocol request (form body and query string).
import type { HttpRequest } from '../../core/http.js'

/**
 * Query services read parameters from the query string and, for POST, from an
 * `application/x-www-form-urlencoded` body (https://docs.aws.amazon.com/IAM/latest/APIReference/iam-api.pdf, "Making query requests").
 * A body parameter wins over a query-string one of the same name; of repeated names the first counts.
 */
export function readQueryParams(request: HttpRequest): ReadonlyMap<string, string> {
  // matchOperation and parseRequest both read the same request, one right after the other: decode it once.
  if (last?.request === request) return last.params
  const params = new Map<string, string>()
  if (isFormBody(request)) addParams(params, request.body.toString('utf8'))
  addParams(params, request.query)
  last = { request, params }
  return params
}

// The last request decoded. One entry rather than a WeakMap keyed by every request: a WeakMap entry per
// short-lived request costs the garbage collector more than decoding again on the rare miss.
let last: { readonly request: HttpRequest; readonly params: Map<string, string> } | undefined

function isFormBody(request: HttpRequest): boolean {
  if (request.method !== 'POST' || request.body.length === 0) return false
  const type = request.headers['content-type'] ?? ''
  return type === '' || type.toLowerCase().startsWith('application/x-www-form-urlencoded')
}

function addParams(params: Map<string, string>, text: string): void {
  if (text === '') return
  if (text.includes('%')) {
    for (const [name, value] of new URLSearchParams(text)) {
      if (!params.has(name)) params.set(name, value)
    }
    return
  }
  // Nothing percent-encoded (`Action=GetCallerIdentity&Version=2011-06-15`): the same pairs URLSearchParams would
  // give — `&` between pairs, the first `=` splits, `+` is a space, a leading `?` is dropped — without its cost.
  for (const pair of (text.startsWith('?') ? text.slice(1) : text).split('&')) {
    if (pair === '') continue
    const equals = pair.indexOf('=')
    const name = plusAsSpace(equals < 0 ? pair : pair.slice(0, equals))
    if (!params.has(name)) params.set(name, equals < 0 ? '' : plusAsSpace(pair.slice(equals + 1)))
  }
}

function plusAsSpace(text: string): string {
  return text.includes('+') ? text.replaceAll('+', ' ') : text
}
