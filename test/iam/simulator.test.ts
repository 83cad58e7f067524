// End to end: the policy simulator (SimulateCustomPolicy, SimulatePrincipalPolicy) and the context-key operations,
// against hand-worked examples of AWS's evaluation logic, with the AWS SDK v3 client and the AWS CLI.
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetContextKeysForCustomPolicyCommand,
  GetContextKeysForPrincipalPolicyCommand,
  IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutUserPolicyCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allow, createTestUser, expectDenied, policy, rootClient } from './enforcement-support.js'
import { failure } from '../support/failure.js'

const OTHER_ACCOUNT = '111122223333'

describe('IAM policy simulator', () => {
  let palisade: TestPalisade
  let iam: IAMClient
  beforeAll(async () => {
    palisade = await startTestPalisade()
    iam = rootClient(palisade)
  })
  afterAll(() => palisade.stop())

  it('reproduces the AWS CLI reference example: a date condition met, the statement located by line and column', async () => {
    // https://docs.aws.amazon.com/cli/latest/reference/iam/simulate-custom-policy.html, examples 1 and 2.
    const document = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}'
    const simulate = (currentTime: string) => iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [document],
      ActionNames: ['dynamodb:CreateBackup'],
      ContextEntries: [{ ContextKeyName: 'aws:CurrentTime', ContextKeyValues: [currentTime], ContextKeyType: 'date' }],
    }))
    const after = await simulate('2019-04-25T11:00:00Z')
    expect(after.EvaluationResults).toEqual([{
      EvalActionName: 'dynamodb:CreateBackup',
      EvalResourceName: '*',
      EvalDecision: 'allowed',
      MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1', StartPosition: { Line: 1, Column: 38 }, EndPosition: { Line: 1, Column: 167 } }],
      MissingContextValues: [],
      OrganizationsDecisionDetail: { AllowedByOrganizations: true },
    }])
    const before = await simulate('2014-04-25T11:00:00Z')
    expect(before.EvaluationResults?.[0]).toMatchObject({ EvalDecision: 'implicitDeny', MatchedStatements: [], MissingContextValues: [] })
  })

  it('counts lines and columns in a policy written over several lines', async () => {
    const document = [
      '{',
      '  "Version": "2012-10-17",',
      '  "Statement": {',
      '    "Effect": "Deny",',
      '    "Action": "s3:ListAllMyBuckets",',
      '    "Resource": "*"',
      '  }',
      '}',
    ].join('\n')
    const { EvaluationResults } = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [document], ActionNames: ['s3:ListAllMyBuckets'] }))
    // `{` is the 16th character of line 3 and `}` the 3rd of line 7: each position is just after its brace.
    expect(EvaluationResults?.[0]).toMatchObject({
      EvalDecision: 'explicitDeny',
      MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1', StartPosition: { Line: 3, Column: 17 }, EndPosition: { Line: 7, Column: 4 } }],
    })
  })

  it('lets an explicit deny in a second policy override an allow in the first, naming only the deny', async () => {
    const document = policy(
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::prod-*' },
    )
    const { EvaluationResults } = await iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [allow('ec2:*'), document],
      ActionNames: ['s3:DeleteBucket'],
      ResourceArns: ['arn:aws:s3:::prod-logs', 'arn:aws:s3:::dev-logs'],
    }))
    expect(EvaluationResults?.map((r) => [r.EvalResourceName, r.EvalDecision, r.MatchedStatements?.map((s) => s.SourcePolicyId)])).toEqual([
      ['arn:aws:s3:::prod-logs', 'explicitDeny', ['PolicyInputList.2']],
      ['arn:aws:s3:::dev-logs', 'allowed', ['PolicyInputList.2']],
    ])
    expect(EvaluationResults?.[0]?.ResourceSpecificResults).toEqual([
      expect.objectContaining({ EvalResourceName: 'arn:aws:s3:::prod-logs', EvalResourceDecision: 'explicitDeny' }),
    ])
    // The deny is the second statement of a compact one-line document: its position is just after its `{`.
    const start = document.lastIndexOf('{"Resource"')
    expect(EvaluationResults?.[0]?.MatchedStatements?.[0]).toMatchObject({ StartPosition: { Line: 1, Column: start + 2 } })
  })

  it('reports the context keys a condition needs and the request lacks, then decides with them', async () => {
    // The user guide's MFA example: allow only when aws:MultiFactorAuthPresent is true.
    const document = policy({ Effect: 'Allow', Action: 'ec2:StopInstances', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })
    const without = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [document], ActionNames: ['ec2:StopInstances'] }))
    expect(without.EvaluationResults?.[0]).toMatchObject({ EvalDecision: 'implicitDeny', MissingContextValues: ['aws:MultiFactorAuthPresent'] })
    const withMfa = await iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [document],
      ActionNames: ['ec2:StopInstances'],
      ContextEntries: [{ ContextKeyName: 'aws:MultiFactorAuthPresent', ContextKeyType: 'boolean', ContextKeyValues: ['true'] }],
    }))
    expect(withMfa.EvaluationResults?.[0]).toMatchObject({ EvalDecision: 'allowed', MissingContextValues: [] })
  })

  it.each([
    { name: 'numeric', condition: { NumericLessThan: { 's3:max-keys': '10' } }, type: 'numeric', values: ['5'], decision: 'allowed' },
    { name: 'numericList', condition: { 'ForAllValues:NumericLessThan': { 'test:sizes': '10' } }, type: 'numericList', values: ['1', '12'], decision: 'implicitDeny' },
    { name: 'date', condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, type: 'date', values: ['2026-11-22T12:00:00Z'], decision: 'allowed' },
    { name: 'dateList', condition: { 'ForAnyValue:DateGreaterThan': { 'test:dates': '2030-01-01' } }, type: 'dateList', values: ['2026-01-01', '2031-01-01'], decision: 'allowed' },
    { name: 'ip', condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, type: 'ip', values: ['203.0.113.7'], decision: 'allowed' },
    { name: 'ipList', condition: { 'ForAllValues:IpAddress': { 'test:ips': '10.0.0.0/8' } }, type: 'ipList', values: ['10.1.2.3', '192.0.2.1'], decision: 'implicitDeny' },
    { name: 'string', condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, type: 'string', values: ['eu-west-1'], decision: 'allowed' },
    { name: 'stringList', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] } }, type: 'stringList', values: ['team', 'owner'], decision: 'implicitDeny' },
    { name: 'boolean', condition: { Bool: { 'aws:SecureTransport': 'true' } }, type: 'boolean', values: ['false'], decision: 'implicitDeny' },
    { name: 'booleanList', condition: { 'ForAnyValue:Bool': { 'test:flags': 'true' } }, type: 'booleanList', values: ['false', 'true'], decision: 'allowed' },
    { name: 'binary', condition: { BinaryEquals: { 'test:blob': 'QmluYXJ5VmFsdWU=' } }, type: 'binary', values: ['QmluYXJ5VmFsdWU='], decision: 'allowed' },
    { name: 'binaryList', condition: { 'ForAnyValue:BinaryEquals': { 'test:blobs': 'QmluYXJ5VmFsdWU=' } }, type: 'binaryList', values: ['b3RoZXI=', 'QmluYXJ5VmFsdWU='], decision: 'allowed' },
  ] as const)('reads $name context entries', async ({ condition, type, values, decision }) => {
    const document = policy({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: condition })
    const { EvaluationResults } = await iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [document],
      ActionNames: ['s3:ListBucket'],
      ContextEntries: [{ ContextKeyName: Object.keys(Object.values(condition)[0]!)[0]!, ContextKeyType: type, ContextKeyValues: [...values] }],
    }))
    expect(EvaluationResults?.[0]).toMatchObject({ EvalDecision: decision, MissingContextValues: [] })
  })

  it.each([
    { name: 'a number that is not one', type: 'numeric', value: 'ten' },
    { name: 'a boolean that is not one', type: 'boolean', value: 'yes' },
    { name: 'a date that is not one', type: 'date', value: 'tomorrow' },
    { name: 'an address that is not one', type: 'ip', value: '300.1.1.1' },
  ] as const)('rejects $name with InvalidInput', async ({ type, value }) => {
    const result = await failure(iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [allow('s3:*')],
      ActionNames: ['s3:ListBucket'],
      ContextEntries: [{ ContextKeyName: 'test:key', ContextKeyType: type, ContextKeyValues: [value] }],
    })))
    expect(result).toEqual({ name: 'InvalidInputException', status: 400, message: `Invalid value ${value} for context key test:key of type ${type}.` })
  })

  it('rejects an input policy that is not a policy', async () => {
    const result = await failure(iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: ['{"Version": '], ActionNames: ['s3:ListBucket'] })))
    expect(result).toEqual({ name: 'InvalidInputException', status: 400, message: 'PolicyInputList.1: Syntax errors in policy.' })
  })

  it('needs a resource-based allow naming the caller for a resource in another account', async () => {
    // Cross-account access: the caller's identity policy and the resource owner's policy must both allow.
    const caller = `arn:aws:iam::${ACCOUNT}:user/Alice`
    const bucketPolicy = (principal: string) => JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' }],
    })
    const simulate = (resourcePolicy: string) => iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [allow('s3:GetObject')],
      ActionNames: ['s3:GetObject'],
      ResourceArns: ['arn:aws:s3:::shared/report.csv'],
      ResourcePolicy: resourcePolicy,
      ResourceOwner: `arn:aws:iam::${OTHER_ACCOUNT}:root`,
      CallerArn: caller,
    }))
    const named = await simulate(bucketPolicy(caller))
    expect(named.EvaluationResults?.[0]?.EvalDecision).toBe('allowed')
    expect(named.EvaluationResults?.[0]?.MatchedStatements?.map((s) => [s.SourcePolicyId, s.SourcePolicyType])).toEqual(
      expect.arrayContaining([['ResourcePolicy', 'resource'], ['PolicyInputList.1', undefined]]),
    )
    const other = await simulate(bucketPolicy(`arn:aws:iam::${ACCOUNT}:user/Bob`))
    expect(other.EvaluationResults?.[0]?.EvalDecision).toBe('implicitDeny')
  })

  it('requires CallerArn with a ResourcePolicy in a custom simulation', async () => {
    const result = await failure(iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [allow('s3:*')], ActionNames: ['s3:GetObject'], ResourcePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] }),
    })))
    expect(result).toMatchObject({ name: 'InvalidInputException', status: 400 })
  })

  it('has no caller keys in a custom simulation without CallerArn, and the caller\'s with one', async () => {
    // A policy-variable example from the user guide: each user may read only the objects under their own name.
    const document = allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*')
    const simulate = (extra: { CallerArn?: string }) => iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [document], ActionNames: ['s3:GetObject'], ResourceArns: ['arn:aws:s3:::home/carol/notes.txt'], ...extra,
    }))
    const anonymous = await simulate({})
    expect(anonymous.EvaluationResults?.[0]).toMatchObject({ EvalDecision: 'implicitDeny', MissingContextValues: ['aws:username'] })
    const carol = await simulate({ CallerArn: `arn:aws:iam::${ACCOUNT}:user/carol` })
    expect(carol.EvaluationResults?.[0]).toMatchObject({ EvalDecision: 'allowed', MissingContextValues: [] })
    const dave = await simulate({ CallerArn: `arn:aws:iam::${ACCOUNT}:user/dave` })
    expect(dave.EvaluationResults?.[0]?.EvalDecision).toBe('implicitDeny')
  })

  it('is authorized per operation: iam:SimulatePrincipalPolicy on the simulated entity', async () => {
    const user = await createTestUser(palisade, 'sim-limited')
    await iam.send(new PutUserPolicyCommand({ UserName: 'sim-limited', PolicyName: 'CustomOnly', PolicyDocument: allow('iam:SimulateCustomPolicy') }))
    const custom = await user.client.send(new SimulateCustomPolicyCommand({ PolicyInputList: [allow('s3:*')], ActionNames: ['s3:GetObject'] }))
    expect(custom.EvaluationResults?.[0]?.EvalDecision).toBe('allowed')
    await expectDenied(
      user.client.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: user.arn, ActionNames: ['s3:GetObject'] })),
      `iam:SimulatePrincipalPolicy on resource: ${user.arn}`,
    )
  })

  it('pages the results with MaxItems and Marker', async () => {
    const actions = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']
    const first = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [allow('s3:*')], ActionNames: actions, MaxItems: 2 }))
    expect(first.IsTruncated).toBe(true)
    expect(first.EvaluationResults?.map((r) => r.EvalActionName)).toEqual(['s3:GetObject', 's3:PutObject'])
    const second = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [allow('s3:*')], ActionNames: actions, MaxItems: 2, Marker: first.Marker }))
    expect(second.IsTruncated).toBe(false)
    expect(second.EvaluationResults?.map((r) => r.EvalActionName)).toEqual(['s3:DeleteObject'])
  })

  describe('SimulatePrincipalPolicy', () => {
    beforeAll(async () => {
      await iam.send(new CreateUserCommand({ UserName: 'sim-dana', Path: '/eng/' }))
      await iam.send(new PutUserPolicyCommand({ UserName: 'sim-dana', PolicyName: 'OwnBucket', PolicyDocument: allow('s3:*', 'arn:aws:s3:::${aws:username}/*') }))
      const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'SimReadEc2', PolicyDocument: allow('ec2:Describe*') }))
      await iam.send(new CreateGroupCommand({ GroupName: 'sim-ops' }))
      await iam.send(new AttachGroupPolicyCommand({ GroupName: 'sim-ops', PolicyArn: Policy!.Arn! }))
      await iam.send(new AddUserToGroupCommand({ GroupName: 'sim-ops', UserName: 'sim-dana' }))
    })

    it("weighs the user's inline policies and its groups' managed policies, naming each source", async () => {
      const { EvaluationResults } = await iam.send(new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/eng/sim-dana`,
        ActionNames: ['s3:GetObject', 'ec2:DescribeInstances', 'iam:CreateUser'],
        ResourceArns: ['arn:aws:s3:::sim-dana/notes.txt'],
      }))
      expect(EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision, r.MatchedStatements?.map((s) => [s.SourcePolicyId, s.SourcePolicyType])])).toEqual([
        ['s3:GetObject', 'allowed', [['OwnBucket', 'user']]],
        ['ec2:DescribeInstances', 'allowed', [['SimReadEc2', 'user-managed']]],
        ['iam:CreateUser', 'implicitDeny', []],
      ])
    })

    it('adds PolicyInputList to the principal policies', async () => {
      const { EvaluationResults } = await iam.send(new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/eng/sim-dana`,
        PolicyInputList: [policy({ Effect: 'Deny', Action: 'ec2:DescribeInstances', Resource: '*' })],
        ActionNames: ['ec2:DescribeInstances'],
      }))
      expect(EvaluationResults?.[0]).toMatchObject({ EvalDecision: 'explicitDeny', MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1' }] })
    })

    it("stops at the role's permissions boundary (the user guide's boundary example) and says so", async () => {
      // Identity policy allows iam:CreateUser; the boundary allows only S3, CloudWatch and EC2: implicitly denied.
      await iam.send(new CreateRoleCommand({ RoleName: 'sim-bounded', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }))
      await iam.send(new PutUserPolicyCommand({ UserName: 'sim-dana', PolicyName: 'Unused', PolicyDocument: allow('sns:*') }))
      const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'SimBoundary', PolicyDocument: allow(['s3:*', 'cloudwatch:*', 'ec2:*']) }))
      await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'sim-bounded', PermissionsBoundary: Policy!.Arn! }))
      const role = `arn:aws:iam::${ACCOUNT}:role/sim-bounded`
      const simulate = (extra?: string[]) => iam.send(new SimulatePrincipalPolicyCommand({
        PolicySourceArn: role,
        PolicyInputList: [allow(['iam:CreateUser', 's3:ListBucket'])],
        ActionNames: ['iam:CreateUser', 's3:ListBucket'],
        ...(extra && { PermissionsBoundaryPolicyInputList: extra }),
      }))
      const { EvaluationResults } = await simulate()
      expect(EvaluationResults?.map((r) => [r.EvalDecision, r.PermissionsBoundaryDecisionDetail])).toEqual([
        ['implicitDeny', { AllowedByPermissionsBoundary: false }],
        ['allowed', { AllowedByPermissionsBoundary: true }],
      ])
      // A boundary passed in the request replaces the role's own.
      const replaced = await simulate([allow('iam:*')])
      expect(replaced.EvaluationResults?.map((r) => r.EvalDecision)).toEqual(['allowed', 'implicitDeny'])
    })

    it('answers NoSuchEntity for a user that does not exist, and InvalidInput for an ARN with the wrong path', async () => {
      expect(await failure(iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/ghost`, ActionNames: ['s3:GetObject'] })))).toEqual({
        name: 'NoSuchEntityException', status: 404, message: 'The user with name ghost cannot be found.',
      })
      expect(await failure(iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/sim-dana`, ActionNames: ['s3:GetObject'] })))).toMatchObject({
        name: 'InvalidInputException', status: 400,
      })
    })

    it('lists the context keys of the principal policies and the added ones', async () => {
      const { ContextKeyNames } = await iam.send(new GetContextKeysForPrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/eng/sim-dana`,
        PolicyInputList: [policy({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })],
      }))
      expect(ContextKeyNames).toEqual(['aws:username', 'aws:SourceIp'])
    })
  })

  it("lists a custom policy's context keys (the API reference example: aws:username, aws:CurrentTime)", async () => {
    const document = JSON.stringify({
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Action: 'dynamodb:*',
        Resource: 'arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}',
        Condition: { DateGreaterThan: { 'aws:CurrentTime': '2015-08-16T12:00:00Z' } },
      },
    })
    const { ContextKeyNames } = await iam.send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: [document, allow('s3:*')] }))
    expect(ContextKeyNames).toEqual(['aws:username', 'aws:CurrentTime'])
  })

  it('lists the context keys of a resource-based policy too, each key once whatever its case', async () => {
    const bucketPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringEquals: { 'AWS:SecureTransport': 'true', 's3:ExistingObjectTag/team': 'blue' } } },
      ],
    })
    const { ContextKeyNames } = await iam.send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: [bucketPolicy] }))
    expect(ContextKeyNames).toEqual(['aws:SecureTransport', 's3:ExistingObjectTag/team'])
    expect(await failure(iam.send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: ['not json'] })))).toMatchObject({ name: 'InvalidInputException', status: 400 })
  })

  describe.skipIf(!awsCliAvailable)('with the AWS CLI', () => {
    it('simulates a custom policy and lists its context keys', async () => {
      const document = policy({ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::cli-bucket', Condition: { StringLike: { 's3:prefix': 'home/*' } } })
      const simulated = await awsCli(palisade.url, palisade.root, [
        'iam', 'simulate-custom-policy', '--policy-input-list', document, '--action-names', 's3:ListBucket', '--resource-arns', 'arn:aws:s3:::cli-bucket',
        '--context-entries', 'ContextKeyName=s3:prefix,ContextKeyValues=home/dana,ContextKeyType=string',
      ])
      expect(simulated.code).toBe(0)
      expect(JSON.parse(simulated.stdout).EvaluationResults[0]).toMatchObject({ EvalActionName: 's3:ListBucket', EvalResourceName: 'arn:aws:s3:::cli-bucket', EvalDecision: 'allowed' })
      const keys = await awsCli(palisade.url, palisade.root, ['iam', 'get-context-keys-for-custom-policy', '--policy-input-list', document])
      expect(JSON.parse(keys.stdout)).toEqual({ ContextKeyNames: ['s3:prefix'] })
    })
  })
})
