// The real AWS CLI against Palisade's Organizations: build a small tree, create and attach an SCP, list accounts,
// and read an error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

describe.skipIf(!awsCliAvailable)('Organizations through the AWS CLI', () => {
  let palisade: TestPalisade
  beforeAll(async () => { palisade = await startTestPalisade() })
  afterAll(async () => { await palisade.stop() })

  const aws = async (...args: string[]) => {
    const result = await awsCli(palisade.url, palisade.root, ['organizations', ...args])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    return result.stdout === '' ? {} : JSON.parse(result.stdout)
  }

  it('creates an organization, an OU, an account and an SCP attached to the OU', async () => {
    const { Organization } = await aws('create-organization', '--feature-set', 'ALL')
    expect(Organization.MasterAccountId).toBe(palisade.accountId)
    const { Roots } = await aws('list-roots')
    const rootId = Roots[0].Id as string
    await aws('enable-policy-type', '--root-id', rootId, '--policy-type', 'SERVICE_CONTROL_POLICY')
    const { OrganizationalUnit } = await aws('create-organizational-unit', '--parent-id', rootId, '--name', 'Prod')
    const { CreateAccountStatus } = await aws('create-account', '--email', 'cli@example.com', '--account-name', 'From CLI')
    const status = await aws('describe-create-account-status', '--create-account-request-id', CreateAccountStatus.Id)
    expect(status.CreateAccountStatus.State).toBe('SUCCEEDED')
    const accountId = status.CreateAccountStatus.AccountId as string
    await aws('move-account', '--account-id', accountId, '--source-parent-id', rootId, '--destination-parent-id', OrganizationalUnit.Id)
    const { Policy } = await aws('create-policy', '--name', 'DenyIamUsers', '--description', 'no IAM users', '--type', 'SERVICE_CONTROL_POLICY',
      '--content', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' }] }))
    await aws('attach-policy', '--policy-id', Policy.PolicySummary.Id, '--target-id', OrganizationalUnit.Id)
    const { Policies } = await aws('list-policies-for-target', '--target-id', OrganizationalUnit.Id, '--filter', 'SERVICE_CONTROL_POLICY')
    expect(Policies.map((policy: { Name: string }) => policy.Name).sort()).toEqual(['DenyIamUsers', 'FullAWSAccess'])
    // The CLI follows NextToken itself: every account comes back, however small the pages.
    const { Accounts } = await aws('list-accounts', '--page-size', '1')
    expect(Accounts.map((account: { Id: string }) => account.Id).sort()).toEqual([palisade.accountId, accountId].sort())
    const { Accounts: inProd } = await aws('list-accounts-for-parent', '--parent-id', OrganizationalUnit.Id)
    expect(inProd.map((account: { Name: string }) => account.Name)).toEqual(['From CLI'])
  })

  it('reports DuplicateOrganizationalUnitException for a second OU of the same name', async () => {
    const { Roots } = await aws('list-roots')
    const result = await awsCli(palisade.url, palisade.root, ['organizations', 'create-organizational-unit', '--parent-id', Roots[0].Id, '--name', 'Prod'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('DuplicateOrganizationalUnitException')
    expect(result.stderr).toContain('An OU with the same name already exists.')
  })
})
