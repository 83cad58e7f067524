// End to end: a denied EC2 call answers UnauthorizedOperation with an encoded authorization message, and
// sts:DecodeAuthorizationMessage opens it into AWS's DecodedMessage JSON for callers allowed to; a blob this server
// did not make, or altered, is refused. Plus the sealing itself: bound to the root key and the account.
import { PutUserPolicyCommand, TagRoleCommand } from '@aws-sdk/client-iam'
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2'
import { AssumeRoleCommand, DecodeAuthorizationMessageCommand } from '@aws-sdk/client-sts'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodedAuthorizationMessages, type AuthorizationDetails } from '../../src/services/sts/index.js'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allow, allowUserToAssumeRoles, createRole, createTestUser, expectDenied, policy, rootClient, signingCredentials, stsClient, type SigningCredentials } from './sts-support.js'

const ENCODED_PREFIX = 'You are not authorized to perform this operation. Encoded authorization failure message: '

interface DecodedMessage {
  allowed: boolean
  explicitDeny: boolean
  matchedStatements: { items: Array<{ statementId: string; effect: string; policyId: string; policyType: string; statementIndex: number }> }
  failures: { items: unknown[] }
  context: {
    principal: { id: string; arn: string }
    action: string
    resource: string
    conditions: { items: Array<{ key: string; values: { items: Array<{ value: string }> } }> }
  }
}

