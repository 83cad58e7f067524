// canonicalRequest and stringToSign: tasks 1 and 2 of SigV4 signing, rebuilt on the server side.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
import type { HttpRequest } from '../core/http.js'
import { canonicalHeaders } from './canonical-headers.js'
import { canonicalQuery } from './canonical-query.js'
import { canonicalUri } from './canonical-uri.js'
import { formatScope, SIGV4_ALGORITHM, type SignedRequest } from './signed-request.js'
import { sha256Hex } from './signing-key.js'

export interface CanonicalRequestOptions {
  readonly pathRules: 's3' | 'normalized'
  /** The hex SHA-256 of the body, or a literal such as UNSIGNED-PAYLOAD or STREAMING-AWS4-HMAC-SHA256-PAYLOAD. */
  readonly payloadHash: string
}

export function canonicalRequest(request: HttpRequest, signed: SignedRequest, options: CanonicalRequestOptions): string {
  // Concatenated rather than joined from an array: this runs for every signed request.
  return request.method + '\n'
    + canonicalUri(request.path, options.pathRules) + '\n'
    + canonicalQuery(request.query, signed.form === 'query' ? 'X-Amz-Signature' : undefined) + '\n'
    + canonicalHeaders(request.headers, signed.signedHeaders) + '\n' // each header line ends with \n: a blank line follows them
    + signed.signedHeaders.join(';') + '\n'
    + options.payloadHash
}

/** `scope` is formatScope(signed.scope), passed by a caller that needs it too. */
export function stringToSign(signed: SignedRequest, canonical: string, scope = formatScope(signed.scope)): string {
  return SIGV4_ALGORITHM + '\n' + signed.timestamp + '\n' + scope + '\n' + sha256Hex(canonical)
}
