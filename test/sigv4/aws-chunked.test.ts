// aws-chunked uploads (STREAMING-*-PAYLOAD): AWS's documented example, and uploads chunk-signed by the SDK's signer.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HttpRequest } from '../../src/core/http.js'
import { readSignature, unverifiedPayload, verifySignature } from '../../src/sigv4/index.js'
import * as example from './support/s3-chunked-example.js'
import { SECRET_ACCESS_KEY, sdkRequest, sdkSigner, toWire } from './support/sdk-signer.js'

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const S3 = { family: 's3', region: 'us-east-1', service: 's3' } as const

function verify(request: HttpRequest, now: Date) {
  const signed = readSignature(request, 's3')
  if (!signed) throw new Error('no signature')
  return verifySignature(request, signed, SECRET_ACCESS_KEY, now, S3)
}

describe('aws-chunked: the example of the S3 documentation', () => {
  const { EXAMPLE_BODY: body, EXAMPLE_REQUEST: request, EXAMPLE_NOW: now } = example

  it('verifies the seed and every chunk, and decodes the payload', () => {
    expect(body.length).toBe(66824)
    expect(verify(request, now).payload).toEqual(Buffer.alloc(66560, 'a'))
  })

  it('rejects a changed byte in the second chunk', () => {
    const tampered = Buffer.from(body)
    tampered[65626 + 86 + 10] = 'b'.charCodeAt(0)
    expect(() => verify({ ...request, body: tampered }, now)).toThrow(
      expect.objectContaining({
        code: 'SignatureDoesNotMatch',
        fields: expect.objectContaining({ SignatureProvided: '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497' }),
      }),
    )
  })

  it('rejects bytes after the final chunk', () => {
    const smuggled = Buffer.concat([body, Buffer.from('GET /other HTTP/1.1\r\n')])
    expect(() => verify({ ...request, body: smuggled }, now)).toThrow(expect.objectContaining({ code: 'IncompleteBody' }))
  })

  it('accepts the body without its closing CRLF', () => {
    expect(verify({ ...request, body: body.subarray(0, body.length - 2) }, now).payload.length).toBe(66560)
  })

  it('decodes without checking chunk signatures for permissive mode, and still checks the length', () => {
    const tampered = Buffer.from(body)
    tampered[88 + 12] = 'b'.charCodeAt(0) // the 13th payload byte: the first chunk's header line is 88 bytes
    const signed = readSignature(request, 's3')!
    expect(unverifiedPayload({ ...request, body: tampered }, signed, 's3').payload.toString('latin1', 0, 14)).toBe('aaaaaaaaaaaaba')
    const shorter = { ...request, headers: { ...request.headers, 'x-amz-decoded-content-length': '66559' } }
    expect(() => unverifiedPayload({ ...shorter, body }, signed, 's3')).toThrow(expect.objectContaining({ code: 'IncompleteBody' }))
  })

  it('rejects a body cut before the final chunk', () => {
    expect(() => verify({ ...request, body: body.subarray(0, 65626 + 1112) }, now)).toThrow(
      expect.objectContaining({ code: 'IncompleteBody', message: 'The request body terminated unexpectedly' }),
    )
  })
})

const SIGNED_AT = new Date('2026-11-22T12:00:00Z')

interface Upload {
  readonly chunks: readonly Buffer[]
  readonly contentSha256?: string
  /** null leaves the header out. */
  readonly decodedLength?: number | null
  /** Trailing headers, e.g. `x-amz-checksum-crc32`; with signed chunks they are signed too. */
  readonly trailers?: Readonly<Record<string, string>>
  /** Headers sent but left out of the signature. */
  readonly unsigned?: readonly string[]
}