describe('encoded authorization messages', () => {
  let palisade: TestPalisade

  const ec2 = (credentials: SigningCredentials) => new EC2Client({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1 })
  const decode = async (EncodedMessage: string, credentials: SigningCredentials = palisade.root) => {
    const { DecodedMessage } = await stsClient(palisade, credentials).send(new DecodeAuthorizationMessageCommand({ EncodedMessage }))
    return JSON.parse(DecodedMessage!) as DecodedMessage
  }
  /** The encoded message of a DescribeInstances the credentials may not make. */
  const deniedDescribe = async (credentials: SigningCredentials): Promise<string> => {
    const error = await ec2(credentials).send(new DescribeInstancesCommand({})).then(
      () => { throw new Error('DescribeInstances was not denied') },
      (thrown: { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }) => thrown,
    )
    expect(error).toMatchObject({ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } })
    expect(error.message?.startsWith(ENCODED_PREFIX)).toBe(true)
    return error.message!.slice(ENCODED_PREFIX.length)
  }
  const condition = (message: DecodedMessage, key: string) =>
    message.context.conditions.items.find((item) => item.key === key)?.values.items.map((item) => item.value)

  beforeAll(async () => {
    palisade = await startTestPalisade()
  })
  afterAll(async () => {
    await palisade.stop()
  })

  it('answers a user without EC2 permissions UnauthorizedOperation, whose message root decodes to the real context', async () => {
    const user = await createTestUser(palisade, 'no-ec2')
    const message = await decode(await deniedDescribe(user.credentials))
    expect(message).toMatchObject({
      allowed: false,
      explicitDeny: false,
      matchedStatements: { items: [] },
      failures: { items: [] },
      context: { principal: { id: expect.stringMatching(/^AIDA[A-Z0-9]{17}$/), arn: user.arn }, action: 'ec2:DescribeInstances', resource: '*' },
    })
    expect(condition(message, 'aws:RequestedRegion')).toEqual(['us-east-1'])
    expect(condition(message, 'aws:SourceIp')).toEqual(['127.0.0.1'])
    expect(condition(message, 'aws:SecureTransport')).toEqual(['false'])
    expect(condition(message, 'aws:CurrentTime')?.[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })

  it('lists the keys derived from a user: aws:username, aws:userid, aws:Principal* and its tags', async () => {
    const user = await createTestUser(palisade, 'tagged-no-ec2', [{ Key: 'team', Value: 'blue' }, { Key: 'CostCenter', Value: '42' }])
    const message = await decode(await deniedDescribe(user.credentials))
    expect(condition(message, 'aws:username')).toEqual(['tagged-no-ec2'])
    expect(condition(message, 'aws:userid')).toEqual([message.context.principal.id])
    expect(condition(message, 'aws:PrincipalArn')).toEqual([user.arn])
    expect(condition(message, 'aws:PrincipalAccount')).toEqual([ACCOUNT])
    expect(condition(message, 'aws:PrincipalType')).toEqual(['User'])
    expect(condition(message, 'aws:PrincipalTag/team')).toEqual(['blue'])
    expect(condition(message, 'aws:PrincipalTag/CostCenter')).toEqual(['42'])
  })

  it('lists the keys derived from a role session: the role as aws:PrincipalArn, its session tags, no aws:username', async () => {
    const user = await createTestUser(palisade, 'session-maker')
    await allowUserToAssumeRoles(palisade, user.name)
    const roleArn = await createRole(palisade, 'NoEc2Role')
    await rootClient(palisade).send(new TagRoleCommand({ RoleName: 'NoEc2Role', Tags: [{ Key: 'team', Value: 'red' }, { Key: 'tier', Value: 'gold' }] }))
    const { Credentials, AssumedRoleUser } = await stsClient(palisade, user.credentials).send(new AssumeRoleCommand({
      RoleArn: roleArn, RoleSessionName: 'probe', Tags: [{ Key: 'team', Value: 'green' }],
    }))
    const message = await decode(await deniedDescribe(signingCredentials(Credentials)))
    expect(message.context.principal.arn).toBe(AssumedRoleUser!.Arn)
    expect(condition(message, 'aws:PrincipalArn')).toEqual([roleArn])
    expect(condition(message, 'aws:PrincipalType')).toEqual(['AssumedRole'])
    expect(condition(message, 'aws:userid')).toEqual([AssumedRoleUser!.AssumedRoleId])
    expect(condition(message, 'aws:PrincipalTag/team')).toEqual(['green'])
    expect(condition(message, 'aws:PrincipalTag/tier')).toEqual(['gold'])
    expect(condition(message, 'aws:username')).toBeUndefined()
  })

  it('names the explicit deny that refused the call, with its Sid and place', async () => {
    const user = await createTestUser(palisade, 'denied-ec2')
    await rootClient(palisade).send(new PutUserPolicyCommand({
      UserName: user.name,
      PolicyName: 'mixed',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AllowEc2', Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
          { Sid: 'NoDescribe', Effect: 'Deny', Action: 'ec2:Describe*', Resource: '*' },
        ],
      }),
    }))
    const message = await decode(await deniedDescribe(user.credentials))
    expect(message.allowed).toBe(false)
    expect(message.explicitDeny).toBe(true)
    expect(message.matchedStatements.items).toEqual([
      expect.objectContaining({ statementId: 'NoDescribe', effect: 'DENY', policyType: 'identity', statementIndex: 1 }),
    ])
  })

  it('lets a call the caller may make through authorization (EC2 operations are not implemented)', async () => {
    const user = await createTestUser(palisade, 'may-describe')
    await rootClient(palisade).send(new PutUserPolicyCommand({ UserName: user.name, PolicyName: 'ec2', PolicyDocument: allow('ec2:DescribeInstances') }))
    await expect(ec2(user.credentials).send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 501 } })
    await expect(ec2(palisade.root).send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 501 } })
  })

  it('decodes for a user allowed sts:DecodeAuthorizationMessage', async () => {
    const denied = await createTestUser(palisade, 'denied-again')
    const reader = await createTestUser(palisade, 'message-reader')
    await rootClient(palisade).send(new PutUserPolicyCommand({ UserName: reader.name, PolicyName: 'decode', PolicyDocument: allow('sts:DecodeAuthorizationMessage') }))
    const message = await decode(await deniedDescribe(denied.credentials), reader.credentials)
    expect(message.context.principal.arn).toBe(denied.arn)
  })

  it('denies a user without sts:DecodeAuthorizationMessage', async () => {
    const user = await createTestUser(palisade, 'curious')
    const encoded = await deniedDescribe(user.credentials)
    await expectDenied(decode(encoded, user.credentials), 'because no identity-based policy allows the sts:DecodeAuthorizationMessage action')
  })

  it('denies with an explicit deny of sts:DecodeAuthorizationMessage even beside an allow', async () => {
    const user = await createTestUser(palisade, 'half-reader')
    await rootClient(palisade).send(new PutUserPolicyCommand({
      UserName: user.name,
      PolicyName: 'decode',
      PolicyDocument: policy({ Effect: 'Allow', Action: 'sts:*' }, { Effect: 'Deny', Action: 'sts:DecodeAuthorizationMessage' }),
    }))
    await expectDenied(decode(await deniedDescribe(user.credentials), user.credentials), 'with an explicit deny in an identity-based policy')
  })

  it.each([
    { name: 'a blob with one character changed', alter: (blob: string) => `${blob.slice(0, 20)}${blob[20] === 'A' ? 'B' : 'A'}${blob.slice(21)}` },
    { name: 'a truncated blob', alter: (blob: string) => blob.slice(0, -8) },
    { name: 'text this server never made', alter: () => 'EXAMPLEWodyRNrtlQARDip-eTA6i6DrlUhHhPQrLWB_lAbl5pAKxl9mPDLexYcGBreyIKQC1BGBIpBKr3dFDkwqeO7e2NMk5j' },
  ])('refuses $name with InvalidAuthorizationMessageException', async ({ alter }) => {
    const user = await createTestUser(palisade, `tamper-${Math.random().toString(36).slice(2, 8)}`)
    const encoded = await deniedDescribe(user.credentials)
    await expect(decode(alter(encoded))).rejects.toMatchObject({ name: 'InvalidAuthorizationMessageException', $metadata: { httpStatusCode: 400 } })
  })
})

