// declaredPayload: the payload hash line of the canonical request, and how the body must then be checked.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-auth-using-authorization-header.html
import type { HttpRequest } from '../core/http.js'
import { authError, type AuthErrorFamily } from './auth-error.js'
import type { SignedRequest } from './signed-request.js'
import { sha256Hex } from './signing-key.js'
import { uriDecode } from './uri-encode.js'

export type DeclaredPayload =
  /** The body's SHA-256 is signed: the body must hash to it. */
  | { readonly kind: 'hashed'; readonly hash: string }
  | { readonly kind: 'unsigned'; readonly hash: 'UNSIGNED-PAYLOAD' }
  /** aws-chunked: chunks signed from the seed signature (`signedChunks`), trailing headers or both. */
  | { readonly kind: 'streaming'; readonly hash: string; readonly signedChunks: boolean; readonly trailer: boolean }

const STREAMING: Readonly<Record<string, { signedChunks: boolean; trailer: boolean }>> = {
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': { signedChunks: true, trailer: false },
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': { signedChunks: true, trailer: true },
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': { signedChunks: false, trailer: true },
}

const SHA256_HEX = /^[0-9a-f]{64}$/

/**
 * S3 signs whatever x-amz-content-sha256 declares (required with the header form; a presigned URL defaults to
 * UNSIGNED-PAYLOAD). Every other service signs the body's own hash, so a changed body fails the signature.
 */
export function declaredPayload(request: HttpRequest, signed: SignedRequest, family: AuthErrorFamily): DeclaredPayload {
  if (family !== 's3') return { kind: 'hashed', hash: sha256Hex(request.body) }
  const header = request.headers['x-amz-content-sha256']
  const declared = signed.form === 'query' ? (presignedContentHash(request) ?? header ?? 'UNSIGNED-PAYLOAD') : header
  if (declared === undefined) throw authError({ kind: 'MissingPayloadHash' }, family)
  if (declared === 'UNSIGNED-PAYLOAD') return { kind: 'unsigned', hash: declared }
  const streaming = STREAMING[declared]
  if (streaming) return { kind: 'streaming', hash: declared, ...streaming }
  if (SHA256_HEX.test(declared)) return { kind: 'hashed', hash: declared }
  throw authError({ kind: 'InvalidPayloadHash', provided: declared }, family)
}

function presignedContentHash(request: HttpRequest): string | undefined {
  for (const part of request.query.split('&')) {
    if (part.startsWith('X-Amz-Content-Sha256=')) return uriDecode(part.slice('X-Amz-Content-Sha256='.length))
  }
  return undefined
}
