// Streamed payloads: the same checks as for a body read whole, made as the bytes arrive in pieces of any size —
// aws-chunked framing split anywhere (even inside a CRLF or a chunk header), the declared SHA-256 at the end.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HttpRequest, RequestBodyStream } from '../core/http.js'
import { readSignature } from './read-signature.js'
import { requestPayload } from './request-payload.js'
import { verifySignature } from './verify-signature.js'

// The S3 documentation's example: 66560 bytes of 'a' in chunks of 65536 and 1024 bytes, then the final chunk.
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const chunk = (size: number, signature: string, data: string) => `${size.toString(16)};chunk-signature=${signature}\r\n${data}\r\n`
const BODY = Buffer.from(
  chunk(65536, 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648', 'a'.repeat(65536)) +
    chunk(1024, '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497', 'a'.repeat(1024)) +
    chunk(0, 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9', ''),
)
const HEADERS = {
  host: 's3.amazonaws.com',
  'x-amz-date': '20130524T000000Z',
  'x-amz-storage-class': 'REDUCED_REDUNDANCY',
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
  'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'content-encoding': 'aws-chunked',
  'x-amz-decoded-content-length': '66560',
  'content-length': '66824',
}
const NOW = new Date('2013-05-24T00:00:00Z')

/** The body as a stream of pieces cut at `cuts` (offsets). */
function streamOf(body: Buffer, cuts: readonly number[]): RequestBodyStream {
  const offsets = [0, ...cuts.filter((cut) => cut > 0 && cut < body.length), body.length]
  return {
    async *[Symbol.asyncIterator]() {
      for (let index = 0; index + 1 < offsets.length; index++) yield body.subarray(offsets[index], offsets[index + 1])
    },
  }
}

function streamedRequest(body: Buffer, cuts: readonly number[], headers: Record<string, string> = HEADERS): HttpRequest {
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
