// Fixtures shared by the Organizations suites (operations, enforcement, and the suites of other services that need an
// organization): SDK clients per caller, an IAM user with full access, a role session, member accounts made with
// CreateAccount, and a started server whose default account has created an organization.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import {
  CreateAccountCommand, CreateOrganizationCommand, DescribeCreateAccountStatusCommand, ListRootsCommand, OrganizationsClient,
} from '@aws-sdk/client-organizations'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

export interface Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

const REGION = 'us-east-1'

/** `clockOffsetMs` signs as if the time were that far ahead, for a server whose clock was moved forward. */
export function organizationsClient(server: { readonly url: string }, credentials: Credentials, clockOffsetMs = 0): OrganizationsClient {
  return new OrganizationsClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1, systemClockOffset: clockOffsetMs })
}

const allowAll = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })

/** An IAM user `userName`, made by `credentials` in their account, with an allow-all inline policy; its access key. */
export async function fullAccessUser(server: { readonly url: string }, credentials: Credentials, userName: string): Promise<Credentials> {
  const client = new IAMClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1 })
  await client.send(new CreateUserCommand({ UserName: userName }))
  await client.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'admin', PolicyDocument: allowAll }))
  const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: userName }))
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }
}

/** The role CreateAccount makes in a new member account for the management account's principals. */
export const organizationAccessRole = (accountId: string): string => `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`

/** A session of `roleArn`, assumed with `credentials`. */
export async function assumeRole(
  server: { readonly url: string },
  credentials: Credentials,
  roleArn: string,
  options: { sessionName?: string; clockOffsetMs?: number } = {},
): Promise<Credentials> {
  const client = new STSClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1, systemClockOffset: options.clockOffsetMs ?? 0 })
  const { Credentials: session } = await client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: options.sessionName ?? 'ops-test' }))
  return { accessKeyId: session!.AccessKeyId!, secretAccessKey: session!.SecretAccessKey!, sessionToken: session!.SessionToken! }
}

/** CreateAccount, then DescribeCreateAccountStatus until it has succeeded; the new account's id. */
export async function createMemberAccount(org: OrganizationsClient, name: string, extra: { RoleName?: string } = {}): Promise<string> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`
  const { CreateAccountStatus } = await org.send(new CreateAccountCommand({ AccountName: name, Email: email, ...extra }))
  for (let attempt = 0; attempt < 50; attempt++) {
    const { CreateAccountStatus: status } = await org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: CreateAccountStatus!.Id! }))
    if (status!.State === 'SUCCEEDED') return status!.AccountId!
    if (status!.State === 'FAILED') throw new Error(`CreateAccount failed: ${status!.FailureReason}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('CreateAccount did not finish')
}

export interface OrganizationServer {
  readonly server: TestPalisade
  /** Signs as the management account's root user. */
  readonly org: OrganizationsClient
  readonly organizationId: string
  readonly rootId: string
}

/** Starts a server whose default account creates an organization (all features) as its root user. */
export async function startOrganization(): Promise<OrganizationServer> {
  const server = await startTestPalisade()
  const org = organizationsClient(server, server.root)
  const organizationId = (await org.send(new CreateOrganizationCommand({}))).Organization!.Id!
  const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!
  return { server, org, organizationId, rootId }
}
