// End to end: CloseAccount stops a member account's credentials — its root user's keys, its IAM users' keys and its
// role sessions — with InvalidClientTokenId, as AWS answers a closed account; the other accounts keep working.
import { ListUsersCommand } from '@aws-sdk/client-iam'
import { CloseAccountCommand, DescribeAccountCommand } from '@aws-sdk/client-organizations'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildTree, iam, INVITED, managementAdmin, memberAdminRole, memberUser, organizations, startTwoAccountPalisade, sts,
  type Credentials, type OrganizationTree, type TwoAccountPalisade,
} from './enforcement-support.js'

describe('a closed account', () => {
  let server: TwoAccountPalisade
  let tree: OrganizationTree
  let role: Credentials
  let user: Credentials

  beforeAll(async () => {
    server = await startTwoAccountPalisade()
    tree = await buildTree(server, { invite: true })
    const admin = await managementAdmin(server)
    role = await memberAdminRole(server, admin, tree.createdAccountId)
    user = await memberUser(server, role, 'worker')
  })
  afterAll(() => server?.stop())

  it("rejects every credential of the closed account and nothing else's", async () => {
    for (const credentials of [server.invitedRoot, role, user]) {
      expect((await sts(server, credentials).send(new GetCallerIdentityCommand({}))).Account).toMatch(/^\d{12}$/)
    }
    const org = organizations(server, server.managementRoot)
    await org.send(new CloseAccountCommand({ AccountId: tree.createdAccountId }))
    expect((await org.send(new DescribeAccountCommand({ AccountId: tree.createdAccountId }))).Account?.Status).toMatch(/^(PENDING_CLOSURE|SUSPENDED)$/)

    for (const credentials of [role, user]) {
      await expect(sts(server, credentials).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
        name: 'InvalidClientTokenId',
        message: 'The security token included in the request is invalid.',
        $metadata: { httpStatusCode: 403 },
      })
      await expect(iam(server, credentials).send(new ListUsersCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' })
    }
    // The other member account and the management account are untouched.
    expect((await sts(server, server.invitedRoot).send(new GetCallerIdentityCommand({}))).Account).toBe(INVITED)
    expect((await sts(server, server.managementRoot).send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000')
  })

  it("rejects a closed account's root user keys", async () => {
    await organizations(server, server.managementRoot).send(new CloseAccountCommand({ AccountId: INVITED }))
    await expect(sts(server, server.invitedRoot).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' })
    expect((await sts(server, server.managementRoot).send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000')
  })
})
