// The aws-chunked body S3 uploads use, decoded incrementally and verified chunk by chunk: one decoder serves both a
// body read whole (decodeAwsChunked) and a streamed one (decodeAwsChunkedStream).
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
import { createHash, type Hash } from 'node:crypto'
import type { Checksum } from '../core/checksums.js'
import { authError, type AuthErrorFamily } from './auth-error.js'
import { signaturesEqual } from './constant-time.js'
import { EMPTY_SHA256, hmacHex, sha256Hex } from './signing-key.js'
import { TRAILER_CHECKSUMS, trailerChecksumOf } from './trailer-checksum.js'

const CR = 0x0d
const LF = 0x0a
/** A chunk header (`size;chunk-signature=…`) is well under this; a longer line is not aws-chunked framing. */
const MAX_HEADER_LINE = 4096
/** Trailing headers: a few checksums and the trailer signature. */
const MAX_TRAILER_BYTES = 16 * 1024

/** What chains the chunk signatures: the request's signing key, timestamp, scope and its own (seed) signature. */
export interface ChunkSigning {
  readonly key: Buffer
  readonly timestamp: string
  /** `date/region/service/aws4_request` */
  readonly scope: string
  readonly seedSignature: string
  readonly accessKeyId: string
}

export interface ChunkedPayloadOptions {
  /** Present for STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER); absent for STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
  readonly signing?: ChunkSigning
  /** Whether trailing headers follow the last chunk (the -TRAILER variants). */
  readonly trailer: boolean
  /** The x-amz-decoded-content-length header: the payload's size. */
  readonly decodedLength: number
  /** The x-amz-trailer header's names: every one must arrive in the trailer. */
  readonly announcedTrailers: readonly string[]
  readonly family: AuthErrorFamily
}

export interface ChunkedPayload {
  readonly payload: Buffer
  /** Trailing headers by lower-case name, checksums already verified. */
  readonly trailers: Readonly<Record<string, string>>
}

export function decodeAwsChunked(body: Buffer, options: ChunkedPayloadOptions): ChunkedPayload {
  const decoder = chunkedDecoder(options)
  const pieces = decoder.push(body)
  const trailers = decoder.end()
  return { payload: pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces), trailers }
}

/**
 * The payload of a streamed aws-chunked body, piece by piece as it arrives. A chunk's bytes are passed on before its
 * signature is checked (at the chunk's end), so the reader must treat what it wrote as provisional until the stream
 * ends without throwing — S3 uploads commit only then.
 */
export async function* decodeAwsChunkedStream(body: AsyncIterable<Buffer>, options: ChunkedPayloadOptions): AsyncGenerator<Buffer, Readonly<Record<string, string>>> {
  const decoder = chunkedDecoder(options)
  for await (const chunk of body) {
    for (const piece of decoder.push(chunk)) yield piece
  }
  return decoder.end()
}

interface ChunkedDecoder {
  /** The payload bytes in `input` (views into it). */
  push(input: Buffer): Buffer[]
  /** Checks what follows the final chunk, the decoded length and the trailers; returns the trailers. */
  end(): Record<string, string>
}

