// End to end: service control policies on the tree root → Prod → Regulated → accounts. A deny at an OU reaches a
// member account's admin role and root user but never the management account; allow lists intersect across levels;
// a change to a policy, an attachment or an account's place applies to the next request.
import { ListUsersCommand } from '@aws-sdk/client-iam'
import { CreateKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms'
import {
  AttachPolicyCommand, DetachPolicyCommand, MoveAccountCommand, UpdatePolicyCommand, type OrganizationsClient,
} from '@aws-sdk/client-organizations'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  attachNewPolicy, buildTree, expectDenied, iam, INVITED, managementAdmin, memberAdminRole, organizations, startTwoAccountPalisade,
  type Credentials, type OrganizationTree, type TwoAccountPalisade,
} from './enforcement-support.js'

const kms = (server: { url: string }, credentials: Credentials) => new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 })
const FULL_ACCESS = 'p-FullAWSAccess'

describe('service control policies', () => {
  let server: TwoAccountPalisade
  let tree: OrganizationTree
  let org: OrganizationsClient
  let admin: Credentials
  let role: Credentials
  let roleArn: string

  beforeAll(async () => {
    server = await startTwoAccountPalisade()
    tree = await buildTree(server, { invite: true })
    org = organizations(server, server.managementRoot)
    admin = await managementAdmin(server)
    role = await memberAdminRole(server, admin, tree.createdAccountId)
    roleArn = `arn:aws:sts::${tree.createdAccountId}:assumed-role/OrganizationAccountAccessRole/operator`
  })
  afterAll(() => server?.stop())

  it("denies a service at the Regulated OU to the member account's admin role and root user, never to the management account", async () => {
    const policyId = await attachNewPolicy(org, 'deny-kms', tree.regulatedId, [{ Effect: 'Deny', Action: 'kms:*', Resource: '*' }])
    try {
      await expectDenied(kms(server, role).send(new CreateKeyCommand({})), new RegExp(`^User: ${roleArn} is not authorized to perform: kms:CreateKey on resource: .* with an explicit deny in a service control policy$`))
      await expectDenied(kms(server, server.invitedRoot).send(new ListKeysCommand({})), new RegExp(`^User: arn:aws:iam::${INVITED}:root is not authorized to perform: kms:ListKeys on resource: .* with an explicit deny in a service control policy$`))
      // Other services stay open to them.
      await iam(server, role).send(new ListUsersCommand({}))
      await iam(server, server.invitedRoot).send(new ListUsersCommand({}))
      // The management account: its root user and its IAM users are never restricted.
      await kms(server, server.managementRoot).send(new CreateKeyCommand({}))
      await kms(server, admin).send(new ListKeysCommand({}))
    } finally {
      await org.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: tree.regulatedId }))
    }
    // Detached: the next request is allowed.
    await kms(server, role).send(new CreateKeyCommand({}))
    await kms(server, server.invitedRoot).send(new ListKeysCommand({}))
  })

  it('needs an allow at every level: allow lists intersect', async () => {
    // Prod allows only S3 and IAM; Regulated allows IAM and KMS. Only IAM is allowed at both.
    const prodAllow = await attachNewPolicy(org, 'allow-s3-iam', tree.prodId, [{ Effect: 'Allow', Action: ['s3:*', 'iam:*'], Resource: '*' }])
    const regulatedAllow = await attachNewPolicy(org, 'allow-iam-kms', tree.regulatedId, [{ Effect: 'Allow', Action: ['iam:*', 'kms:*'], Resource: '*' }])
    await org.send(new DetachPolicyCommand({ PolicyId: FULL_ACCESS, TargetId: tree.prodId }))
    await org.send(new DetachPolicyCommand({ PolicyId: FULL_ACCESS, TargetId: tree.regulatedId }))
    try {
      await iam(server, role).send(new ListUsersCommand({}))
      await iam(server, server.invitedRoot).send(new ListUsersCommand({}))
      await expectDenied(kms(server, role).send(new ListKeysCommand({})), /because no service control policy allows the kms:ListKeys action$/)
      await expectDenied(kms(server, server.invitedRoot).send(new CreateKeyCommand({})), /because no service control policy allows the kms:CreateKey action$/)
      await kms(server, server.managementRoot).send(new ListKeysCommand({}))

      // Widening Prod's allow list to KMS applies on the next request.
      await org.send(new UpdatePolicyCommand({ PolicyId: prodAllow, Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'iam:*', 'kms:*'], Resource: '*' }] }) }))
      await kms(server, role).send(new ListKeysCommand({}))
    } finally {
      await org.send(new AttachPolicyCommand({ PolicyId: FULL_ACCESS, TargetId: tree.prodId }))
      await org.send(new AttachPolicyCommand({ PolicyId: FULL_ACCESS, TargetId: tree.regulatedId }))
      await org.send(new DetachPolicyCommand({ PolicyId: prodAllow, TargetId: tree.prodId }))
      await org.send(new DetachPolicyCommand({ PolicyId: regulatedAllow, TargetId: tree.regulatedId }))
    }
  })

  it("follows an account's place in the tree: moved out of the OU, the OU's deny no longer applies", async () => {
    const policyId = await attachNewPolicy(org, 'deny-iam', tree.regulatedId, [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }])
    try {
      await expectDenied(iam(server, role).send(new ListUsersCommand({})), /with an explicit deny in a service control policy$/)
      await org.send(new MoveAccountCommand({ AccountId: tree.createdAccountId, SourceParentId: tree.regulatedId, DestinationParentId: tree.prodId }))
      await iam(server, role).send(new ListUsersCommand({}))
      await expectDenied(iam(server, server.invitedRoot).send(new ListUsersCommand({})), /with an explicit deny in a service control policy$/)
    } finally {
      await org.send(new MoveAccountCommand({ AccountId: tree.createdAccountId, SourceParentId: tree.prodId, DestinationParentId: tree.regulatedId })).catch(() => undefined)
      await org.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: tree.regulatedId }))
    }
  })

  it('applies an SCP attached to the account itself and to the root', async () => {
    const onAccount = await attachNewPolicy(org, 'deny-kms-create', INVITED, [{ Effect: 'Deny', Action: 'kms:CreateKey', Resource: '*' }])
    const onRoot = await attachNewPolicy(org, 'deny-iam-users', tree.rootId, [{ Effect: 'Deny', Action: 'iam:ListUsers', Resource: '*' }])
    try {
      await expectDenied(kms(server, server.invitedRoot).send(new CreateKeyCommand({})), /with an explicit deny in a service control policy$/)
      await kms(server, role).send(new CreateKeyCommand({})) // the other member account is not the target
      await expectDenied(iam(server, role).send(new ListUsersCommand({})), /with an explicit deny in a service control policy$/)
      expect((await iam(server, server.managementRoot).send(new ListUsersCommand({}))).Users).toBeDefined()
    } finally {
      await org.send(new DetachPolicyCommand({ PolicyId: onAccount, TargetId: INVITED }))
      await org.send(new DetachPolicyCommand({ PolicyId: onRoot, TargetId: tree.rootId }))
    }
  })
})
