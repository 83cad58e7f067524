// The HTTP server: node:http in front of the pipeline, plus health, reset, request logs, limits and graceful shutdown.
import { createServer, maxHeaderSize, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { AwsError } from '../core/aws-error.js'
import { RequestEntityTooLargeError } from '../core/common-errors.js'
import type { Logger } from '../core/logger.js'
import type { Pipeline, PipelineResult } from '../pipeline/pipeline.js'
import { BodyTooLargeError, hasBody, readBody, requestBodyStream, streamsBody, toHttpRequest, writeHttpResponse } from './node-adapter.js'

export interface ServerOptions {
  readonly host: string
  readonly port: number
  readonly maxBodyBytes: number
  readonly pipeline: Pipeline
  readonly log: Logger
  /** Present only where reset is allowed (--auth permissive or --allow-reset); otherwise the path is 404. */
  readonly reset?: () => Promise<void>
  readonly health: () => Readonly<Record<string, unknown>>
  /**
   * How long a request body may stall (no byte arrives) before the request is answered with RequestTimeout.
   * Default 20 s: our choice, near the idle time after which S3 gives up on a slow upload.
   */
  readonly bodyIdleTimeoutMs?: number
  /** PEM certificate and key: serve HTTPS instead of HTTP (requests then carry aws:SecureTransport true). */
  readonly tls?: { readonly cert: string; readonly key: string }
}

export interface RunningServer {
  readonly host: string
  readonly port: number
  readonly url: string
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive connections. */
  close(): Promise<void>
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const lifecycle: Lifecycle = { closing: false }
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res, options, lifecycle).catch((error: unknown) => {
      // A client that hangs up mid-request leaves nobody to answer.
      if (req.destroyed && !req.complete) return options.log.debug('client went away mid-request', { error: String(error) })
      options.log.error('request failed outside the pipeline', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end()
    })
  }
  // requestTimeout bounds a whole request, body included: an hour lets a 5 GiB S3 PutObject through at ~1.5 MB/s
  // (S3 itself sets no total limit, only the idle one below), and still ends a body trickled in forever.
  const serverOptions = { keepAlive: true, keepAliveTimeout: 60_000, requestTimeout: 3_600_000 }
  const server = options.tls ? createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, handle) : createServer(serverOptions, handle)
  server.keepAliveTimeout = 60_000
  server.on('clientError', answerUnparsableRequest)
  // `Expect: 100-continue` (the AWS CLI and SDKs send it before large uploads): a body declared over the limit is
  // refused at once, before the client sends it; otherwise the client is told to go on. Streamed bodies (object
  // uploads) are not held in memory, so the buffered limit does not apply to them.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (streamsBody(req) || Number(req.headers['content-length'] ?? 0) <= options.maxBodyBytes) res.writeContinue()
    handle(req, res)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    host: options.host,
    port,
    url: `${options.tls ? 'https' : 'http'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        lifecycle.closing = true
        server.close(() => resolve())
        server.closeIdleConnections()
      })
      return closing
    },
  }
}

interface Lifecycle {
  /** Once set, every answer closes its connection, so close() completes when the requests in flight are answered. */
  closing: boolean
}

async function serve(req: IncomingMessage, res: ServerResponse, options: ServerOptions, lifecycle: Lifecycle): Promise<void> {
  const started = performance.now()
  const url = req.url ?? '/'
  if (url.startsWith('/_palisade/')) return servePalisadePath(req, res, url, options, lifecycle)

  const idleMs = options.bodyIdleTimeoutMs ?? 20_000
  let result: PipelineResult
  if (streamsBody(req)) {
    const bodyStream = requestBodyStream(req, {
      limit: options.maxBodyBytes,
      idleMs,
      timedOut: () => REQUEST_TIMEOUT,
      incomplete: () => INCOMPLETE_BODY,
      readWhole: (message, limit) => readBodyWithin(message, limit, idleMs).catch((error: unknown) => { throw bodyRejection(error, options.maxBodyBytes) }),
    })
    result = await options.pipeline(toHttpRequest(req, EMPTY, bodyStream))
    // A body the pipeline did not read to the end (a refused or failed upload) cannot be skipped: close afterwards.
    if (!req.complete) res.shouldKeepAlive = false
  } else {
    let body: Buffer = EMPTY
    let rejection: AwsError | undefined
    try {
      if (hasBody(req)) body = await readBodyWithin(req, options.maxBodyBytes, idleMs)
    } catch (error) {
      rejection = bodyRejection(error, options.maxBodyBytes)
      res.shouldKeepAlive = false // the rest of the body is never read
    }
    result = await options.pipeline(toHttpRequest(req, body), rejection)
  }
  if (lifecycle.closing) res.shouldKeepAlive = false
  const writing = writeHttpResponse(res, result.response)
  if (writing) await writing // only streamed bodies: a buffered one is written at once, without another await
  if (options.log.isEnabled('info')) {
    options.log.info('request', {
      requestId: result.requestId,
      service: result.service,
      operation: result.operation,
      principal: result.principal,
      status: result.response.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
    })
  }
}

async function servePalisadePath(req: IncomingMessage, res: ServerResponse, url: string, options: ServerOptions, lifecycle: Lifecycle): Promise<void> {
  const path = url.split('?')[0]
  req.resume()
  if (lifecycle.closing) res.shouldKeepAlive = false
  if (path === '/_palisade/health' && (req.method === 'GET' || req.method === 'HEAD')) {
    return sendJson(res, 200, options.health())
  }
  if (path === '/_palisade/reset' && options.reset) {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' })
    const started = performance.now()
    await options.reset()
    return sendJson(res, 200, { reset: true, ms: Math.round(performance.now() - started) })
  }
  return sendJson(res, 404, { error: 'not found' })
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  void writeHttpResponse(res, { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

const EMPTY = Buffer.alloc(0)

// S3's text (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList); the other
// services have no documented code for a stalled body, so they get the same one.
const REQUEST_TIMEOUT = new AwsError(
  'RequestTimeout',
  400,
  'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.',
)

// S3's answer to a body shorter than its Content-Length (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
const INCOMPLETE_BODY = new AwsError('IncompleteBody', 400, 'You did not provide the number of bytes specified by the Content-Length HTTP header')

class BodyTimeoutError extends Error {}

/** The AwsError for a body that could not be read whole: over the limit, or stalled. */
function bodyRejection(error: unknown, limit: number): AwsError {
  // AWS's front end answers 413 with this text (https://github.com/aws/aws-sdk-js/issues/479);
  // the S3 codec turns it into EntityTooLarge.
  if (error instanceof BodyTooLargeError) return new RequestEntityTooLargeError(`HTTP content length exceeded ${limit} bytes.`)
  if (error instanceof BodyTimeoutError) return REQUEST_TIMEOUT
  throw error
}

/** readBody, but rejecting with BodyTimeoutError when no byte arrives for `idleMs`. */
function readBodyWithin(req: IncomingMessage, limit: number, idleMs: number): Promise<Buffer> {
  return readBody(req, limit, { ms: idleMs, error: () => new BodyTimeoutError() })
}

/**
 * Node's answer to a request it cannot parse, made AWS-like where AWS documents one: headers over the limit get
 * S3's RequestHeaderSectionTooLarge (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList);
 * any other malformed request a bodiless 400, as node would send, but with a Content-Length.
 */
function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Socket): void {
  // INVARIANT: node sets _httpMessage while a response is on this socket; writing raw bytes then would corrupt it.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight) {
    socket.destroy()
    return
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    const body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>RequestHeaderSectionTooLarge</Code>'
      + `<Message>Your request header section exceeds the maximum allowed size.</Message><MaxSizeAllowed>${maxHeaderSize}</MaxSizeAllowed></Error>`
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/xml\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`)
    return
  }
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'
  socket.end(`HTTP/1.1 ${status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`)
}
