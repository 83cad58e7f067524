// Organizations e2e: input that breaks the model's constraints gets InvalidInputException with its Reason, as AWS
// Organizations answers (not the ValidationException of most JSON services).
import { CreateOrganizationCommand, CreatePolicyCommand, DescribeAccountCommand, ListAccountsCommand, ListPoliciesCommand, type OrganizationsClient } from '@aws-sdk/client-organizations'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { expectAwsError, organizationsClient } from './ops-support.js'

let server: TestPalisade
let org: OrganizationsClient

beforeAll(async () => {
  server = await startTestPalisade()
  org = organizationsClient(server, server.root)
  await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))
})
afterAll(async () => {
  await server?.stop()
})

describe('constraint violations', () => {
  it('an account id off the pattern is INVALID_PATTERN', async () => {
    await expectAwsError(org.send(new DescribeAccountCommand({ AccountId: '123' })), 'InvalidInputException', {
      reason: 'INVALID_PATTERN',
      message: 'You provided a value that does not match the required pattern.',
    })
  })

  it('a policy type outside the enum is INVALID_ENUM_POLICY_TYPE', async () => {
    await expectAwsError(org.send(new ListPoliciesCommand({ Filter: 'NOT_A_TYPE' as never })), 'InvalidInputException', { reason: 'INVALID_ENUM_POLICY_TYPE' })
  })

  it('MaxResults beyond 20 is MAX_VALUE_EXCEEDED', async () => {
    await expectAwsError(org.send(new ListAccountsCommand({ MaxResults: 21 })), 'InvalidInputException', { reason: 'MAX_VALUE_EXCEEDED' })
  })

  it('a policy name over 128 characters is MAX_LENGTH_EXCEEDED', async () => {
    const content = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] })
    await expectAwsError(
      org.send(new CreatePolicyCommand({ Name: 'n'.repeat(129), Description: 'd', Type: 'SERVICE_CONTROL_POLICY', Content: content })),
      'InvalidInputException',
      { reason: 'MAX_LENGTH_EXCEEDED' },
    )
  })
})
