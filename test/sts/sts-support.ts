// Helpers for the STS suites: STS clients for any credentials, and a role a test user may assume.
import { CreateRoleCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { STSClient, type Credentials } from '@aws-sdk/client-sts'
import type { TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allow, rootClient } from '../iam/enforcement-support.js'

export { ACCOUNT, allow, createTestUser, expectDenied, policy, rootClient } from '../iam/enforcement-support.js'

export interface SigningCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

export function stsClient(palisade: TestPalisade, credentials: SigningCredentials = palisade.root, options: { systemClockOffset?: number } = {}): STSClient {
  return new STSClient({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1, ...options })
}

/** The SDK's credentials shape from an STS answer. */
export function signingCredentials(credentials: Credentials | undefined): SigningCredentials {
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) throw new Error('no credentials in the answer')
  return { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken }
}

/**
 * A trust policy that trusts the whole account (identity policies then decide), for AssumeRole and, by default, for
 * passing session tags and a source identity too.
 */
export function trustAccount(actions: readonly string[] = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: actions }] })
}

/** Creates a role as root; `permissions` becomes its inline policy. Returns its ARN. */
export async function createRole(
  palisade: TestPalisade,
  name: string,
  options: { trust?: string; permissions?: string; maxSessionDuration?: number; path?: string } = {},
): Promise<string> {
  const iam = rootClient(palisade)
  const { Role } = await iam.send(new CreateRoleCommand({
    RoleName: name,
    AssumeRolePolicyDocument: options.trust ?? trustAccount(),
    ...(options.maxSessionDuration !== undefined && { MaxSessionDuration: options.maxSessionDuration }),
    ...(options.path !== undefined && { Path: options.path }),
  }))
  if (options.permissions) await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'permissions', PolicyDocument: options.permissions }))
  return Role!.Arn!
}

/** Lets a user assume any role (their identity-policy side of AssumeRole). */
export async function allowUserToAssumeRoles(palisade: TestPalisade, userName: string): Promise<void> {
  await rootClient(palisade).send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'assume', PolicyDocument: allow(['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity', 'sts:GetFederationToken']) }))
}
