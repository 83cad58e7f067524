// The AWS SDK's own signer (@smithy/signature-v4), and the wire form of what it signs, for verification tests.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'
import type { HttpRequest as SdkRequest, SourceData } from '@smithy/types'
import type { HttpRequest } from '../../../src/core/http.js'

export const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE'
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

/** The SHA-256 / HMAC-SHA-256 constructor the signer wants, on node:crypto. */
class NodeSha256 {
  private hash: Hash | Hmac
  constructor(private readonly secret?: SourceData) {
    this.hash = NodeSha256.start(secret)
  }
  private static start(secret?: SourceData): Hash | Hmac {
    return secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret))
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data))
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest())
  }
  reset(): void {
    this.hash = NodeSha256.start(this.secret)
  }
}

export interface SignerOptions {
  readonly service: string
  readonly region?: string
  readonly sessionToken?: string
  /** S3: false (the path is signed as sent); every other service: true. */
  readonly uriEscapePath?: boolean
  /** S3: true (adds x-amz-content-sha256). */
  readonly applyChecksum?: boolean
}

export function sdkSigner(options: SignerOptions): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, ...(options.sessionToken && { sessionToken: options.sessionToken }) },
    region: options.region ?? 'us-east-1',
    service: options.service,
    sha256: NodeSha256,
    uriEscapePath: options.uriEscapePath ?? true,
    applyChecksum: options.applyChecksum ?? false,
  })
}

/** What the SDK's HTTP handler sends for a signed request: its path as is, its query encoded and sorted. */
export function toWire(request: SdkRequest): HttpRequest {
  const query = Object.keys(request.query ?? {})
    .sort()
    .flatMap((name) => {
      const value = request.query![name]
      const values = Array.isArray(value) ? value : [value]
      return values.map((v) => (v === null || v === undefined ? escapeUri(name) : `${escapeUri(name)}=${escapeUri(v)}`))
    })
    .join('&')
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body as string | Uint8Array)
  return { method: request.method, path: request.path, query, headers, body, remoteAddress: '127.0.0.1', secure: true }
}

export function sdkRequest(fields: Partial<SdkRequest> & { hostname: string }): SdkRequest {
  return {
    method: 'GET',
    protocol: 'https:',
    path: '/',
    query: {},
    ...fields,
    headers: { host: fields.hostname, ...fields.headers },
  }
}

function bytes(data: SourceData): Buffer | string {
  if (typeof data === 'string') return data
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return Buffer.from(data)
}

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}
