// startServer with a stand-in pipeline: stalled and abandoned bodies, body limits, oversized headers, close.
import { connect } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { AwsError } from '../core/aws-error.js'
import { jsonLogger } from '../core/logger.js'
import type { Pipeline } from '../pipeline/pipeline.js'
import { parseResponses, sendRaw } from '../../test/support/raw-http.js'
import { startServer, type RunningServer } from './http-server.js'

/** Echoes the body (a streamed one read whole, under the limit), or names the error the server handed over instead of one. */
const echo: Pipeline = async (request, rejection) => {
  let error = rejection
  let body = request.body
  if (request.bodyStream?.readAll) body = await request.bodyStream.readAll().catch((thrown: AwsError) => { error = thrown; return body })
  return {
    requestId: 'request-id',
    response: { status: error?.status ?? 200, headers: { 'content-type': 'text/plain' }, body: error ? `${error.code}: ${error.message}` : body },
  }
}

/** Counts the bytes of a streamed body as they arrive, without holding them. */
const countStreamed: Pipeline = async (request) => {
  let size = 0
  for await (const chunk of request.bodyStream ?? []) size += chunk.length
  return { requestId: 'request-id', response: { status: 200, headers: { 'content-type': 'text/plain' }, body: `${request.bodyStream ? 'streamed' : 'buffered'} ${size}` } }
}

