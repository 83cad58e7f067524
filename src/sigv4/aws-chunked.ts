// decodeAwsChunked: the aws-chunked body S3 uploads use, verified chunk by chunk and returned as the payload.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
import { authError, type AuthErrorFamily } from './auth-error.js'
import { signaturesEqual } from './constant-time.js'
import { hmacHex, sha256Hex } from './signing-key.js'
import { TRAILER_CHECKSUMS, trailerChecksum } from './trailer-checksum.js'

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const CRLF = Buffer.from('\r\n')

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
  const { signing, family } = options
  const truncated = () => authError({ kind: 'MalformedChunkedBody', message: 'The request body terminated unexpectedly' }, family)
  const chunks: Buffer[] = []
  let position = 0
  let previousSignature = signing?.seedSignature ?? ''
  for (;;) {
    const lineEnd = body.indexOf(CRLF, position)
    if (lineEnd < 0) throw truncated()
    const [sizeText = '', ...extensions] = body.subarray(position, lineEnd).toString('latin1').split(';')
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw truncated()
    const size = Number.parseInt(sizeText, 16)
    const dataStart = lineEnd + 2
    const data = body.subarray(dataStart, dataStart + size)
    if (data.length !== size) throw truncated()
    if (signing) {
      const provided = extensions.find((extension) => extension.startsWith('chunk-signature='))?.slice('chunk-signature='.length) ?? ''
      const stringToSign = ['AWS4-HMAC-SHA256-PAYLOAD', signing.timestamp, signing.scope, previousSignature, EMPTY_SHA256, sha256Hex(data)].join('\n')
      if (!signaturesEqual(hmacHex(signing.key, stringToSign), provided)) {
        throw authError({ kind: 'ChunkSignatureMismatch', accessKeyId: signing.accessKeyId, signatureProvided: provided, stringToSign }, family)
      }
      previousSignature = provided
    }
    if (size === 0) {
      position = dataStart
      break
    }
    chunks.push(data)
    position = dataStart + size
    if (!body.subarray(position, position + 2).equals(CRLF)) throw truncated()
    position += 2
  }

  // Without trailers only the closing CRLF may follow the final chunk (some clients leave it out). Anything else
  // would be bytes no signature covers. The message is ours: AWS documents none for this case.
  if (!options.trailer && position < body.length && !body.subarray(position).equals(CRLF)) {
    throw authError({ kind: 'MalformedChunkedBody', message: 'The request body has data after its final chunk' }, family)
  }
  const trailers = options.trailer ? readTrailers(body, position, previousSignature, options) : {}
  const payload = Buffer.concat(chunks)
  if (payload.length !== options.decodedLength) throw authError({ kind: 'MalformedChunkedBody', message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.' }, family)
  for (const [name, value] of Object.entries(trailers)) {
    const algorithm = TRAILER_CHECKSUMS[name]
    if (algorithm && trailerChecksum(name, payload) !== value) throw authError({ kind: 'TrailerChecksumMismatch', algorithm }, family)
  }
  return { payload, trailers }
}

// After the final chunk: `name:value\r\n` lines, then for signed uploads `x-amz-trailer-signature:…\r\n`, then
// an empty line. The trailer signature chains from the last chunk's signature over `name:value\n` lines.
function readTrailers(body: Buffer, start: number, previousSignature: string, options: ChunkedPayloadOptions): Record<string, string> {
  const { signing, family } = options
  const lines = body.subarray(start).toString('utf8').split('\r\n')
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
