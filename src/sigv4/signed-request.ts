// SignedRequest: what a SigV4 signature claims, read from the Authorization header or a presigned URL's query.

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256'

/** `20150830/us-east-1/iam/aws4_request`: the date, region and service the signing key was derived for. */
export interface CredentialScope {
  /** YYYYMMDD */
  readonly date: string
  readonly region: string
  readonly service: string
  /** Always `aws4_request` in a valid signature; kept so verification can say what was wrong. */
  readonly terminator: string
}

export interface SignedRequest {
  /** `header`: Authorization header; `query`: presigned URL (X-Amz-* query parameters). */
  readonly form: 'header' | 'query'
  readonly accessKeyId: string
  readonly scope: CredentialScope
  /** Lower-case header names, in the order the client listed them. */
  readonly signedHeaders: readonly string[]
  readonly signature: string
  /** X-Amz-Security-Token (header or query) when the request carries temporary credentials. */
  readonly sessionToken?: string
  /** The timestamp text exactly as signed: X-Amz-Date, or the Date header when there is none. */
  readonly timestamp: string
  readonly requestTime: Date
  /** Presigned URLs only: X-Amz-Expires, 1–604800 seconds. */
  readonly expiresSeconds?: number
}

export function formatScope(scope: CredentialScope): string {
  return `${scope.date}/${scope.region}/${scope.service}/${scope.terminator}`
}