function chunkedDecoder(options: ChunkedPayloadOptions): ChunkedDecoder {
  const { signing, family } = options
  const truncated = () => authError({ kind: 'MalformedChunkedBody', message: 'The request body terminated unexpectedly' }, family)
  let state: 'header' | 'data' | 'data-end' | 'final' = 'header'
  let line = Buffer.alloc(0) // a header line, or the bytes after the final chunk
  let remaining = 0 // data bytes left in the current chunk
  let chunkHash: Hash | undefined
  let providedSignature = ''
  let previousSignature = signing?.seedSignature ?? ''
  let decoded = 0
  const checksums = new Map<string, Checksum>()
  for (const name of options.announcedTrailers) {
    const checksum = trailerChecksumOf(name)
    if (checksum) checksums.set(name, checksum)
  }

  const verifyChunk = (dataHash: string) => {
    if (!signing) return
    const stringToSign = ['AWS4-HMAC-SHA256-PAYLOAD', signing.timestamp, signing.scope, previousSignature, EMPTY_SHA256, dataHash].join('\n')
    if (!signaturesEqual(hmacHex(signing.key, stringToSign), providedSignature)) {
      throw authError({ kind: 'ChunkSignatureMismatch', accessKeyId: signing.accessKeyId, signatureProvided: providedSignature, stringToSign }, family)
    }
    previousSignature = providedSignature
  }

  const startChunk = (header: string) => {
    const [sizeText = '', ...extensions] = header.split(';')
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw truncated()
    remaining = Number.parseInt(sizeText, 16)
    providedSignature = extensions.find((extension) => extension.startsWith('chunk-signature='))?.slice('chunk-signature='.length) ?? ''
    if (remaining === 0) {
      verifyChunk(EMPTY_SHA256)
      state = 'final'
      return
    }
    chunkHash = signing ? createHash('sha256') : undefined
    state = 'data'
  }

  return {
    push(input) {
      const out: Buffer[] = []
      let position = 0
      while (position < input.length) {
        switch (state) {
          case 'header': {
            // A CRLF split across two pushes: the CR ended the previous one.
            if (line.length > 0 && line[line.length - 1] === CR && input[position] === LF) {
              const header = line.subarray(0, -1).toString('latin1')
              line = Buffer.alloc(0)
              position += 1
              startChunk(header)
              break
            }
            const lineEnd = input.indexOf('\r\n', position)
            if (lineEnd < 0) {
              line = Buffer.concat([line, input.subarray(position)])
              if (line.length > MAX_HEADER_LINE) throw truncated()
              position = input.length
              break
            }
            const header = Buffer.concat([line, input.subarray(position, lineEnd)]).toString('latin1')
            line = Buffer.alloc(0)
            position = lineEnd + 2
            startChunk(header)
            break
          }
          case 'data': {
            const piece = input.subarray(position, position + remaining)
            position += piece.length
            remaining -= piece.length
            decoded += piece.length
            chunkHash?.update(piece)
            for (const checksum of checksums.values()) checksum.update(piece)
            out.push(piece)
            if (remaining === 0) {
              verifyChunk(chunkHash ? chunkHash.digest('hex') : '')
              state = 'data-end'
            }
            break
          }
          case 'data-end': {
            // The CRLF after a chunk's data, possibly split across pushes.
            const taken = input.subarray(position, position + 2 - line.length)
            line = Buffer.concat([line, taken])
            position += taken.length
            if (line.length < 2) break
            if (line[0] !== CR || line[1] !== LF) throw truncated()
            line = Buffer.alloc(0)
            state = 'header'
            break
          }
          case 'final': {
            line = Buffer.concat([line, input.subarray(position)])
            if (line.length > MAX_TRAILER_BYTES) throw truncated()
            position = input.length
            break
          }
        }
      }
      return out
    },

    end() {
      if (state !== 'final') throw truncated()
      // Without trailers only the closing CRLF may follow the final chunk (some clients leave it out). Anything else
      // would be bytes no signature covers. The message is ours: AWS documents none for this case.
      if (!options.trailer && line.length > 0 && !(line.length === 2 && line[0] === CR && line[1] === LF)) {
        throw authError({ kind: 'MalformedChunkedBody', message: 'The request body has data after its final chunk' }, family)
      }
      const trailers = options.trailer ? readTrailers(line, previousSignature, options) : {}
      if (decoded !== options.decodedLength) throw authError({ kind: 'MalformedChunkedBody', message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.' }, family)
      for (const [name, value] of Object.entries(trailers)) {
        const algorithm = TRAILER_CHECKSUMS[name]
        if (!algorithm) continue
        const checksum = checksums.get(name)
        // A checksum trailer that x-amz-trailer did not announce was not computed as the data passed.
        if (!checksum || checksum.digest() !== value) throw authError({ kind: 'TrailerChecksumMismatch', algorithm }, family)
      }
      return trailers
    },
  }
}

// After the final chunk: `name:value\r\n` lines, then for signed uploads `x-amz-trailer-signature:…\r\n`, then
// an empty line. The trailer signature chains from the last chunk's signature over `name:value\n` lines.
function readTrailers(section: Buffer, previousSignature: string, options: ChunkedPayloadOptions): Record<string, string> {
  const { signing, family } = options
  const lines = section.toString('utf8').split('\r\n')
  const trailers: Record<string, string> = {}
  let canonical = ''
  let provided: string | undefined
  for (const line of lines) {
    if (line === '') break
    const colon = line.indexOf(':')
    if (colon < 0) throw authError({ kind: 'MalformedChunkedBody', message: 'The request body terminated unexpectedly' }, family)
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (name === 'x-amz-trailer-signature') {
      provided = value
      continue
    }
    trailers[name] = value
    canonical += `${name}:${value}\n`
  }
  for (const name of options.announcedTrailers) {
    if (trailers[name] === undefined) throw authError({ kind: 'MalformedChunkedBody', message: 'The request body terminated unexpectedly' }, family)
  }
  if (signing) {
    const stringToSign = ['AWS4-HMAC-SHA256-TRAILER', signing.timestamp, signing.scope, previousSignature, sha256Hex(canonical)].join('\n')
    if (!signaturesEqual(hmacHex(signing.key, stringToSign), provided ?? '')) {
      throw authError({ kind: 'ChunkSignatureMismatch', accessKeyId: signing.accessKeyId, signatureProvided: provided ?? '', stringToSign }, family)
    }
  }
  return trailers
}
