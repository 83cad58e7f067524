// Test helpers for the KMS suites: an SDK client for a started Palisade.
import { KMSClient } from '@aws-sdk/client-kms'
import type { TestPalisade } from '../support/palisade.js'

export function kmsClient(palisade: TestPalisade, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = palisade.root): KMSClient {
  return new KMSClient({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1 })
}