/** Signs the headers with the SDK, then signs each chunk's string to sign (as the S3 documentation defines it) with the SDK. */
async function sdkChunkedUpload(upload: Upload): Promise<HttpRequest> {
  const signer = sdkSigner({ service: 's3', uriEscapePath: false })
  const decodedLength = upload.chunks.reduce((sum, c) => sum + c.length, 0)
  const trailerNames = Object.keys(upload.trailers ?? {})
  const contentSha256 = upload.contentSha256 ?? (trailerNames.length > 0 ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD')
  const request = sdkRequest({
    method: 'PUT',
    hostname: 'bucket.s3.us-east-1.amazonaws.com',
    path: '/uploads/object.bin',
    headers: {
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': contentSha256,
      ...(upload.decodedLength !== null && { 'x-amz-decoded-content-length': String(upload.decodedLength ?? decodedLength) }),
      ...(trailerNames.length > 0 && { 'x-amz-trailer': trailerNames.join(',') }),
    },
  })
  const wire = toWire(await signer.sign(request, { signingDate: SIGNED_AT, unsignableHeaders: new Set(upload.unsigned ?? []) }))
  const signsChunks = !contentSha256.startsWith('STREAMING-UNSIGNED')
  const scope = '20261122/us-east-1/s3/aws4_request'
  let previous = /Signature=([0-9a-f]{64})/.exec(wire.headers['authorization']!)![1]!
  const parts: Buffer[] = []
  for (const data of [...upload.chunks, Buffer.alloc(0)]) {
    const sha = createHash('sha256').update(data).digest('hex')
    if (signsChunks) {
      previous = await signer.sign(['AWS4-HMAC-SHA256-PAYLOAD', '20261122T120000Z', scope, previous, EMPTY_SHA256, sha].join('\n'), { signingDate: SIGNED_AT })
      parts.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${previous}\r\n`))
    } else {
      parts.push(Buffer.from(`${data.length.toString(16)}\r\n`))
    }
    parts.push(data)
    if (data.length > 0) parts.push(Buffer.from('\r\n'))
  }
  if (trailerNames.length > 0) {
    const lines = trailerNames.map((name) => `${name}:${upload.trailers![name]}`)
    parts.push(Buffer.from(lines.map((line) => `${line}\r\n`).join('')))
    if (signsChunks) {
      const trailerSha = createHash('sha256').update(lines.map((line) => `${line}\n`).join('')).digest('hex')
      const signature = await signer.sign(['AWS4-HMAC-SHA256-TRAILER', '20261122T120000Z', scope, previous, trailerSha].join('\n'), { signingDate: SIGNED_AT })
      parts.push(Buffer.from(`x-amz-trailer-signature:${signature}\r\n`))
    }
  }
  parts.push(Buffer.from('\r\n'))
  return { ...wire, body: Buffer.concat(parts) }
}

// Data with CRLF and chunk-header look-alikes inside, so a decoder that scans for them would go wrong.
const tricky = (size: number, seed: number) => Buffer.from(Array.from({ length: size }, (_, i) => ('0;\r\n'.charCodeAt(i % 4) + seed * (i % 7)) & 0xff))

describe('aws-chunked: uploads signed chunk by chunk with the SDK signer', () => {
  it('decodes three signed chunks to the exact payload', async () => {
    const chunks = [tricky(8192, 1), tricky(8192, 2), tricky(100, 3)]
    const request = await sdkChunkedUpload({ chunks })
    expect(verify(request, SIGNED_AT).payload).toEqual(Buffer.concat(chunks))
  })

  it('rejects the same chunks in another order', async () => {
    const chunks = [tricky(8192, 1), tricky(8192, 2)]
    const request = await sdkChunkedUpload({ chunks })
    const headerLength = '2000;chunk-signature='.length + 64 + 2
    const chunkLength = headerLength + 8192 + 2
    const swapped = Buffer.concat([request.body.subarray(chunkLength, 2 * chunkLength), request.body.subarray(0, chunkLength), request.body.subarray(2 * chunkLength)])
    expect(() => verify({ ...request, body: swapped }, SIGNED_AT)).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }))
  })

  it('rejects a payload longer than x-amz-decoded-content-length', async () => {
    const request = await sdkChunkedUpload({ chunks: [tricky(1000, 1)], decodedLength: 999 })
    expect(() => verify(request, SIGNED_AT)).toThrow(
      expect.objectContaining({ code: 'IncompleteBody', message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.' }),
    )
  })

  it('requires x-amz-decoded-content-length', async () => {
    const request = await sdkChunkedUpload({ chunks: [tricky(10, 1)], decodedLength: null })
    expect(() => verify(request, SIGNED_AT)).toThrow(expect.objectContaining({ code: 'MissingContentLength', status: 411 }))
  })

  it('refuses an x-amz-decoded-content-length left out of the signature', async () => {
    const request = await sdkChunkedUpload({ chunks: [tricky(10, 1)], unsigned: ['x-amz-decoded-content-length'] })
    expect(() => verify(request, SIGNED_AT)).toThrow(
      expect.objectContaining({ code: 'AccessDenied', fields: { HeadersNotSigned: 'x-amz-decoded-content-length' } }),
    )
  })

  it('verifies a signed trailer with its checksum', async () => {
    const payload = Buffer.from('123456789')
    const request = await sdkChunkedUpload({ chunks: [payload], trailers: { 'x-amz-checksum-crc32c': '4waSgw==' } })
    expect(verify(request, SIGNED_AT)).toEqual({ payload, trailers: { 'x-amz-checksum-crc32c': '4waSgw==' } })
  })

  it('rejects a signed trailer whose value was changed', async () => {
    const request = await sdkChunkedUpload({ chunks: [Buffer.from('123456789')], trailers: { 'x-amz-checksum-crc32c': '4waSgw==' } })
    const body = Buffer.from(request.body.toString('latin1').replace('4waSgw==', 'AAAAAA=='), 'latin1')
    expect(() => verify({ ...request, body }, SIGNED_AT)).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }))
  })
})

describe('aws-chunked: STREAMING-UNSIGNED-PAYLOAD-TRAILER', () => {
  // Check values of "123456789" for each algorithm (CRC catalogue), base64 of the big-endian digest.
  const checksums = [
    { name: 'x-amz-checksum-crc32', value: 'y/Q5Jg==', algorithm: 'CRC32' },
    { name: 'x-amz-checksum-crc32c', value: '4waSgw==', algorithm: 'CRC32C' },
    { name: 'x-amz-checksum-crc64nvme', value: 'rosUhgp5mIg=', algorithm: 'CRC64NVME' },
    { name: 'x-amz-checksum-sha1', value: createHash('sha1').update('123456789').digest('base64'), algorithm: 'SHA1' },
    { name: 'x-amz-checksum-sha256', value: createHash('sha256').update('123456789').digest('base64'), algorithm: 'SHA256' },
  ]

  it.each(checksums)('accepts the right $name', async ({ name, value }) => {
    const request = await sdkChunkedUpload({ chunks: [Buffer.from('1234'), Buffer.from('56789')], contentSha256: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', trailers: { [name]: value } })
    expect(verify(request, SIGNED_AT)).toEqual({ payload: Buffer.from('123456789'), trailers: { [name]: value } })
  })

  it.each(checksums)('rejects a wrong $name with BadDigest', async ({ name, algorithm }) => {
    const request = await sdkChunkedUpload({ chunks: [Buffer.from('123456780')], contentSha256: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', trailers: { [name]: 'AAAAAAAAAAA=' } })
    expect(() => verify(request, SIGNED_AT)).toThrow(
      expect.objectContaining({ code: 'BadDigest', message: `The ${algorithm} you specified did not match the calculated checksum.` }),
    )
  })

  it('rejects an upload without the trailer it announced', async () => {
    const request = await sdkChunkedUpload({ chunks: [Buffer.from('123456789')], contentSha256: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', trailers: { 'x-amz-checksum-crc32': 'y/Q5Jg==' } })
    const body = Buffer.from(request.body.toString('latin1').replace('x-amz-checksum-crc32:y/Q5Jg==\r\n', ''), 'latin1')
    expect(() => verify({ ...request, body }, SIGNED_AT)).toThrow(expect.objectContaining({ code: 'IncompleteBody' }))
  })
})
