// The HTTP server: node:http in front of the pipeline, plus health, reset, request logs, limits and graceful shutdown.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AwsError } from '../core/aws-error.js'
import type { Logger } from '../core/logger.js'
import type { Pipeline } from '../pipeline/pipeline.js'
import { BodyTooLargeError, readBody, toHttpRequest, writeHttpResponse } from './node-adapter.js'

export interface ServerOptions {
  readonly host: string
  readonly port: number
  readonly maxBodyBytes: number
  readonly pipeline: Pipeline
  readonly log: Logger
  /** Present only where reset is allowed (--auth permissive or --allow-reset); otherwise the path is 404. */
  readonly reset?: () => Promise<void>
  readonly health: () => Readonly<Record<string, unknown>>
}

export interface RunningServer {
  readonly host: string
  readonly port: number
  readonly url: string
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive connections. */
  close(): Promise<void>
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const server = createServer({ keepAlive: true, keepAliveTimeout: 60_000, requestTimeout: 300_000 }, (req, res) => {
    serve(req, res, options).catch((error: unknown) => {
      options.log.error('request failed outside the pipeline', { error: String(error) })
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end()
    })
  })
  server.keepAliveTimeout = 60_000
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
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      })
      return closing
    },
  }
}

async function serve(req: IncomingMessage, res: ServerResponse, options: ServerOptions): Promise<void> {
  const started = performance.now()
  const url = req.url ?? '/'
  if (url.startsWith('/_palisade/')) return servePalisadePath(req, res, url, options)

  let body: Buffer
  let rejection: AwsError | undefined
  try {
    body = await readBody(req, options.maxBodyBytes)
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error
    body = Buffer.alloc(0)
    rejection = new AwsError('RequestEntityTooLarge', 413, `Request body must be at most ${options.maxBodyBytes} bytes`)
    res.shouldKeepAlive = false // the rest of the body is never read
  }
  const result = await options.pipeline(toHttpRequest(req, body), rejection)
  writeHttpResponse(res, result.response)
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

async function servePalisadePath(req: IncomingMessage, res: ServerResponse, url: string, options: ServerOptions): Promise<void> {
  const path = url.split('?')[0]
  req.resume()
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
  writeHttpResponse(res, { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}
