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
  /** The whole body, already read (and capped by the server's limit); empty while `bodyStream` holds it unread. */
  readonly body: Buffer
  /**
   * The body left unread, for uploads of object data (S3 PUTs): read it once, as it arrives. The pipeline reads it
   * whole (`readAll`) for operations that do not stream their input.
   */
  readonly bodyStream?: RequestBodyStream
  readonly remoteAddress: string
  /** True when the request came over TLS (aws:SecureTransport). */
  readonly secure: boolean
  /** The TLS version of a secure request, as S3's s3:TlsVersion gives it (`1.2`, `1.3`). */
  readonly tlsVersion?: string
  /** The negotiated cipher suite of a secure request, by its OpenSSL name (CloudTrail's tlsDetails.cipherSuite). */
  readonly tlsCipherSuite?: string
}

/** A request body not read yet; iterable once. */
export interface RequestBodyStream extends AsyncIterable<Buffer> {
  /**
   * Reads it whole, refusing more than the server's limit for buffered bodies (RequestEntityTooLarge). Present on the
   * body as the server received it; absent on a payload already being verified or decoded.
   */
  readonly readAll?: () => Promise<Buffer>
}

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: Buffer | string
  /** A streamed body (S3 GetObject): sent after the headers, with backpressure; `body` is then empty. */
  bodyStream?: AsyncIterable<Buffer>
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
