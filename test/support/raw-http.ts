// Raw HTTP/1.1 over a socket, for bad-input tests that no well-behaved client (fetch, the SDK) can send,
// and a SigV4 signer for such requests.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto'
import { connect } from 'node:net'
import { SignatureV4 } from '@smithy/signature-v4'
import type { SourceData } from '@smithy/types'

export interface RawResponse {
  readonly status: number
  readonly reason: string
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export interface RawExchange {
  /** Every final response the server sent, parsed in order; throws on anything that is not well-formed HTTP/1.1. */
  readonly responses: readonly RawResponse[]
  /** True when the server closed the connection; false when `idleMs` passed with the socket still open. */
  readonly closed: boolean
}

export interface RawOptions {
  /** Half-close our side after writing (the client sends FIN). Default false. */
  readonly end?: boolean
  /** Resolve once this many responses have arrived (a keep-alive socket stays open). */
  readonly responses?: number
  /** Give up waiting after this long without a byte from the server. Default 2000. */
  readonly idleMs?: number
  /** The request was HEAD: responses carry a Content-Length but no body. */
  readonly head?: boolean
}

/** Writes `chunks` to a fresh connection and collects what the server answers. */
export function sendRaw(port: number, chunks: string | Buffer | readonly (string | Buffer)[], options: RawOptions = {}): Promise<RawExchange> {
  const idleMs = options.idleMs ?? 2000
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const received: Buffer[] = []
    let timer: NodeJS.Timeout | undefined
    let settled = false
    const finish = (closed: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      try {
        resolve({ responses: parseResponses(Buffer.concat(received), closed, options.head), closed })
      } catch (error) {
        reject(error)
      }
    }
    const armIdle = () => {
      clearTimeout(timer)
      timer = setTimeout(() => finish(false), idleMs)
    }
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk)
      armIdle()
      if (options.responses !== undefined && countComplete(Buffer.concat(received)) >= options.responses) finish(false)
    })
    // A reset after the server answered and closed still counts as closed.
    socket.on('error', () => finish(true))
    socket.on('close', () => finish(true))
    socket.on('connect', () => {
      for (const chunk of typeof chunks === 'string' || Buffer.isBuffer(chunks) ? [chunks] : chunks) socket.write(chunk)
      if (options.end) socket.end()
      armIdle()
    })
  })
}

/** Parses back-to-back HTTP/1.1 responses; a body with neither Content-Length nor chunked encoding must end with the connection. */
export function parseResponses(bytes: Buffer, closed: boolean, head = false): RawResponse[] {
  const responses: RawResponse[] = []
  let at = 0
  while (at < bytes.length) {
    const headEnd = bytes.indexOf('\r\n\r\n', at)
    if (headEnd === -1) throw new Error(`incomplete response head: ${JSON.stringify(bytes.subarray(at).toString('latin1').slice(0, 200))}`)
    const [statusLine = '', ...headerLines] = bytes.subarray(at, headEnd).toString('latin1').split('\r\n')
    const status = /^HTTP\/1\.1 (\d{3}) (.*)$/.exec(statusLine)
    if (!status) throw new Error(`malformed status line: ${JSON.stringify(statusLine)}`)
    const headers: Record<string, string> = {}
    for (const line of headerLines) {
      const colon = line.indexOf(':')
      if (colon <= 0) throw new Error(`malformed header line: ${JSON.stringify(line)}`)
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    const bodyStart = headEnd + 4
    let bodyEnd: number
    let body: Buffer
    if (status[1]!.startsWith('1')) {
      // An interim response (100 Continue) has no body; the final one follows.
      at = bodyStart
      continue
    } else if (head) {
      bodyEnd = bodyStart
      body = Buffer.alloc(0)
    } else if (headers['transfer-encoding'] !== undefined) {
      if (headers['transfer-encoding'].toLowerCase() !== 'chunked') throw new Error(`unknown transfer-encoding ${headers['transfer-encoding']}`)
      ;({ body, end: bodyEnd } = readChunked(bytes, bodyStart))
    } else if (headers['content-length'] !== undefined) {
      bodyEnd = bodyStart + Number(headers['content-length'])
      if (bodyEnd > bytes.length) throw new Error(`body shorter than its content-length ${headers['content-length']}`)
      body = bytes.subarray(bodyStart, bodyEnd)
    } else {
      if (!closed || headers['connection']?.toLowerCase() !== 'close') throw new Error(`response ${status[1]} has no content-length and does not close`)
      bodyEnd = bytes.length
      body = bytes.subarray(bodyStart)
    }
    responses.push({ status: Number(status[1]), reason: status[2]!, headers, body: body.toString('utf8') })
    at = bodyEnd
  }
  return responses
}

/** A chunked body (RFC 9112 §7.1) starting at `at`: its bytes and where it ends; trailers are not expected. */
function readChunked(bytes: Buffer, at: number): { body: Buffer; end: number } {
  const chunks: Buffer[] = []
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at)
    const size = lineEnd === -1 ? NaN : Number.parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16)
    if (Number.isNaN(size)) throw new Error('malformed chunk size line')
    const dataEnd = lineEnd + 2 + size
    if (bytes.subarray(dataEnd, dataEnd + 2).toString('latin1') !== '\r\n') throw new Error('chunk not followed by CRLF')
    if (size === 0) return { body: Buffer.concat(chunks), end: dataEnd + 2 }
    chunks.push(bytes.subarray(lineEnd + 2, dataEnd))
    at = dataEnd + 2
  }
}

