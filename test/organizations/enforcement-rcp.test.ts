// End to end: a resource control policy at the Regulated OU keeps a member account's KMS keys inside the organization,
// even when the key policy is open to everyone; keys of the management account are never limited by RCPs.
import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms'
import { DetachPolicyCommand } from '@aws-sdk/client-organizations'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  attachNewPolicy, buildTree, expectDenied, INVITED, managementAdmin, MANAGEMENT, memberAdminRole, organizations, startTwoAccountPalisade,
  type Credentials, type OrganizationTree, type TwoAccountPalisade,
} from './enforcement-support.js'

const kms = (server: { url: string }, credentials: Credentials) => new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 })

/** A key policy that lets the owner do anything and anyone describe the key. */
const openKeyPolicy = (owner: string) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Owner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${owner}:root` }, Action: 'kms:*', Resource: '*' },
    { Sid: 'Anyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:DescribeKey', Resource: '*' },
  ],
})

describe('resource control policies', () => {
  let server: TwoAccountPalisade
  let tree: OrganizationTree
  let admin: Credentials
  let role: Credentials

  beforeAll(async () => {
    server = await startTwoAccountPalisade()
    tree = await buildTree(server, { invite: false, rcps: true })
    admin = await managementAdmin(server)
    role = await memberAdminRole(server, admin, tree.createdAccountId)
  })
  afterAll(() => server?.stop())

  it("keeps a member account's key inside the organization, naming the policy type, and leaves the management account's keys alone", async () => {
    const org = organizations(server, server.managementRoot)
    const policyId = await attachNewPolicy(org, 'org-only-kms', tree.regulatedId, [{
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': tree.organizationId }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
    }], 'RESOURCE_CONTROL_POLICY')
    try {
      const memberKey = (await kms(server, role).send(new CreateKeyCommand({ Policy: openKeyPolicy(tree.createdAccountId) }))).KeyMetadata!.Arn!
      // An account outside the organization: the key policy admits it, the RCP does not.
      await expectDenied(
        kms(server, server.invitedRoot).send(new DescribeKeyCommand({ KeyId: memberKey })),
        new RegExp(`^User: arn:aws:iam::${INVITED}:root is not authorized to perform: kms:DescribeKey on resource: ${memberKey} with an explicit deny in a resource control policy$`),
      )
      // Principals of the organization: the member's own role and the management account's administrator.
      expect((await kms(server, role).send(new DescribeKeyCommand({ KeyId: memberKey }))).KeyMetadata?.Arn).toBe(memberKey)
      expect((await kms(server, admin).send(new DescribeKeyCommand({ KeyId: memberKey }))).KeyMetadata?.Arn).toBe(memberKey)

      // The management account's resources are never limited by RCPs.
      const managementKey = (await kms(server, server.managementRoot).send(new CreateKeyCommand({ Policy: openKeyPolicy(MANAGEMENT) }))).KeyMetadata!.Arn!
      expect((await kms(server, server.invitedRoot).send(new DescribeKeyCommand({ KeyId: managementKey }))).KeyMetadata?.Arn).toBe(managementKey)

      // Detached: the outsider is let in by the key policy again, on the next request.
      await org.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: tree.regulatedId }))
      expect((await kms(server, server.invitedRoot).send(new DescribeKeyCommand({ KeyId: memberKey }))).KeyMetadata?.Arn).toBe(memberKey)
    } finally {
      await org.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: tree.regulatedId })).catch(() => undefined)
    }
  })
})
