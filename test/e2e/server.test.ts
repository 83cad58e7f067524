// Server quality end to end: keep-alive, one JSON log line per request, health, the reset gate, graceful shutdown.
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsonLogger } from '../../src/core/logger.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { parseResponses, sendRaw, serializeRequest, signRaw, type RawRequest } from '../support/raw-http.js'

const GET_CALLER_IDENTITY: RawRequest = {
  method: 'POST',
  target: '/',
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: 'Action=GetCallerIdentity&Version=2011-06-15',
}

function signedFor(palisade: TestPalisade, request: RawRequest = GET_CALLER_IDENTITY): Promise<RawRequest> {
  return signRaw(request, { ...palisade.root, service: 'sts' })
}

describe('a running server', () => {
  const lines: Record<string, unknown>[] = []
  let palisade: TestPalisade
  beforeAll(async () => {
    palisade = await startTestPalisade(['--log-level', 'info'], { log: jsonLogger('info', (line) => lines.push(JSON.parse(line))) })
  })
  afterAll(() => palisade.stop())

  it('answers several requests on one keep-alive connection, errors included', async () => {
    const unknownAction = await signedFor(palisade, { ...GET_CALLER_IDENTITY, body: 'Action=Nope&Version=2011-06-15' })
    const bytes = [await signedFor(palisade), unknownAction, await signedFor(palisade)].map(serializeRequest)
    const exchange = await sendRaw(palisade.port, bytes, { responses: 3 })
    expect(exchange.closed).toBe(false)
    expect(exchange.responses.map((response) => response.status)).toEqual([200, 400, 200])
    expect(exchange.responses.map((response) => response.headers['connection'])).toEqual(['keep-alive', 'keep-alive', 'keep-alive'])
  })

  it('logs one JSON line per request with its id, service, operation, principal, status and time', async () => {
    const sts = new STSClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
    const identity = await sts.send(new GetCallerIdentityCommand({}))
    const wrongSecret = new STSClient({ endpoint: palisade.url, region: 'us-east-1', credentials: { ...palisade.root, secretAccessKey: 'x'.repeat(40) }, maxAttempts: 1 })
    const failure = await wrongSecret.send(new GetCallerIdentityCommand({})).catch((error: { $metadata: { requestId: string } }) => error)

    const requestLines = lines.filter((line) => line['message'] === 'request')
    expect(requestLines.find((line) => line['requestId'] === identity.$metadata.requestId)).toEqual({
      time: expect.any(String),
      level: 'info',
      message: 'request',
      requestId: identity.$metadata.requestId,
      service: 'sts',
      operation: 'GetCallerIdentity',
      principal: 'arn:aws:iam::000000000000:root',
      status: 200,
      ms: expect.any(Number),
    })
    // An unauthenticated call has no principal to log.
    const failed = requestLines.filter((line) => line['requestId'] === (failure as { $metadata: { requestId: string } }).$metadata.requestId)
    expect(failed).toEqual([expect.objectContaining({ service: 'sts', operation: 'GetCallerIdentity', status: 403 })])
    expect(failed[0]).not.toHaveProperty('principal')
    expect(new Set(requestLines.map((line) => line['requestId'])).size).toBe(requestLines.length)
  })

  it('never writes a secret or a signature into the log', async () => {
    const signed = await signedFor(palisade)
    await sendRaw(palisade.port, serializeRequest(signed), { responses: 1 })
    const signature = /Signature=([0-9a-f]{64})/.exec(signed.headers!['authorization']!)![1]!
    const text = lines.map((line) => JSON.stringify(line)).join('\n')
    expect(text).toContain('"message":"request"')
    expect(text).not.toContain(palisade.root.secretAccessKey)
    expect(text).not.toContain(signature)
  })

  it('reports its health', async () => {
    const response = await fetch(`${palisade.url}/_palisade/health`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', accountId: '000000000000', region: 'us-east-1', auth: 'strict' })
  })

  it('answers an unknown /_palisade path with 404', async () => {
    expect((await fetch(`${palisade.url}/_palisade/nothing`)).status).toBe(404)
  })

  it('hides the reset endpoint in strict mode without --allow-reset', async () => {
    expect((await fetch(`${palisade.url}/_palisade/reset`, { method: 'POST' })).status).toBe(404)
  })
})

describe.each([
  { name: 'with --allow-reset in strict mode', args: ['--allow-reset'] },
  { name: 'in permissive mode', args: ['--auth', 'permissive'] },
])('the reset endpoint $name', ({ args }) => {
  let palisade: TestPalisade
  beforeAll(async () => { palisade = await startTestPalisade(args) })
  afterAll(() => palisade.stop())

  it('resets on POST', async () => {
    const response = await fetch(`${palisade.url}/_palisade/reset`, { method: 'POST' })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ reset: true })
  })

  it('refuses other methods with 405', async () => {
    expect((await fetch(`${palisade.url}/_palisade/reset`)).status).toBe(405)
  })
})

describe('graceful shutdown', () => {
  it('stops accepting, finishes the request in flight, then closes the store', async () => {
    const palisade = await startTestPalisade()
    const signed = serializeRequest(await signedFor(palisade))
    const split = signed.length - 10

    // The slow request: everything but its last bytes, so the server holds it in flight.
    const slow = connect(palisade.port, '127.0.0.1')
    const received: Buffer[] = []
    slow.on('data', (chunk: Buffer) => received.push(chunk))
    const slowClosed = new Promise<void>((resolve) => slow.on('close', () => resolve()))
    await new Promise<void>((resolve) => slow.write(signed.subarray(0, split), () => resolve()))
    // Once another connection has been answered, the server has read the slow request's head too.
    expect((await fetch(`${palisade.url}/_palisade/health`)).status).toBe(200)

    let closed = false
    const closing = palisade.close().then(() => { closed = true })
    expect(await connectionRefused(palisade.port)).toBe(true)
    expect(closed).toBe(false)

    slow.write(signed.subarray(split))
    await closing
    await slowClosed
    const [response] = parseResponses(Buffer.concat(received), true)
    expect(response).toMatchObject({ status: 200 })
    expect(response!.body).toContain('<Arn>arn:aws:iam::000000000000:root</Arn>')
    // SQLite removes the write-ahead log when the last connection closes.
    expect(existsSync(join(palisade.dataDir, 'palisade.db-wal'))).toBe(false)
    await palisade.stop()
  })
})

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.on('connect', () => { socket.destroy(); resolve(false) })
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
  })
}
