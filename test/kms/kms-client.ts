// Test helpers for the KMS suites: an SDK client for a started Palisade.
import { KMSClient } from '@aws-sdk/client-kms'

interface Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

/** Signs as `credentials`, by default the root user of the server's default account. */
export function kmsClient(server: { readonly url: string; readonly root: Credentials }, credentials: Credentials = server.root): KMSClient {
  return new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 })
}
