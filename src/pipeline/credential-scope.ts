// credentialScope: the region and service a request's SigV4 credential scope names, read once per request for
// routing and the reported region (sigv4/ checks the whole signature later).
import type { HttpRequest } from '../core/http.js'

export interface CredentialScopeNames {
  readonly region: string
  readonly service: string
}

const HEADER_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/
const QUERY_SCOPE = /(?:^|&)X-Amz-Credential=[^&]*?(?:%2F|\/)\d{8}(?:%2F|\/)([^&%/]+)(?:%2F|\/)([^&%/]+)(?:%2F|\/)aws4_request/i

/** Undefined for an unsigned request, or one whose scope does not parse (authentication then says why). */
export function credentialScope(request: HttpRequest): CredentialScopeNames | undefined {
  const authorization = request.headers['authorization']
  const match = authorization !== undefined
    ? HEADER_SCOPE.exec(authorization)
    : request.query.includes('X-Amz-Credential') ? QUERY_SCOPE.exec(request.query) : null
  return match ? { region: match[1]!, service: match[2]! } : undefined
}
