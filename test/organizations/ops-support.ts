// Fixtures for the Organizations operations suites: an SDK client per caller, AWS error expectations, an admin user
// of the management account, role sessions, and member accounts made with CreateAccount.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { CreateAccountCommand, DescribeCreateAccountStatusCommand, OrganizationsClient } from '@aws-sdk/client-organizations'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { expect } from 'vitest'

export interface Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

/** `clockOffsetMs` signs as if the time were that far ahead, for a server whose clock was moved forward. */
export function organizationsClient(server: { readonly url: string }, credentials: Credentials, clockOffsetMs = 0): OrganizationsClient {
  return new OrganizationsClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1, systemClockOffset: clockOffsetMs })
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

/**
 * An IAM user of the server's default account with an allow-all inline policy and an access key: the root user
 * cannot assume roles, so this user assumes the member accounts' OrganizationAccountAccessRole.
 */
export async function adminUser(server: { readonly url: string }, root: Credentials, userName = 'org-admin'): Promise<Credentials> {
  const client = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: root, maxAttempts: 1 })
  await client.send(new CreateUserCommand({ UserName: userName }))
  await client.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'all', PolicyDocument: scp([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }))
  const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: userName }))
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }
}

/** A session of `roleArn`, assumed with `credentials`. */
export async function assumeRole(server: { readonly url: string }, credentials: Credentials, roleArn: string, clockOffsetMs = 0): Promise<Credentials> {
  const client = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1, systemClockOffset: clockOffsetMs })
  const { Credentials: session } = await client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ops-test' }))
  return { accessKeyId: session!.AccessKeyId!, secretAccessKey: session!.SecretAccessKey!, sessionToken: session!.SessionToken! }
}

/** CreateAccount, then DescribeCreateAccountStatus until it has succeeded; the new account's id. */
export async function createMemberAccount(org: OrganizationsClient, name: string, extra: { RoleName?: string } = {}): Promise<string> {
  const { CreateAccountStatus } = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`, ...extra }))
  const { CreateAccountStatus: status } = await org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: CreateAccountStatus!.Id! }))
  expect(status!.State).toBe('SUCCEEDED')
  return status!.AccountId!
}
