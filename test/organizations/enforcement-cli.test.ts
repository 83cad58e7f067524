// End to end with the real AWS CLI v2: the management account writes and attaches an SCP with `aws organizations`,
// a member account's IAM user is refused by it with AWS's message, the management account is not, and detaching it
// opens the service again on the next request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import {
  buildTree, managementAdmin, memberAdminRole, memberUser, startTwoAccountPalisade,
  type Credentials, type OrganizationTree, type TwoAccountPalisade,
} from './enforcement-support.js'

describe.runIf(awsCliAvailable)('SCPs through the AWS CLI', () => {
  let server: TwoAccountPalisade
  let tree: OrganizationTree
  let worker: Credentials

  beforeAll(async () => {
    server = await startTwoAccountPalisade()
    tree = await buildTree(server, { invite: false })
    worker = await memberUser(server, await memberAdminRole(server, await managementAdmin(server), tree.createdAccountId), 'worker')
  })
  afterAll(() => server?.stop())

  it('denies a member account what an OU denies, with the policy type named, and not the management account', async () => {
    const content = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:*', Resource: '*' }] })
    const created = await awsCli(server.url, server.managementRoot, [
      'organizations', 'create-policy', '--type', 'SERVICE_CONTROL_POLICY', '--name', 'no-kms', '--description', 'no KMS in Regulated', '--content', content,
    ])
    expect(created.stderr).toBe('')
    const policyId = JSON.parse(created.stdout).Policy.PolicySummary.Id as string
    const attached = await awsCli(server.url, server.managementRoot, ['organizations', 'attach-policy', '--policy-id', policyId, '--target-id', tree.regulatedId])
    expect(attached.code).toBe(0)

    const denied = await awsCli(server.url, worker, ['kms', 'list-keys'])
    expect(denied.code).not.toBe(0)
    expect(denied.stderr).toContain('An error occurred (AccessDeniedException) when calling the ListKeys operation')
    expect(denied.stderr).toContain(`User: arn:aws:iam::${tree.createdAccountId}:user/worker is not authorized to perform: kms:ListKeys on resource: * with an explicit deny in a service control policy`)
    expect((await awsCli(server.url, worker, ['iam', 'list-users'])).code).toBe(0)
    expect((await awsCli(server.url, server.managementRoot, ['kms', 'list-keys'])).code).toBe(0)

    const detached = await awsCli(server.url, server.managementRoot, ['organizations', 'detach-policy', '--policy-id', policyId, '--target-id', tree.regulatedId])
    expect(detached.code).toBe(0)
    const allowed = await awsCli(server.url, worker, ['kms', 'list-keys'])
    expect(allowed.stderr).toBe('')
    expect(JSON.parse(allowed.stdout).Keys).toEqual([])
  })
})
