// Streamed payloads: the same checks as for a body read whole, made as the bytes arrive in pieces of any size —
// aws-chunked framing split anywhere (even inside a CRLF or a chunk header), the declared SHA-256 at the end.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HttpRequest, RequestBodyStream } from '../core/http.js'
import { readSignature } from './read-signature.js'
import { requestPayload } from './request-payload.js'
import { verifySignature } from './verify-signature.js'
import * as example from '../../test/sigv4/support/s3-chunked-example.js'

// The S3 documentation's example: 66560 bytes of 'a' in chunks of 65536 and 1024 bytes, then the final chunk.
const { EXAMPLE_SECRET: SECRET, EXAMPLE_BODY: BODY, EXAMPLE_HEADERS: HEADERS, EXAMPLE_NOW: NOW } = example

/** The body as a stream of pieces cut at `cuts` (offsets). */
function streamOf(body: Buffer, cuts: readonly number[]): RequestBodyStream {
  const offsets = [0, ...cuts.filter((cut) => cut > 0 && cut < body.length), body.length]
  return {
    async *[Symbol.asyncIterator]() {
      for (let index = 0; index + 1 < offsets.length; index++) yield body.subarray(offsets[index], offsets[index + 1])
    },
  }
}

function streamedRequest(body: Buffer, cuts: readonly number[], headers: Readonly<Record<string, string>> = HEADERS): HttpRequest {
  return { method: 'PUT', path: '/examplebucket/chunkObject.txt', query: '', headers, body: Buffer.alloc(0), bodyStream: streamOf(body, cuts), remoteAddress: '127.0.0.1', secure: true }
}

async function readPayload(request: HttpRequest): Promise<Buffer> {
  const signed = readSignature(request, 's3')!
  const { payloadStream } = verifySignature(request, signed, SECRET, NOW, { family: 's3', region: 'us-east-1', service: 's3' })
  const pieces: Buffer[] = []
  for await (const piece of payloadStream!) pieces.push(piece)
  return Buffer.concat(pieces)
}

describe('a streamed aws-chunked body', () => {
  const headerEnd = BODY.indexOf('\r\n')
  const secondHeader = 65536 + headerEnd + 4
  it.each([
    { name: 'one piece', cuts: [] },
    { name: 'inside the first chunk header', cuts: [3, 40] },
    { name: 'between the CR and the LF of a chunk header', cuts: [headerEnd + 1] },
    { name: 'between the CR and the LF after chunk data', cuts: [headerEnd + 2 + 65536 + 1] },
    { name: 'inside the second chunk header and the final chunk', cuts: [secondHeader + 5, BODY.length - 30, BODY.length - 1] },
    { name: 'every 1000 bytes', cuts: Array.from({ length: 67 }, (_, index) => (index + 1) * 1000) },
    { name: 'every 7 bytes around the chunk boundaries', cuts: Array.from({ length: 40 }, (_, index) => 65536 + index * 7) },
  ])('decodes and verifies it cut $name', async ({ cuts }) => {
    expect(await readPayload(streamedRequest(BODY, cuts))).toEqual(Buffer.alloc(66560, 'a'))
  })

  it('fails the read when a byte of the second chunk was changed', async () => {
    const tampered = Buffer.from(BODY)
    tampered[secondHeader + 100] = 'b'.charCodeAt(0)
    await expect(readPayload(streamedRequest(tampered, [70_000]))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' })
  })

  it('fails the read when the body ends before the final chunk', async () => {
    await expect(readPayload(streamedRequest(BODY.subarray(0, 66000), [1000]))).rejects.toMatchObject({ code: 'IncompleteBody' })
  })
})

describe('a streamed body with a declared SHA-256', () => {
  const data = Buffer.from('streamed payload')
  const declared = createHash('sha256').update(data).digest('hex')
  // The headers' signature covers the declared hash, not the bytes: only the payload check can tell them apart.
  async function read(body: Buffer): Promise<Buffer> {
    const { payloadStream } = requestPayload(streamedRequest(body, [4]), { kind: 'hashed', hash: declared }, 's3')
    const pieces: Buffer[] = []
    for await (const piece of payloadStream!) pieces.push(piece)
    return Buffer.concat(pieces)
  }

  it('passes through a payload that hashes to the declared value', async () => {
    expect(await read(data)).toEqual(data)
  })

  it('fails the last read of a payload that does not (XAmzContentSHA256Mismatch)', async () => {
    await expect(read(Buffer.from('streamed payloaX'))).rejects.toMatchObject({ code: 'XAmzContentSHA256Mismatch' })
  })
})
