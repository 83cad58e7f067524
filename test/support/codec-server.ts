// A test server that runs one codec with test-double handlers: no auth, no storage. Proves the codecs
// against the real AWS SDK clients before the services exist.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AwsError } from '../../src/core/aws-error.js'
import { UnknownOperationError } from '../../src/core/common-errors.js'
import type { ServiceModel } from '../../src/model/types.js'
import type { Codec } from '../../src/protocol/codec.js'
import { readBody, toHttpRequest, writeHttpResponse } from '../../src/server/node-adapter.js'

export type TestHandler = (input: Record<string, unknown>) => unknown | Promise<unknown>

export interface CodecServer {
  readonly endpoint: string
  /** Every decoded input, in arrival order, for assertions. */
  readonly received: { operation: string; input: Record<string, unknown> }[]
  close(): Promise<void>
}

export async function startCodecServer(
  codec: Codec,
  service: ServiceModel,
  handlers: Record<string, TestHandler>,
): Promise<CodecServer> {
  const received: CodecServer['received'] = []
  let sequence = 0
  const server: Server = createServer(async (req, res) => {
    const call = { requestId: `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}` }
    try {
      const request = toHttpRequest(req, await readBody(req, 10 * 1024 * 1024))
      try {
        const operation = codec.matchOperation(request, service)
        if (!operation) throw new UnknownOperationError()
        const input = codec.parseRequest(request, operation, service)
        received.push({ operation: operation.name, input })
        const handler = handlers[operation.name]
        if (!handler) throw new UnknownOperationError(`no test handler for ${operation.name}`)
        writeHttpResponse(res, codec.serializeOutput(await handler(input), operation, service, call))
      } catch (error) {
        if (!(error instanceof AwsError)) throw error
        writeHttpResponse(res, codec.serializeError(error, service, call))
      }
    } catch (error) {
      res.writeHead(500).end(String(error))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** Credentials the SDK can sign with; the codec server does not check them. */
export const testCredentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
