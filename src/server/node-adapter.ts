// node:http ↔ HttpRequest/HttpResponse: the only place that touches node's request and response objects.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { TLSSocket } from 'node:tls'
import type { HttpRequest, HttpResponse, RequestBodyStream } from '../core/http.js'

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`)
  }
}

/** How long a body may stall between two chunks, and the error it is then refused with. */
export interface BodyIdleLimit {
  readonly ms: number
  readonly error: () => Error
}

/**
 * Reads the whole body, refusing more than `limit` bytes (checked against Content-Length first) and, with `idle`, a
 * body on which no byte arrives for `idle.ms`.
 */
export function readBody(message: IncomingMessage, limit: number, idle?: BodyIdleLimit): Promise<Buffer> {
  const declared = Number(message.headers['content-length'] ?? 0)
  if (declared > limit) return Promise.reject(new BodyTooLargeError(limit))
  // Events rather than an async iterator, one timer pushed back by each chunk: this runs for every request.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const refuse = (error: Error) => {
      clearTimeout(timer)
      message.removeAllListeners('data')
      message.resume() // the rest is discarded
      reject(error)
    }
    const timer = idle && !message.complete ? setTimeout(() => refuse(idle.error()), idle.ms) : undefined
    message.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) return refuse(new BodyTooLargeError(limit))
      timer?.refresh()
      chunks.push(chunk)
    })
    message.once('end', () => {
      clearTimeout(timer)
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))
    })
    message.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

/**
 * Whether the body is left unread and handed on as a stream: PUTs with a body, which is how S3 receives object data
 * (PutObject, UploadPart). Anything else is read whole before the pipeline runs, as small API bodies are.
 */
export function streamsBody(message: IncomingMessage): boolean {
  return message.method === 'PUT' && hasBody(message)
}

/**
 * Whether the request carries a body at all. HTTP/1.1 frames a request body only by Content-Length or Transfer-Encoding
 * (https://www.rfc-editor.org/rfc/rfc9112#section-6.3): without either, or with Content-Length 0, there is nothing to
 * read, and a GET need not wait on a promise and three listeners for the empty body (node discards what is left unread).
 */
export function hasBody(message: IncomingMessage): boolean {
  return message.headers['transfer-encoding'] !== undefined || Number(message.headers['content-length'] ?? 0) > 0
}

export interface BodyStreamOptions {
  /** The limit for `readAll` (buffered bodies). */
  readonly limit: number
  /** How long a wait for the next chunk may last before `timedOut()` is thrown. */
  readonly idleMs: number
  readonly timedOut: () => Error
  /** What a body that ends before it should (the client disconnected) is refused with. */
  readonly incomplete: () => Error
  /** Reads the rest whole under the limit and the idle timeout. */
  readonly readWhole: (message: IncomingMessage, limit: number) => Promise<Buffer>
}

/**
 * The unread body as a one-shot stream: each chunk as it arrives (node pauses the socket while nobody reads, which
 * is the backpressure), or `readAll` for the rest whole under the limit.
 */
export function requestBodyStream(message: IncomingMessage, options: BodyStreamOptions): RequestBodyStream {
  let taken = false
  const take = () => {
    if (taken) throw new Error('the request body was already read')
    taken = true
  }
  return {
    [Symbol.asyncIterator]() {
      take()
      const chunks = message[Symbol.asyncIterator]() as AsyncIterator<Buffer>
      return {
        async next() {
          let timer: NodeJS.Timeout | undefined
          const idle = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(options.timedOut()), options.idleMs)
          })
          try {
            return await Promise.race([chunks.next(), idle])
          } catch (error) {
            // The client went away mid-body (premature close, reset): the upload is incomplete, not a server fault.
            if (error instanceof Error && 'code' in error && typeof error.code === 'string' && !('status' in error)) throw options.incomplete()
            throw error
          } finally {
            clearTimeout(timer)
          }
        },
        // A reader that stops early leaves the rest unread; the server then closes the connection after answering.
        return: async () => ({ done: true, value: undefined }),
      }
    },
    readAll() {
      take()
      return options.readWhole(message, options.limit)
    },
  }
}

export function toHttpRequest(message: IncomingMessage, body: Buffer, bodyStream?: RequestBodyStream): HttpRequest {
  const url = message.url ?? '/'
  const queryAt = url.indexOf('?')
  return {
    method: message.method ?? 'GET',
    path: queryAt === -1 ? url : url.slice(0, queryAt),
    query: queryAt === -1 ? '' : url.slice(queryAt + 1),
    headers: singleValuedHeaders(message.headers),
    body,
    ...(bodyStream && { bodyStream }),
    remoteAddress: normalizeAddress(message.socket.remoteAddress ?? '127.0.0.1'),
    secure: Boolean((message.socket as TLSSocket).encrypted),
    ...((message.socket as TLSSocket).encrypted && tlsFacts(message.socket as TLSSocket)),
  }
}

function tlsFacts(socket: TLSSocket): { tlsVersion: string; tlsCipherSuite?: string } {
  const cipher = socket.getCipher()?.name
  return cipher ? { tlsVersion: tlsVersionOf(socket), tlsCipherSuite: cipher } : { tlsVersion: tlsVersionOf(socket) }
}

/** `TLSv1.3` → `1.3`. */
function tlsVersionOf(socket: TLSSocket): string {
  return (socket.getProtocol() ?? '').replace(/^TLSv/, '')
}

/**
 * Node's headers as they are when no value is a list (the usual request): set-cookie, the one header node keeps as a
 * list, joined with ','. A copy only then: this runs for every request.
 */
function singleValuedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  for (const name in headers) {
    if (typeof headers[name] !== 'string') return joinedHeaders(headers)
  }
  return headers as Record<string, string>
}

function joinedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const joined: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    joined[name] = Array.isArray(value) ? value.join(',') : value
  }
  return joined
}

/** Binary bodies up to this size are sent in one write with the head. */
const ONE_WRITE_BYTES = 16 * 1024

/**
 * A buffered body is handed to the socket at once (undefined returned: nothing to wait for); a streamed body resolves
 * once all of it is written, with backpressure.
 */
export function writeHttpResponse(res: ServerResponse, response: HttpResponse): Promise<void> | undefined {
  if (response.bodyStream) return writeStreamedResponse(res, response.status, response.headers, response.bodyStream)
  const { body } = response
  // A flat [name, value, …] list: node writes it as it is, where an object would first be copied to add a field.
  const headers: (string | number)[] = []
  for (const name in response.headers) headers.push(name, response.headers[name]!)
  if (!('content-length' in response.headers)) headers.push('content-length', typeof body === 'string' ? Buffer.byteLength(body) : body.length)
  // A string body is sent as a string: node puts it after the head in one write, with no Buffer made for it.
  res.writeHead(response.status, headers)
  // A small binary body too (a small GetObject): as a latin1 string, which maps each byte to one character and back,
  // node writes head and body with one write instead of a writev of two chunks (~5 µs less per small GetObject).
  if (typeof body !== 'string' && body.length <= ONE_WRITE_BYTES) res.end(body.toString('latin1'), 'latin1')
  else res.end(body)
  return undefined
}

async function writeStreamedResponse(res: ServerResponse, status: number, headers: Record<string, string>, body: AsyncIterable<Buffer>): Promise<void> {
  res.writeHead(status, headers)
  // A failure mid-body (a read error) can no longer change the status: pipeline() destroys the socket, so the
  // client sees a truncated response rather than a complete-looking one.
  await pipeline(Readable.from(body, { objectMode: false }), res)
}

// node reports IPv4 clients of a dual-stack socket as ::ffff:a.b.c.d; aws:SourceIp wants a.b.c.d.
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}
