// Fixtures for the Organizations operations suites: AWS error expectations and policy documents; the clients,
// accounts and sessions they share with the enforcement suites come from org-support.ts.
import { expect } from 'vitest'
import { fullAccessUser, type Credentials } from './org-support.js'

export { assumeRole, createMemberAccount, organizationAccessRole, organizationsClient, startOrganization, type Credentials } from './org-support.js'

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

/**
 * An IAM user of the server's default account with full access: the root user cannot assume roles, so this user
 * assumes the member accounts' OrganizationAccountAccessRole.
 */
export function adminUser(server: { readonly url: string }, root: Credentials, userName = 'org-admin'): Promise<Credentials> {
  return fullAccessUser(server, root, userName)
}
