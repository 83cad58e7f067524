// Fixtures for the Organizations operations suites: an SDK client per caller and AWS error expectations.
import { OrganizationsClient } from '@aws-sdk/client-organizations'
import { expect } from 'vitest'

export interface Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

export function organizationsClient(server: { readonly url: string }, credentials: Credentials): OrganizationsClient {
  return new OrganizationsClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 })
}

/** The call fails with the AWS error `name` (HTTP 400, as every Organizations error), its Reason when given. */
export async function expectAwsError(promise: Promise<unknown>, name: string, expected: { reason?: string; message?: string | RegExp } = {}): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown as { name?: string; message?: string; Reason?: string; $metadata?: { httpStatusCode?: number } },
  )
  expect(error, `expected ${name}, the call succeeded`).toBeDefined()
  expect(error?.name).toBe(name)
  expect(error?.$metadata?.httpStatusCode).toBe(400)
  if (expected.reason !== undefined) expect(error?.Reason).toBe(expected.reason)
  if (expected.message !== undefined) expect(error?.message).toMatch(expected.message)
}

export const scp = (statements: readonly Record<string, unknown>[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements })
