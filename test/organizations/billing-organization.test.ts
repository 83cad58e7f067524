// Consolidated billing end to end: calls made by the management account, a created member account (through its admin
// role) and an invited member account (its root user), S3 bytes and KMS keys they keep, all shown in one place by
// `palisade billing` for the management account, with the organization's totals.
import { ListUsersCommand } from '@aws-sdk/client-iam'
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { billingCommand } from '../../src/cli/billing-command.js'
import {
  buildTree, iam, INVITED, managementAdmin, MANAGEMENT, memberAdminRole, startTwoAccountPalisade, sts,
  type Credentials, type OrganizationTree, type TwoAccountPalisade,
} from './enforcement-support.js'

const kms = (server: { url: string }, credentials: Credentials) => new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 })
const s3 = (server: { url: string }, credentials: Credentials) => new S3Client({ endpoint: server.url, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 })

async function billing(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await billingCommand(args, {}, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), now: () => new Date() })
  return { code, stdout, stderr }
}

describe('palisade billing for an organization', () => {
  let server: TwoAccountPalisade
  let tree: OrganizationTree

  beforeAll(async () => {
    server = await startTwoAccountPalisade()
    tree = await buildTree(server, { invite: true })
    const role = await memberAdminRole(server, await managementAdmin(server), tree.createdAccountId)
    // The created member account: 2 IAM calls, 1 KMS key, 1 S3 bucket holding 11 bytes, and its GetCallerIdentity.
    await iam(server, role).send(new ListUsersCommand({}))
    await iam(server, role).send(new ListUsersCommand({}))
    await kms(server, role).send(new CreateKeyCommand({}))
    await s3(server, role).send(new CreateBucketCommand({ Bucket: 'member-data' }))
    await s3(server, role).send(new PutObjectCommand({ Bucket: 'member-data', Key: 'a.txt', Body: 'eleven byte' }))
    await sts(server, role).send(new GetCallerIdentityCommand({}))
    // The invited account's root user: 3 STS calls.
    for (let i = 0; i < 3; i++) await sts(server, server.invitedRoot).send(new GetCallerIdentityCommand({}))
    await server.close() // writes every pending count
  })
  afterAll(() => server?.stop())

  it("shows the management account every member account's usage in one place", async () => {
    const { code, stdout } = await billing(['--data-dir', server.dataDir, '--account', MANAGEMENT, '--json'])
    expect(code).toBe(0)
    const report = JSON.parse(stdout)
    expect(report.standaloneAccounts).toEqual([])
    expect(report.organizations).toHaveLength(1)
    const [organization] = report.organizations
    expect(organization.organizationId).toBe(tree.organizationId)
    expect(organization.accounts.map((account: { accountId: string }) => account.accountId)).toEqual([MANAGEMENT, ...[tree.createdAccountId, INVITED].sort()])
    const byId = Object.fromEntries(organization.accounts.map((account: { accountId: string }) => [account.accountId, account]))
    expect(byId[tree.createdAccountId]).toMatchObject({
      name: 'Regulated workload',
      status: 'ACTIVE',
      requests: { iam: 2, kms: 1, s3: 2, sts: 1 },
      totalRequests: 6,
      kmsKeys: 1,
      s3StoredBytes: 11,
    })
    expect(byId[INVITED]).toMatchObject({ requests: { organizations: 1, sts: 3 }, totalRequests: 4, kmsKeys: 0, s3StoredBytes: 0 })
    // The management account built the tree: its Organizations, IAM and STS calls.
    expect(byId[MANAGEMENT].requests.organizations).toBeGreaterThan(5)
    expect(organization.total.totalRequests).toBe(byId[MANAGEMENT].totalRequests + 6 + 4)
    expect(organization.total).toMatchObject({ kmsKeys: 1, s3StoredBytes: 11 })
  })

  it('prints the organization as a table, management account first, with the usage-not-money notice', async () => {
    const { code, stdout } = await billing(['--data-dir', server.dataDir])
    expect(code).toBe(0)
    expect(stdout).toContain('These figures are metered usage, not money')
    expect(stdout).toContain(`Organization ${tree.organizationId} (management account ${MANAGEMENT})`)
    expect(stdout).toMatch(new RegExp(`${MANAGEMENT} \\(management\\)`))
    expect(stdout).toMatch(new RegExp(`${tree.createdAccountId} +Regulated workload +ACTIVE +6 +iam 2, kms 1, s3 2, sts 1 +1 +11`))
    expect(stdout).not.toContain('Accounts outside any organization')
  })
})
