// CloudTrail records every call through the pipeline: the caller's identity per type (root, IAM user, assumed role
// with its session context), parameters, denials with their error, read-only flags, cross-account copies.
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, GetUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { clients, eventsNamed, type Credentials } from './cloudtrail-support.js'

const ACCOUNT = '000000000000'

describe('CloudTrail recording: identities, parameters and outcomes', () => {
  let palisade: TestPalisade
  let root: ReturnType<typeof clients>
  let alice: Credentials
  let roleSession: Credentials

  beforeAll(async () => {
    palisade = await startTestPalisade()
    root = clients(palisade)
    await root.iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/staff/' }))
    await root.iam.send(new PutUserPolicyCommand({
      UserName: 'alice', PolicyName: 'limited',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: ['iam:GetUser', 'sts:AssumeRole'], Resource: '*' },
      ] }),
    }))
    const key = await root.iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
    alice = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! }
    await root.iam.send(new CreateRoleCommand({
      RoleName: 'auditor',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/staff/alice` }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] },
      ] }),
    }))
    const assumed = await clients(palisade, alice).sts.send(new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/auditor`, RoleSessionName: 'alice-audit', SourceIdentity: 'alice@example.com',
    }))
    roleSession = {
      accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken!,
    }
  })
  afterAll(async () => { await palisade.stop() })

  it('records a root call with the Root identity, its request parameters and response elements', async () => {
    const [created] = await eventsNamed(root.cloudtrail, 'CreateUser')
    expect(created).toMatchObject({
      eventVersion: '1.09',
      userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: palisade.root.accessKeyId },
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateUser',
      awsRegion: 'us-east-1',
      sourceIPAddress: '127.0.0.1',
      requestParameters: { userName: 'alice', path: '/staff/' },
      responseElements: { user: { userName: 'alice', path: '/staff/', arn: `arn:aws:iam::${ACCOUNT}:user/staff/alice` } },
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      eventCategory: 'Management',
      recipientAccountId: ACCOUNT,
    })
    expect(created!.userAgent).toContain('aws-sdk-js')
    expect(created!.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(created!.eventID).toMatch(/^[0-9a-f-]{36}$/)
    expect(created!.requestID).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('records an IAM user call with its user name and a read-only flag, and no response elements for a read', async () => {
    await clients(palisade, alice).iam.send(new GetUserCommand({ UserName: 'alice' }))
    const [read] = await eventsNamed(root.cloudtrail, 'GetUser')
    expect(read).toMatchObject({
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/staff/alice`, accountId: ACCOUNT, accessKeyId: alice.accessKeyId, userName: 'alice' },
      requestParameters: { userName: 'alice' },
      responseElements: null,
      readOnly: true,
    })
    expect(read!.userIdentity.principalId).toMatch(/^AIDA/)
  })

  it('records a denial with AccessDenied and AWS\'s message', async () => {
    await expect(clients(palisade, alice).iam.send(new CreateUserCommand({ UserName: 'mallory' }))).rejects.toThrow(/not authorized/)
    const denied = (await eventsNamed(root.cloudtrail, 'CreateUser')).find((event) => event.requestParameters?.userName === 'mallory')
    expect(denied).toMatchObject({
      userIdentity: { type: 'IAMUser', userName: 'alice' },
      errorCode: 'AccessDenied',
      responseElements: null,
    })
    expect(denied!.errorMessage).toContain(`User: arn:aws:iam::${ACCOUNT}:user/staff/alice is not authorized to perform: iam:CreateUser`)
  })

  it('records an assumed role session with its session issuer, creation date, MFA flag and source identity', async () => {
    await clients(palisade, roleSession).sts.send(new GetCallerIdentityCommand({}))
    const [call] = (await eventsNamed(root.cloudtrail, 'GetCallerIdentity')).filter((event) => event.userIdentity.type === 'AssumedRole')
    expect(call).toMatchObject({
      eventSource: 'sts.amazonaws.com',
      readOnly: true,
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/auditor/alice-audit`,
        accountId: ACCOUNT,
        accessKeyId: roleSession.accessKeyId,
        sessionContext: {
          sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/auditor`, accountId: ACCOUNT, userName: 'auditor' },
          webIdFederationData: {},
          attributes: { mfaAuthenticated: 'false' },
          sourceIdentity: 'alice@example.com',
        },
      },
    })
    expect(call!.userIdentity.principalId).toMatch(/^AROA[A-Z0-9]+:alice-audit$/)
    expect(call!.userIdentity.sessionContext.sessionIssuer.principalId).toMatch(/^AROA/)
    expect(call!.userIdentity.sessionContext.attributes.creationDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })

  it('records AssumeRole as read-only with the role as its resource and no secret of the credentials it issued', async () => {
    const [assumed] = await eventsNamed(root.cloudtrail, 'AssumeRole')
    expect(assumed).toMatchObject({
      userIdentity: { type: 'IAMUser', userName: 'alice' },
      requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/auditor`, roleSessionName: 'alice-audit', sourceIdentity: 'alice@example.com' },
      readOnly: true,
      resources: [{ ARN: `arn:aws:iam::${ACCOUNT}:role/auditor`, accountId: ACCOUNT, type: 'AWS::IAM::Role' }],
    })
    const text = JSON.stringify(assumed)
    expect(text).not.toContain(roleSession.secretAccessKey)
    expect(text).not.toContain(roleSession.sessionToken)
  })
})