describe('startServer', () => {
  let server: RunningServer | undefined
  const lines: Record<string, unknown>[] = []
  afterEach(async () => {
    await server?.close()
    server = undefined
    lines.length = 0
  })

  function start(overrides: { bodyIdleTimeoutMs?: number; maxBodyBytes?: number; pipeline?: Pipeline } = {}): Promise<RunningServer> {
    return startServer({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: overrides.maxBodyBytes ?? 1024,
      pipeline: overrides.pipeline ?? echo,
      log: jsonLogger('debug', (line) => lines.push(JSON.parse(line))),
      health: () => ({ status: 'ok' }),
      bodyIdleTimeoutMs: overrides.bodyIdleTimeoutMs,
    })
  }

  it('answers a body that stops arriving with RequestTimeout and closes the connection', async () => {
    server = await start({ bodyIdleTimeoutMs: 100 })
    const { responses, closed } = await sendRaw(server.port, 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nabc', { idleMs: 3000 })
    expect(responses).toMatchObject([{ status: 400, headers: { connection: 'close' } }])
    expect(responses[0]!.body).toMatch(/^RequestTimeout: Your socket connection to the server was not read from or written to/)
    expect(closed).toBe(true)
  })

  it('keeps waiting for a slow body that keeps arriving', async () => {
    server = await start({ bodyIdleTimeoutMs: 200 })
    const socket = connect(server.port, '127.0.0.1')
    const received: Buffer[] = []
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    const ended = new Promise<void>((resolve) => socket.on('end', () => resolve()))
    socket.write('POST / HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 4\r\n\r\n')
    for (const byte of 'slow') {
      await new Promise((resolve) => setTimeout(resolve, 120)) // each pause shorter than the idle limit, all together longer
      socket.write(byte)
    }
    await ended
    expect(parseResponses(Buffer.concat(received), true)).toMatchObject([{ status: 200, body: 'slow' }])
  })

  it('answers a body over the limit with 413 and AWS\'s text', async () => {
    server = await start({ maxBodyBytes: 1024 })
    const { responses } = await sendRaw(server.port, `POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2000\r\n\r\n${'x'.repeat(2000)}`)
    expect(responses).toMatchObject([{ status: 413, body: 'RequestEntityTooLarge: HTTP content length exceeded 1024 bytes.' }])
  })

  it('refuses a body declared over the limit without asking for it (Expect: 100-continue)', async () => {
    server = await start({ maxBodyBytes: 1024 })
    const socket = connect(server.port, '127.0.0.1')
    const received = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))))
    socket.write('POST / HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 5000\r\n\r\n')
    expect(await received).toMatch(/^HTTP\/1\.1 413 /)
    socket.destroy()
  })

  it('streams a PUT body to the pipeline, unread and beyond the buffered limit (object uploads)', async () => {
    server = await start({ maxBodyBytes: 1024, pipeline: countStreamed })
    const { responses } = await sendRaw(server.port, `PUT /bucket/key HTTP/1.1\r\nhost: x\r\ncontent-length: 5000\r\n\r\n${'x'.repeat(5000)}`)
    expect(responses).toMatchObject([{ status: 200, body: 'streamed 5000' }])
  })

  it('ends a streamed body whose client disconnects with IncompleteBody, not an unexplained failure', async () => {
    const seen: string[] = []
    const reader: Pipeline = async (request) => {
      try {
        for await (const _chunk of request.bodyStream ?? []) { /* read until the client goes away */ }
      } catch (error) {
        seen.push((error as AwsError).code)
      }
      return { requestId: 'request-id', response: { status: 200, headers: {}, body: '' } }
    }
    server = await start({ pipeline: reader })
    const socket = connect(server.port, '127.0.0.1')
    socket.write(`PUT /bucket/key HTTP/1.1\r\nhost: x\r\ncontent-length: 5000\r\n\r\n${'x'.repeat(100)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
    socket.destroy()
    await vi.waitFor(() => expect(seen).toEqual(['IncompleteBody']), { timeout: 5000, interval: 20 })
  })

  it('applies the buffered limit to a streamed body read whole', async () => {
    server = await start({ maxBodyBytes: 1024 })
    const { responses } = await sendRaw(server.port, `PUT /bucket/key HTTP/1.1\r\nhost: x\r\ncontent-length: 2000\r\n\r\n${'x'.repeat(2000)}`)
    expect(responses).toMatchObject([{ status: 413, body: 'RequestEntityTooLarge: HTTP content length exceeded 1024 bytes.' }])
  })

  it('asks for a body within the limit (Expect: 100-continue), then answers', async () => {
    server = await start({ maxBodyBytes: 1024 })
    const socket = connect(server.port, '127.0.0.1')
    const chunks: Buffer[] = []
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
    socket.once('data', () => socket.write('body'))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.write('PUT /bucket/key HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\nconnection: close\r\ncontent-length: 4\r\n\r\n')
    await closed
    const text = Buffer.concat(chunks).toString('latin1')
    expect(text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n/)
    expect(parseResponses(Buffer.concat(chunks), true)).toMatchObject([{ status: 200, body: 'body' }])
  })

  it('logs only at debug level when a client hangs up mid-body, and keeps serving', async () => {
    server = await start()
    const socket = connect(server.port, '127.0.0.1')
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()))
    socket.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nabc')
    const { responses } = await sendRaw(server.port, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n', { responses: 1 })
    socket.destroy()
    expect(responses).toMatchObject([{ status: 200 }])
    const after = await sendRaw(server.port, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n', { responses: 1 })
    expect(after.responses).toMatchObject([{ status: 200 }])
    await vi.waitFor(() => expect(lines.map((line) => line['message'])).toContain('client went away mid-request'))
    expect(lines.filter((line) => line['level'] === 'warn' || line['level'] === 'error')).toEqual([])
  })

  it('answers headers over node\'s limit with S3\'s RequestHeaderSectionTooLarge', async () => {
    server = await start()
    const { responses, closed } = await sendRaw(server.port, `GET / HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`)
    expect(responses).toMatchObject([{ status: 400, headers: { 'content-type': 'application/xml', connection: 'close' } }])
    expect(responses[0]!.body).toContain('<Code>RequestHeaderSectionTooLarge</Code>')
    expect(closed).toBe(true)
  })

  it('answers an unparsable request line with a bodiless 400', async () => {
    server = await start()
    const { responses } = await sendRaw(server.port, 'NOT HTTP AT ALL\r\n\r\n')
    expect(responses).toMatchObject([{ status: 400, body: '', headers: { 'content-length': '0', connection: 'close' } }])
  })

  it('closes at once when no request is in flight, even with idle keep-alive connections', async () => {
    server = await start()
    const socket = connect(server.port, '127.0.0.1')
    const closedByServer = new Promise<void>((resolve) => socket.on('close', () => resolve()))
    socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n')
    await new Promise<void>((resolve) => socket.once('data', () => resolve()))
    await server.close()
    await closedByServer
  })
})
