// Fixtures for the Organizations enforcement suites: a server holding two accounts with root credentials (the
// management account and a standalone account that can be invited), the organization tree of the issue
// (root → Prod → Regulated → accounts), a created member account's admin role, and policy helpers.
import { IAMClient } from '@aws-sdk/client-iam'
import {
  AcceptHandshakeCommand, AttachPolicyCommand, CreateOrganizationalUnitCommand, CreateOrganizationCommand,
  CreatePolicyCommand, EnablePolicyTypeCommand, InviteAccountToOrganizationCommand,
  ListRootsCommand, MoveAccountCommand, OrganizationsClient,
} from '@aws-sdk/client-organizations'
import { STSClient } from '@aws-sdk/client-sts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { startPalisade, type Palisade } from '../../src/app/start-palisade.js'
import { readConfig } from '../../src/config/config.js'
import { silentLogger } from '../../src/core/logger.js'
import { TEST_ROOT_ACCESS_KEY_ID, TEST_ROOT_SECRET_ACCESS_KEY } from '../support/palisade.js'
import { assumeRole, createMemberAccount, fullAccessUser, organizationAccessRole, organizationsClient, type Credentials } from './org-support.js'

export type { Credentials } from './org-support.js'

export const MANAGEMENT = '000000000000'
/** An account that exists before the organization, with its own root credentials: it joins by invitation. */
export const INVITED = '222222222222'
const INVITED_ROOT: Credentials = { accessKeyId: 'AKIAPALISADEINVITED1', secretAccessKey: 'palisade/test/invited/root/secret/key/00' }
const REGION = 'us-east-1'

export interface TwoAccountPalisade {
  readonly url: string
  /** The management account's root user (the server's default account). */
  readonly managementRoot: Credentials
  /** The invited account's root user. */
  readonly invitedRoot: Credentials
  readonly dataDir: string
  /** Stops the server, keeping its data directory (for `palisade billing`). */
  close(): Promise<void>
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>
}

/**
 * One data directory started twice: first with the account to be invited as the default account (which gives its
 * root user credentials), then with the management account as the default; both accounts and their root keys stay.
 */
export async function startTwoAccountPalisade(): Promise<TwoAccountPalisade> {
  const dataDir = mkdtempSync(join(tmpdir(), 'palisade-org-'))
  const start = (accountId: string, root: Credentials): Promise<Palisade> =>
    startPalisade(readConfig(['--port', '0', '--data-dir', dataDir, '--account-id', accountId, '--root-access-key-id', root.accessKeyId, '--root-secret-access-key', root.secretAccessKey], {}), { log: silentLogger })
  await (await start(INVITED, INVITED_ROOT)).close()
  const managementRoot = { accessKeyId: TEST_ROOT_ACCESS_KEY_ID, secretAccessKey: TEST_ROOT_SECRET_ACCESS_KEY }
  const palisade = await start(MANAGEMENT, managementRoot)
  let closed = false
  const close = async () => {
    if (!closed) await palisade.close()
    closed = true
  }
  return {
    url: palisade.url,
    managementRoot,
    invitedRoot: INVITED_ROOT,
    dataDir,
    close,
    async stop() {
      await close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export function organizations(server: { readonly url: string }, credentials: Credentials): OrganizationsClient {
  return organizationsClient(server, credentials)
}

export function iam(server: { readonly url: string }, credentials: Credentials): IAMClient {
  return new IAMClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1 })
}

export function sts(server: { readonly url: string }, credentials: Credentials): STSClient {
  return new STSClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1 })
}

export interface OrganizationTree {
  readonly organizationId: string
  readonly rootId: string
  readonly prodId: string
  readonly regulatedId: string
  /** The account CreateAccount made, placed in Regulated. */
  readonly createdAccountId: string
}

/**
 * CreateOrganization (all features) with SCPs enabled, root → Prod → Regulated, a created account moved into
 * Regulated and, when `invite` is set, the invited account joined (its root user accepts) and moved there too.
 */
export async function buildTree(server: TwoAccountPalisade, options: { readonly invite: boolean; readonly rcps?: boolean }): Promise<OrganizationTree> {
  const org = organizations(server, server.managementRoot)
  const { Organization } = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))
  const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!
  await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }))
  if (options.rcps) await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' }))
  const prodId = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Prod' }))).OrganizationalUnit!.Id!
  const regulatedId = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: prodId, Name: 'Regulated' }))).OrganizationalUnit!.Id!
  const createdAccountId = await createAccount(org, 'Regulated workload')
  await org.send(new MoveAccountCommand({ AccountId: createdAccountId, SourceParentId: rootId, DestinationParentId: regulatedId }))
  if (options.invite) {
    await inviteAndAccept(server)
    await org.send(new MoveAccountCommand({ AccountId: INVITED, SourceParentId: rootId, DestinationParentId: regulatedId }))
  }
  return { organizationId: Organization!.Id!, rootId, prodId, regulatedId, createdAccountId }
}

/** The management account invites INVITED; its root user accepts. */
export async function inviteAndAccept(server: TwoAccountPalisade): Promise<void> {
  const org = organizations(server, server.managementRoot)
  const { Handshake } = await org.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: INVITED } }))
  await organizations(server, server.invitedRoot).send(new AcceptHandshakeCommand({ HandshakeId: Handshake!.Id! }))
}

export function createAccount(org: OrganizationsClient, name: string): Promise<string> {
  return createMemberAccount(org, name)
}

/**
 * An IAM user `admin` of the management account with AdministratorAccess and an access key: the root user cannot
 * assume roles, so this is who assumes the member accounts' OrganizationAccountAccessRole.
 */
export function managementAdmin(server: { readonly url: string; readonly managementRoot: Credentials }): Promise<Credentials> {
  return fullAccessUser(server, server.managementRoot, 'admin')
}

/** A session of `accountId`'s OrganizationAccountAccessRole, assumed by the management account's admin. */
export function memberAdminRole(server: { readonly url: string }, admin: Credentials, accountId: string): Promise<Credentials> {
  return assumeRole(server, admin, organizationAccessRole(accountId), { sessionName: 'operator' })
}

/** An IAM user of a member account with AdministratorAccess and an access key, created through its admin role. */
export function memberUser(server: { readonly url: string }, role: Credentials, name: string): Promise<Credentials> {
  return fullAccessUser(server, role, name)
}

/** Creates an SCP (or RCP) of the statements given and attaches it to `targetId`; returns its id. */
export async function attachNewPolicy(
  org: OrganizationsClient,
  name: string,
  targetId: string,
  statements: readonly Record<string, unknown>[],
  type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY' = 'SERVICE_CONTROL_POLICY',
): Promise<string> {
  const { Policy } = await org.send(new CreatePolicyCommand({
    Name: name,
    Description: name,
    Type: type,
    Content: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
  }))
  const policyId = Policy!.PolicySummary!.Id!
  await org.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: targetId }))
  return policyId
}

/** The promise rejects with AccessDenied (HTTP 403) whose message matches `reason`. */
export async function expectDenied(promise: Promise<unknown>, reason: string | RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } },
  )
  expect(error, 'expected AccessDenied, the call succeeded').toBeDefined()
  expect(error?.name).toMatch(/^AccessDenied(Exception)?$/)
  expect(error?.$metadata?.httpStatusCode).toBe(error?.name === 'AccessDeniedException' ? 400 : 403)
  expect(error?.message).toMatch(reason)
}