function countComplete(bytes: Buffer): number {
  let count = 0
  let at = 0
  for (;;) {
    const headEnd = bytes.indexOf('\r\n\r\n', at)
    if (headEnd === -1) return count
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(bytes.subarray(at, headEnd).toString('latin1'))
    if (!length) return count
    const end = headEnd + 4 + Number(length[1])
    if (end > bytes.length) return count
    count++
    at = end
  }
}

export interface RawRequest {
  readonly method: string
  /** Path and query string as sent. */
  readonly target: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | Buffer
}

export interface SigningOptions {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly service: string
  readonly region?: string
  /** The signing time; default now. */
  readonly date?: Date
  /** S3 signs the path as sent and adds x-amz-content-sha256. */
  readonly s3?: boolean
}

/** The request with SigV4 headers added by the AWS SDK's own signer. */
export async function signRaw(request: RawRequest, options: SigningOptions): Promise<RawRequest> {
  const signed = await signerFor(options).sign(toSdkRequest(request), { signingDate: options.date ?? new Date() })
  return { ...request, headers: signed.headers }
}

/** The request as a presigned URL (X-Amz-* query parameters) valid for `expiresIn` seconds from the signing time. */
export async function presignRaw(request: RawRequest, options: SigningOptions, expiresIn: number): Promise<RawRequest> {
  const presigned = await signerFor(options).presign(toSdkRequest(request), { signingDate: options.date ?? new Date(), expiresIn })
  const query = Object.entries(presigned.query ?? {})
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${encodeURIComponent(name)}=${encodeURIComponent(String(v))}`))
    .join('&')
  return { ...request, target: `${presigned.path}?${query}`, headers: presigned.headers }
}

function signerFor(options: SigningOptions): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    region: options.region ?? 'us-east-1',
    service: options.service,
    sha256: NodeSha256,
    uriEscapePath: !options.s3,
    applyChecksum: options.s3 ?? false,
  })
}

function toSdkRequest(request: RawRequest) {
  const queryAt = request.target.indexOf('?')
  const query: Record<string, string | string[]> = {}
  if (queryAt !== -1) {
    for (const [name, value] of new URLSearchParams(request.target.slice(queryAt + 1))) {
      const existing = query[name]
      query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value]
    }
  }
  const headers = { host: 'localhost', ...request.headers }
  return {
    method: request.method,
    protocol: 'http:',
    hostname: headers.host,
    path: queryAt === -1 ? request.target : request.target.slice(0, queryAt),
    query,
    headers,
    body: request.body,
  }
}

/** The request's bytes; Content-Length is added from the body unless given. */
export function serializeRequest(request: RawRequest): Buffer {
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body)
  const headers: Record<string, string> = { host: 'localhost', ...request.headers }
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) headers['content-length'] = String(body.length)
  const head = [`${request.method} ${request.target} HTTP/1.1`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)].join('\r\n')
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body])
}

/** SHA-256 / HMAC-SHA-256 on node:crypto, in the shape @smithy/signature-v4 wants. */
class NodeSha256 {
  private hash: Hash | Hmac
  constructor(private readonly secret?: SourceData) {
    this.hash = NodeSha256.start(secret)
  }
  private static start(secret?: SourceData): Hash | Hmac {
    return secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret))
  }
  update(data: SourceData): void {
    this.hash.update(toBytes(data))
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest())
  }
  reset(): void {
    this.hash = NodeSha256.start(this.secret)
  }
}

function toBytes(data: SourceData): Buffer | string {
  if (typeof data === 'string') return data
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return Buffer.from(data)
}
