// requestPayload: the body an operation reads, once the declared payload hash or aws-chunked framing is checked.
import { createHash } from 'node:crypto'
import type { HttpRequest, RequestBodyStream } from '../core/http.js'
import { authError, type AuthErrorFamily } from './auth-error.js'
import { decodeAwsChunked, decodeAwsChunkedStream, type ChunkedPayloadOptions, type ChunkSigning } from './aws-chunked.js'
import { declaredPayload, type DeclaredPayload } from './declared-payload.js'
import type { SignedRequest } from './signed-request.js'
import { sha256Hex } from './signing-key.js'

export interface VerifiedRequest {
  /** The body the operation sees: the request body, or the decoded payload of an aws-chunked upload. */
  readonly payload: Buffer
  /** Trailing headers of an aws-chunked upload (x-amz-checksum-*), already verified. */
  readonly trailers: Readonly<Record<string, string>>
  /**
   * A streamed body's payload (the request left its body unread): checked as it is read, so its last read throws
   * the error `payload` would have thrown — XAmzContentSHA256Mismatch, a chunk signature, a trailer checksum.
   */
  readonly payloadStream?: RequestBodyStream
}

/**
 * `signing` verifies each chunk's signature; without it (permissive mode, where signatures are not checked)
 * the framing, x-amz-decoded-content-length and trailing checksums are still checked.
 */
export function requestPayload(request: HttpRequest, payload: DeclaredPayload, family: AuthErrorFamily, signing?: ChunkSigning): VerifiedRequest {
  if (request.bodyStream) return { payload: request.body, trailers: {}, payloadStream: streamedPayload(request.bodyStream, request, payload, family, signing) }
  switch (payload.kind) {
    case 'unsigned':
      return { payload: request.body, trailers: {} }
    case 'hashed': {
      // Non-S3 payload hashes were computed from the body itself, so only S3's declared hash can disagree.
      const computed = family === 's3' ? sha256Hex(request.body) : payload.hash
      if (computed !== payload.hash) throw authError({ kind: 'PayloadHashMismatch', provided: payload.hash, computed }, family)
      return { payload: request.body, trailers: {} }
    }
    case 'streaming':
      return decodeAwsChunked(request.body, chunkedOptions(request, payload, family, signing))
  }
}

/** The same checks as requestPayload, made as the body streams through. */
function streamedPayload(body: RequestBodyStream, request: HttpRequest, payload: DeclaredPayload, family: AuthErrorFamily, signing?: ChunkSigning): RequestBodyStream {
  switch (payload.kind) {
    case 'unsigned':
      return { [Symbol.asyncIterator]: () => body[Symbol.asyncIterator]() }
    case 'hashed':
      return { [Symbol.asyncIterator]: () => hashChecked(body, payload.hash, family) }
    case 'streaming': {
      // Framing and headers are checked before the first byte is read, as for a body read whole.
      const options = chunkedOptions(request, payload, family, signing)
      return { [Symbol.asyncIterator]: () => decodeAwsChunkedStream(body, options) }
    }
  }
}

async function* hashChecked(body: AsyncIterable<Buffer>, declared: string, family: AuthErrorFamily): AsyncGenerator<Buffer> {
  const hash = createHash('sha256')
  for await (const chunk of body) {
    hash.update(chunk)
    yield chunk
  }
  const computed = hash.digest('hex')
  if (computed !== declared) throw authError({ kind: 'PayloadHashMismatch', provided: declared, computed }, family)
}

function chunkedOptions(request: HttpRequest, payload: Extract<DeclaredPayload, { kind: 'streaming' }>, family: AuthErrorFamily, signing?: ChunkSigning): ChunkedPayloadOptions {
  const decodedLength = request.headers['x-amz-decoded-content-length']
  if (decodedLength === undefined || !/^\d+$/.test(decodedLength)) throw authError({ kind: 'MissingDecodedLength' }, family)
  const announced = (request.headers['x-amz-trailer'] ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean)
  return {
    ...(payload.signedChunks && signing && { signing }),
    trailer: payload.trailer,
    decodedLength: Number(decodedLength),
    announcedTrailers: announced,
    family,
  }
}

/**
 * The payload of a request whose signature is not checked (`--auth permissive`): an aws-chunked upload is still
 * decoded, so the operation never sees chunk framing.
 */
export function unverifiedPayload(request: HttpRequest, signed: SignedRequest, family: AuthErrorFamily): VerifiedRequest {
  return requestPayload(request, declaredPayload(request, signed, family), family)
}
