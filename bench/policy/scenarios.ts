// The bench's policies and requests: a user with N identity statements, a permissions boundary, SCPs at two levels
// and an S3 bucket policy, with conditions on aws:SourceIp, aws:MultiFactorAuthPresent and s3:prefix.

import type { AuthorizationRequest, PolicySourceSet } from '../../src/policy/index.js'

export const ACCOUNT = '111122223333'
export const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/alice`
export const BUCKET = 'arn:aws:s3:::corp-data'

const V = '2012-10-17'
const services = ['ec2', 'sqs', 'sns', 'dynamodb', 'lambda', 'kms', 'logs', 'cloudwatch', 'rds', 'ecr', 'ecs', 'glue', 'athena', 'kinesis', 'sagemaker']

/** N identity statements: a few S3 statements with the three conditions, the rest spread over other services. */
export function identityStatements(n: number): Record<string, unknown>[] {
  const statements: Record<string, unknown>[] = [
    {
      Sid: 'ReadOwnPrefix',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: `${BUCKET}/home/\${aws:username}/*`,
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } },
    },
    {
      Sid: 'ListOwnPrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: BUCKET,
      Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*', 'shared/*'] }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    },
    { Sid: 'DenyDeleteWithoutMfa', Effect: 'Deny', Action: 's3:Delete*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
  ]
  for (let i = statements.length; i < n; i++) {
    const service = services[i % services.length]!
    statements.push({
      Sid: `S${i}`,
      Effect: i % 17 === 0 ? 'Deny' : 'Allow',
      Action: [`${service}:Describe${i}*`, `${service}:Get${i}`],
      Resource: `arn:aws:${service}:us-east-1:${ACCOUNT}:thing/${i}/*`,
      ...(i % 5 === 0 && { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }),
    })
  }
  return statements.slice(0, n)
}

export function policySet(n: number): PolicySourceSet {
  const statements = identityStatements(n)
  const identity = []
  for (let i = 0; i < statements.length; i += 50) {
    identity.push({ id: `arn:aws:iam::${ACCOUNT}:policy/bench-${i / 50}`, document: { Version: V, Statement: statements.slice(i, i + 50) } })
  }
  return {
    scps: [
      [{ id: 'p-FullAWSAccess', document: { Version: V, Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
      [
        {
          id: 'p-region-guard',
          document: {
            Version: V,
            Statement: [
              { Sid: 'AllowAll', Effect: 'Allow', Action: '*', Resource: '*' },
              { Sid: 'DenyOtherRegions', Effect: 'Deny', NotAction: ['iam:*', 'sts:*', 's3:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } },
            ],
          },
        },
      ],
    ],
    identity,
    boundary: {
      id: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
      document: {
        Version: V,
        Statement: [
          { Sid: 'Ceiling', Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
          { Sid: 'NoBoundaryEdits', Effect: 'Deny', Action: 'iam:DeleteUserPermissionsBoundary', Resource: '*' },
        ],
      },
    },
    resource: [
      {
        id: BUCKET,
        document: {
          Version: V,
          Statement: [
            { Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [BUCKET, `${BUCKET}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
            { Sid: 'AccountRead', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['s3:GetObject', 's3:ListBucket'], Resource: [BUCKET, `${BUCKET}/*`] },
            { Sid: 'PartnerRead', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 's3:GetObject', Resource: `${BUCKET}/shared/*`, Condition: { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } },
          ],
        },
      },
    ],
  }
}

const principal = { type: 'IAMUser' as const, arn: USER_ARN, accountId: ACCOUNT, userId: 'AIDAEXAMPLEALICE' }
// The principal's global keys are spelled out (our engine would derive them) so that both engines see the same
// context: the peer does not derive aws:username from the principal.
const baseContext = {
  'aws:SecureTransport': 'true',
  'aws:RequestedRegion': 'us-east-1',
  'aws:CurrentTime': '2026-11-22T14:00:00Z',
  'aws:username': 'alice',
  'aws:userid': principal.userId,
  'aws:PrincipalArn': USER_ARN,
  'aws:PrincipalAccount': ACCOUNT,
  'aws:PrincipalType': 'User',
}

/** The requests each scenario cycles through: allowed, implicitly and explicitly denied, by each condition. */
export const requests: AuthorizationRequest[] = [
  { principal, action: 's3:GetObject', resource: `${BUCKET}/home/alice/report.csv`, resourceAccountId: ACCOUNT, context: { ...baseContext, 'aws:SourceIp': '203.0.113.10', 'aws:MultiFactorAuthPresent': 'true' } },
  { principal, action: 's3:GetObject', resource: `${BUCKET}/home/alice/report.csv`, resourceAccountId: ACCOUNT, context: { ...baseContext, 'aws:SourceIp': '192.0.2.1', 'aws:MultiFactorAuthPresent': 'true' } },
  { principal, action: 's3:GetObject', resource: `${BUCKET}/home/bob/report.csv`, resourceAccountId: ACCOUNT, context: { ...baseContext, 'aws:SourceIp': '2001:db8::5', 'aws:MultiFactorAuthPresent': 'true' } },
  { principal, action: 's3:ListBucket', resource: BUCKET, resourceAccountId: ACCOUNT, context: { ...baseContext, 'aws:SourceIp': '203.0.113.10', 's3:prefix': 'home/alice/2026/' } },
  { principal, action: 's3:ListBucket', resource: BUCKET, resourceAccountId: ACCOUNT, context: { ...baseContext, 'aws:SourceIp': '203.0.113.10', 's3:prefix': 'home/bob/' } },
  { principal, action: 's3:DeleteObject', resource: `${BUCKET}/home/alice/x`, resourceAccountId: ACCOUNT, context: { ...baseContext, 'aws:SourceIp': '203.0.113.10', 'aws:MultiFactorAuthPresent': 'false' } },
  { principal, action: 'ec2:Describe15Instances', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:thing/15/x`, resourceAccountId: ACCOUNT, context: { ...baseContext, 'aws:SourceIp': '203.0.113.10' } },
  { principal, action: 'iam:CreateUser', resource: `arn:aws:iam::${ACCOUNT}:user/mallory`, resourceAccountId: ACCOUNT, context: { ...baseContext, 'aws:SourceIp': '203.0.113.10' } },
]
