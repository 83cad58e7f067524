// node:http ↔ HttpRequest/HttpResponse: the only place that touches node's request and response objects.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type { HttpRequest, HttpResponse } from '../core/http.js'

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`)
  }
}

/** Reads the whole body, refusing more than `limit` bytes (checked against Content-Length first). */
export function readBody(message: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(message.headers['content-length'] ?? 0)
  if (declared > limit) return Promise.reject(new BodyTooLargeError(limit))
  // Events rather than an async iterator: this runs for every request, and the iterator costs more than the read.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    message.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        message.removeAllListeners('data')
        message.resume()
        reject(new BodyTooLargeError(limit))
        return
      }
      chunks.push(chunk)
    })
    message.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)))
    message.once('error', reject)
  })
}

export function toHttpRequest(message: IncomingMessage, body: Buffer): HttpRequest {
  const url = message.url ?? '/'
  const queryAt = url.indexOf('?')
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(message.headers)) {
    if (value === undefined) continue
    headers[name] = Array.isArray(value) ? value.join(',') : value
  }
  return {
    method: message.method ?? 'GET',
    path: queryAt === -1 ? url : url.slice(0, queryAt),
    query: queryAt === -1 ? '' : url.slice(queryAt + 1),
    headers,
    body,
    remoteAddress: normalizeAddress(message.socket.remoteAddress ?? '127.0.0.1'),
    secure: Boolean((message.socket as TLSSocket).encrypted),
  }
}

export function writeHttpResponse(res: ServerResponse, response: HttpResponse): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body
  const headers: Record<string, string | number> = { ...response.headers }
  if (!('content-length' in headers)) headers['content-length'] = body.length
  res.writeHead(response.status, headers)
  res.end(body)
}

// node reports IPv4 clients of a dual-stack socket as ::ffff:a.b.c.d; aws:SourceIp wants a.b.c.d.
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}
