// A loopback server that only verifies SigV4 signatures and records the verdicts, for real-client tests.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isAwsError } from '../../../src/core/aws-error.js'
import { readBody, toHttpRequest } from '../../../src/server/node-adapter.js'
import { readSignature, verifySignature, type AuthErrorFamily } from '../../../src/sigv4/index.js'
import { SECRET_ACCESS_KEY } from './sdk-signer.js'

export interface Verdict {
  readonly method: string
  readonly form?: 'header' | 'query'
  readonly contentSha256?: string
  readonly payload?: string
  readonly error?: string
}

export interface VerifyingServer {
  readonly endpoint: string
  readonly verdicts: Verdict[]
  close(): Promise<void>
}

const IAM_LIST_USERS =
  '<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><Users/><IsTruncated>false</IsTruncated></ListUsersResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListUsersResponse>'

/**
 * Paths under /bucket are S3 (path-style); everything else is a query-protocol call answered as IAM ListUsers.
 * The real clients sign with the real clock, so `now` is the real clock here; every other test injects time.
 */
export async function startVerifyingServer(now: () => Date): Promise<VerifyingServer> {
  const verdicts: Verdict[] = []
  const server: Server = createServer(async (req, res) => {
    const request = toHttpRequest(req, await readBody(req, 1024 * 1024))
    const s3 = request.path.startsWith('/bucket')
    const family: AuthErrorFamily = s3 ? 's3' : 'query'
    try {
      const signed = readSignature(request, family)
      if (!signed) throw new Error('unsigned request')
      const verified = verifySignature(request, signed, SECRET_ACCESS_KEY, now(), { family, region: 'us-east-1', service: s3 ? 's3' : 'iam' })
      verdicts.push({ method: request.method, form: signed.form, contentSha256: request.headers['x-amz-content-sha256'], payload: verified.payload.toString() })
    } catch (error) {
      verdicts.push({ method: request.method, error: isAwsError(error) ? `${error.code}: ${error.message}` : String(error) })
    }
    if (s3) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', etag: '"0123456789abcdef0123456789abcdef"', 'content-length': request.method === 'GET' ? 11 : 0 })
      res.end(request.method === 'GET' ? 'object body' : '')
    } else {
      res.writeHead(200, { 'content-type': 'text/xml' })
      res.end(IAM_LIST_USERS)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    verdicts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
