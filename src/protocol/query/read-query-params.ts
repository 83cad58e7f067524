// Reads the flat name → value parameters of a query-protocol request (form body and query string).
import type { HttpRequest } from '../../core/http.js'

/**
 * Query services read parameters from the query string and, for POST, from an
 * `application/x-www-form-urlencoded` body (https://docs.aws.amazon.com/IAM/latest/APIReference/iam-api.pdf, "Making query requests").
 * A body parameter wins over a query-string one of the same name; of repeated names the first counts.
 */
export function readQueryParams(request: HttpRequest): ReadonlyMap<string, string> {
  // matchOperation and parseRequest both read the same request; decode its body once.
  let params = decoded.get(request)
  if (params) return params
  params = new Map<string, string>()
  if (isFormBody(request)) addParams(params, request.body.toString('utf8'))
  addParams(params, request.query)
  decoded.set(request, params)
  return params
}

const decoded = new WeakMap<HttpRequest, Map<string, string>>()

function isFormBody(request: HttpRequest): boolean {
  if (request.method !== 'POST' || request.body.length === 0) return false
  const type = request.headers['content-type'] ?? ''
  return type === '' || type.toLowerCase().startsWith('application/x-www-form-urlencoded')
}

function addParams(params: Map<string, string>, text: string): void {
  if (text === '') return
  for (const [name, value] of new URLSearchParams(text)) {
    if (!params.has(name)) params.set(name, value)
  }
}
