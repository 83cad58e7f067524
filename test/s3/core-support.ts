// Test helpers for the S3 core suites: an SDK client for a started Palisade (path-style, one attempt).
import { S3Client } from '@aws-sdk/client-s3'

interface Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

/** Signs as `credentials`, by default the root user of the server's default account. */
export function s3Client(server: { readonly url: string; readonly root: Credentials }, credentials: Credentials = server.root): S3Client {
  return new S3Client({ endpoint: server.url, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 })
}