describe.runIf(awsCliAvailable)('encoded authorization messages through the AWS CLI', () => {
  let palisade: TestPalisade
  beforeAll(async () => {
    palisade = await startTestPalisade()
  })
  afterAll(() => palisade.stop())

  it('shows the denied user the encoded message, and decodes it for root', async () => {
    const user = await createTestUser(palisade, 'cli-no-ec2')
    const denied = await awsCli(palisade.url, user.credentials, ['ec2', 'describe-instances'])
    expect(denied.code).not.toBe(0)
    const encoded = /\(UnauthorizedOperation\) when calling the DescribeInstances operation(?: \(reached max retries: \d+\))?: You are not authorized to perform this operation\. Encoded authorization failure message: (\S+)/.exec(denied.stderr)?.[1]
    expect(encoded, denied.stderr).toBeDefined()
    const decoded = await awsCli(palisade.url, palisade.root, ['sts', 'decode-authorization-message', '--encoded-message', encoded!, '--query', 'DecodedMessage', '--output', 'text'])
    expect(decoded.code, decoded.stderr).toBe(0)
    expect(JSON.parse(decoded.stdout)).toMatchObject({ allowed: false, explicitDeny: false, context: { principal: { arn: user.arn }, action: 'ec2:DescribeInstances' } })
  })
})

describe('encodedAuthorizationMessages', () => {
  const details: AuthorizationDetails = {
    accountId: ACCOUNT,
    principal: { id: 'AIDAEXAMPLEEXAMPLEEX', arn: `arn:aws:iam::${ACCOUNT}:user/ana` },
    action: 'ec2:RunInstances',
    resource: 'arn:aws:ec2:us-east-1:000000000000:instance/*',
    decision: { effect: 'ImplicitDeny', matched: [], denial: { kind: 'implicit', policyType: 'identity' }, missingContextKeys: [], errors: [] },
    context: { 'aws:username': 'ana', 'ec2:Region': 'us-east-1', 'aws:TagKeys': ['a', 'b'] },
  }

  it('opens what it sealed, with multi-valued keys as several values', () => {
    const messages = encodedAuthorizationMessages(randomBytes(32))
    const decoded = JSON.parse(messages.decode(ACCOUNT, messages.encode(details))) as DecodedMessage
    expect(decoded.context.conditions.items).toContainEqual({ key: 'aws:TagKeys', values: { items: [{ value: 'a' }, { value: 'b' }] } })
    expect(decoded.context.resource).toBe(details.resource)
  })

  it('hides the details from whoever holds the blob', () => {
    const encoded = encodedAuthorizationMessages(randomBytes(32)).encode(details)
    expect(encoded).not.toContain('ana')
    expect(Buffer.from(encoded.replace(/^v1:/, ''), 'base64').toString('latin1')).not.toContain('RunInstances')
  })

  it.each([
    { name: 'another account', open: (encoded: string, rootKey: Buffer) => encodedAuthorizationMessages(rootKey).decode('111122223333', encoded) },
    { name: 'another root key', open: (encoded: string) => encodedAuthorizationMessages(randomBytes(32)).decode(ACCOUNT, encoded) },
  ])('does not open for $name', ({ open }) => {
    const rootKey = randomBytes(32)
    const encoded = encodedAuthorizationMessages(rootKey).encode(details)
    expect(() => open(encoded, rootKey)).toThrow(expect.objectContaining({ code: 'InvalidAuthorizationMessageException' }))
  })

  it('stays within the 10240 characters DecodeAuthorizationMessage accepts, dropping condition keys if it must', () => {
    const messages = encodedAuthorizationMessages(randomBytes(32))
    const huge = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`aws:RequestTag/k${i}`, randomBytes(24).toString('hex')]))
    const encoded = messages.encode({ ...details, context: huge })
    expect(encoded.length).toBeLessThanOrEqual(10240)
    expect(JSON.parse(messages.decode(ACCOUNT, encoded))).toMatchObject({ allowed: false, context: { action: 'ec2:RunInstances', conditions: { items: [] } } })
  })
})
