// The HTTP exchange as the pipeline sees it: a small, transport-free shape that server/ fills from node:http.
// We keep our own shape instead of the web Request class: building one per call costs more than the
// whole pipeline budget (see bench/), and the pipeline needs the raw path and query string for SigV4.

export interface HttpRequest {
  readonly method: string
  /** The raw request path as sent, percent-encoding intact (SigV4 signs it), without the query string. */
  readonly path: string
  /** The raw query string as sent, without the leading `?`; '' when absent. */
  readonly query: string
  /** Header names in lower case; repeated headers joined with ',' as node:http does. */
  readonly headers: Readonly<Record<string, string>>
  /** The whole body, already read (and capped by the server's limit). */
  readonly body: Buffer
  readonly remoteAddress: string
  /** True when the request came over TLS (aws:SecureTransport). */
  readonly secure: boolean
}

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: Buffer | string
}

/** Decodes the query string into name → values, as `application/x-www-form-urlencoded`. */
export function parseQueryString(query: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  if (query === '') return out // the common case for POST APIs: no URLSearchParams at all
  for (const [name, value] of new URLSearchParams(query)) {
    const values = out.get(name)
    if (values) values.push(value)
    else out.set(name, [value])
  }
  return out
}
