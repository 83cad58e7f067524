import { describe, expect, it } from 'vitest'
import type { ValidatedPolicyType } from './finding.js'
import { validatePolicy } from './validate-policy.js'

function statement(body: Record<string, unknown>): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [body] }, null, 2)
}

const allowS3 = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/key' }

interface Case {
  readonly name: string
  readonly policy: string
  readonly policyType?: ValidatedPolicyType
  readonly issueCode: string
  readonly findingType: string
  readonly path: string
}

const cases: Case[] = [
  { name: 'unparseable JSON is a JSON syntax error', policy: '{"Version": "2012-10-17", "Statement": [}', issueCode: 'JSON_SYNTAX_ERROR', findingType: 'ERROR', path: '' },
  { name: 'a missing Version is a warning', policy: JSON.stringify({ Statement: [allowS3] }), issueCode: 'MISSING_VERSION', findingType: 'WARNING', path: '' },
  { name: 'an unknown Version is an error', policy: JSON.stringify({ Version: '2012-10-18', Statement: [allowS3] }), issueCode: 'INVALID_VERSION', findingType: 'ERROR', path: 'Version' },
  { name: 'a document without Statement', policy: JSON.stringify({ Version: '2012-10-17' }), issueCode: 'MISSING_STATEMENT', findingType: 'ERROR', path: '' },
  { name: 'an unknown top-level element', policy: JSON.stringify({ Version: '2012-10-17', Statment: [], Statement: [allowS3] }), issueCode: 'INVALID_POLICY_ELEMENT', findingType: 'ERROR', path: 'Statment' },
  { name: 'an unknown statement element', policy: statement({ ...allowS3, Actions: 's3:*' }), issueCode: 'INVALID_POLICY_ELEMENT', findingType: 'ERROR', path: 'Statement[0].Actions' },
  { name: 'a statement without Effect', policy: statement({ Action: 's3:GetObject', Resource: '*' }), issueCode: 'MISSING_EFFECT', findingType: 'ERROR', path: 'Statement[0]' },
  { name: 'an Effect other than Allow or Deny', policy: statement({ ...allowS3, Effect: 'allow' }), issueCode: 'INVALID_EFFECT', findingType: 'ERROR', path: 'Statement[0].Effect' },
  { name: 'a statement without Action or NotAction', policy: statement({ Effect: 'Allow', Resource: '*' }), issueCode: 'MISSING_ACTION', findingType: 'ERROR', path: 'Statement[0]' },
  { name: 'Action and NotAction together', policy: statement({ ...allowS3, NotAction: 's3:PutObject' }), issueCode: 'UNSUPPORTED_ELEMENT_COMBINATION', findingType: 'ERROR', path: 'Statement[0].Action' },
  { name: 'an identity statement without Resource', policy: statement({ Effect: 'Allow', Action: 's3:GetObject' }), issueCode: 'MISSING_RESOURCE', findingType: 'ERROR', path: 'Statement[0]' },
  { name: 'Action given as a number', policy: statement({ ...allowS3, Action: 5 }), issueCode: 'DATA_TYPE_MISMATCH', findingType: 'ERROR', path: 'Statement[0].Action' },
  { name: 'a Principal in an identity policy', policy: statement({ ...allowS3, Principal: '*' }), issueCode: 'UNSUPPORTED_PRINCIPAL', findingType: 'ERROR', path: 'Statement[0].Principal' },
  { name: 'a Principal in a service control policy', policy: statement({ ...allowS3, Principal: '*' }), policyType: 'scp', issueCode: 'SCP_SYNTAX_ERROR_PRINCIPAL', findingType: 'ERROR', path: 'Statement[0].Principal' },
  { name: 'a resource policy statement without Principal', policy: statement(allowS3), policyType: 'resource', issueCode: 'MISSING_PRINCIPAL', findingType: 'ERROR', path: 'Statement[0]' },
  { name: 'an unknown principal key', policy: statement({ ...allowS3, Principal: { User: 'bob' } }), policyType: 'resource', issueCode: 'INVALID_PRINCIPAL_KEY', findingType: 'ERROR', path: 'Statement[0].Principal.User' },
  { name: 'a wildcard inside a principal ARN', policy: statement({ ...allowS3, Principal: { AWS: 'arn:aws:iam::111122223333:user/*' } }), policyType: 'resource', issueCode: 'UNSUPPORTED_WILDCARD_IN_PRINCIPAL', findingType: 'ERROR', path: 'Statement[0].Principal.AWS' },
  { name: 'Allow with NotPrincipal', policy: statement({ ...allowS3, NotPrincipal: { AWS: '111122223333' } }), policyType: 'resource', issueCode: 'ALLOW_WITH_NOT_PRINCIPAL', findingType: 'SECURITY_WARNING', path: 'Statement[0].NotPrincipal' },
  { name: 'a Sid with punctuation in an identity policy', policy: statement({ ...allowS3, Sid: 'read-objects' }), issueCode: 'UNSUPPORTED_SID', findingType: 'ERROR', path: 'Statement[0].Sid' },
  {
    name: 'two statements with the same Sid',
    policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ ...allowS3, Sid: 'A' }, { ...allowS3, Action: 's3:PutObject', Sid: 'A' }] }),
    issueCode: 'UNIQUE_SIDS_REQUIRED', findingType: 'ERROR', path: 'Statement[1].Sid',
  },
  { name: 'an action without a service prefix', policy: statement({ ...allowS3, Action: 'GetObject' }), issueCode: 'INVALID_ACTION', findingType: 'ERROR', path: 'Statement[0].Action' },
  { name: 'an action of an unknown service', policy: statement({ ...allowS3, Action: ['s3:GetObject', 'nosuchservice:GetThing'] }), issueCode: 'INVALID_SERVICE_IN_ACTION', findingType: 'ERROR', path: 'Statement[0].Action[1]' },
  { name: 'an action the service does not define', policy: statement({ ...allowS3, Action: 's3:GetObjects' }), issueCode: 'INVALID_ACTION', findingType: 'ERROR', path: 'Statement[0].Action' },
  { name: 'a wildcard action that matches nothing', policy: statement({ ...allowS3, Action: 's3:Fly*' }), issueCode: 'INVALID_ACTION', findingType: 'ERROR', path: 'Statement[0].Action' },
  { name: 'an SCP action with a wildcard before the end', policy: statement({ Effect: 'Deny', Action: 's3:*Object', Resource: '*' }), policyType: 'scp', issueCode: 'SCP_SYNTAX_ERROR_ACTION_WILDCARD', findingType: 'ERROR', path: 'Statement[0].Action' },
  { name: 'an action another action in the statement covers', policy: statement({ ...allowS3, Action: ['s3:Get*', 's3:GetObject'] }), issueCode: 'REDUNDANT_ACTION', findingType: 'SUGGESTION', path: 'Statement[0].Action[1]' },
  { name: 'iam:PassRole on every resource', policy: statement({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }), issueCode: 'PASS_ROLE_WITH_STAR_IN_RESOURCE', findingType: 'SECURITY_WARNING', path: 'Statement[0].Resource' },
  { name: 'iam:* on every resource includes PassRole', policy: statement({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }), issueCode: 'PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE', findingType: 'SECURITY_WARNING', path: 'Statement[0].Resource' },
  { name: 'iam:PassRole with NotResource', policy: statement({ Effect: 'Allow', Action: 'iam:PassRole', NotResource: 'arn:aws:iam::111122223333:role/Admin' }), issueCode: 'PASS_ROLE_WITH_NOT_RESOURCE', findingType: 'SECURITY_WARNING', path: 'Statement[0].NotResource' },
  { name: 'a resource that is not an ARN', policy: statement({ ...allowS3, Resource: 'bucket/key' }), issueCode: 'INVALID_ARN_PREFIX', findingType: 'ERROR', path: 'Statement[0].Resource' },
  { name: 'an ARN with too few fields', policy: statement({ ...allowS3, Resource: 'arn:aws:s3:bucket' }), issueCode: 'MISSING_ARN_FIELD', findingType: 'ERROR', path: 'Statement[0].Resource' },
  { name: 'an unknown partition', policy: statement({ ...allowS3, Resource: 'arn:aws-moon:s3:::bucket/key' }), issueCode: 'INVALID_PARTITION', findingType: 'ERROR', path: 'Statement[0].Resource' },
  { name: 'an upper-case service in an ARN', policy: statement({ ...allowS3, Resource: 'arn:aws:S3:::bucket/key' }), issueCode: 'INVALID_ARN_SERVICE_CASE', findingType: 'ERROR', path: 'Statement[0].Resource' },
  { name: 'a Region in an S3 bucket ARN', policy: statement({ ...allowS3, Resource: 'arn:aws:s3:us-east-1::bucket/key' }), issueCode: 'ARN_REGION_NOT_ALLOWED', findingType: 'ERROR', path: 'Statement[0].Resource' },
  { name: 'an account in an S3 object ARN', policy: statement({ ...allowS3, Resource: 'arn:aws:s3::111122223333:bucket/key' }), issueCode: 'ARN_ACCOUNT_NOT_ALLOWED', findingType: 'ERROR', path: 'Statement[0].Resource' },
  { name: 'an account ID that is not 12 digits', policy: statement({ Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::1234:user/bob' }), issueCode: 'INVALID_ARN_ACCOUNT', findingType: 'ERROR', path: 'Statement[0].Resource' },
  { name: 'an ARN that fits no resource type of its service', policy: statement({ Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::111122223333:person/bob' }), issueCode: 'INVALID_ARN_RESOURCE', findingType: 'ERROR', path: 'Statement[0].Resource' },
  { name: 'a DynamoDB table ARN without a Region', policy: statement({ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb::111122223333:table/Books' }), issueCode: 'MISSING_ARN_REGION', findingType: 'ERROR', path: 'Statement[0].Resource' },
  { name: 'a resource another resource covers', policy: statement({ ...allowS3, Resource: ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/key'] }), issueCode: 'REDUNDANT_RESOURCE', findingType: 'SUGGESTION', path: 'Statement[0].Resource[1]' },
  { name: 'an unknown condition operator', policy: statement({ ...allowS3, Condition: { StringEqualz: { 'aws:username': 'bob' } } }), issueCode: 'INVALID_CONDITION_OPERATOR', findingType: 'ERROR', path: 'Statement[0].Condition.StringEqualz' },
  { name: 'Null with IfExists', policy: statement({ ...allowS3, Condition: { NullIfExists: { 'aws:TokenIssueTime': 'true' } } }), issueCode: 'NULL_WITH_IF_EXISTS', findingType: 'ERROR', path: 'Statement[0].Condition.NullIfExists' },
  { name: 'an unknown global condition key', policy: statement({ ...allowS3, Condition: { StringEquals: { 'aws:NoSuchKey': 'x' } } }), issueCode: 'INVALID_GLOBAL_CONDITION_KEY', findingType: 'ERROR', path: 'Statement[0].Condition.StringEquals.aws:NoSuchKey' },
  { name: 'an unknown service condition key', policy: statement({ ...allowS3, Condition: { StringEquals: { 's3:nosuchkey': 'x' } } }), issueCode: 'INVALID_SERVICE_CONDITION_KEY', findingType: 'ERROR', path: 'Statement[0].Condition.StringEquals.s3:nosuchkey' },
  { name: 'a condition key without a prefix', policy: statement({ ...allowS3, Condition: { StringEquals: { username: 'bob' } } }), issueCode: 'INVALID_CONDITION_KEY_FORMAT', findingType: 'ERROR', path: 'Statement[0].Condition.StringEquals.username' },
  {
    name: 'a service key the statement’s action does not support',
    policy: statement({ ...allowS3, Condition: { StringEquals: { 's3:prefix': 'home/' } } }),
    issueCode: 'UNSUPPORTED_ACTION_FOR_CONDITION_KEY', findingType: 'ERROR', path: 'Statement[0].Condition.StringEquals.s3:prefix',
  },
  {
    name: 'one key written twice with different case',
    policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:username":"a","aws:UserName":"b"}}}]}',
    issueCode: 'DUPLICATE_KEYS_WITH_DIFFERENT_CASE', findingType: 'ERROR', path: 'Statement[0].Condition.StringEquals.aws:UserName',
  },
  { name: 'Bool with two values', policy: statement({ ...allowS3, Condition: { Bool: { 'aws:SecureTransport': ['true', 'false'] } } }), issueCode: 'INVALID_CONDITION_MULTIPLE_BOOLEAN', findingType: 'ERROR', path: 'Statement[0].Condition.Bool.aws:SecureTransport' },
  {
    name: 'ForAllValues with a single-valued key in an Allow',
    policy: statement({ ...allowS3, Condition: { 'ForAllValues:StringEquals': { 'aws:username': ['a', 'b'] } } }),
    issueCode: 'FORALLVALUES_WITH_SINGLE_VALUED_KEY', findingType: 'SECURITY_WARNING', path: 'Statement[0].Condition.ForAllValues:StringEquals.aws:username',
  },
  { name: 'a numeric operator on a string key', policy: statement({ ...allowS3, Condition: { NumericLessThan: { 'aws:username': '3' } } }), issueCode: 'MISMATCHED_TYPE', findingType: 'WARNING', path: 'Statement[0].Condition.NumericLessThan.aws:username' },
  { name: 'an empty condition value list', policy: statement({ ...allowS3, Condition: { StringEquals: { 'aws:username': [] } } }), issueCode: 'EMPTY_ARRAY_CONDITION', findingType: 'SUGGESTION', path: 'Statement[0].Condition.StringEquals.aws:username' },
  { name: 'a variable in Action', policy: statement({ ...allowS3, Action: 's3:${aws:username}' }), issueCode: 'VARIABLE_UNSUPPORTED_IN_ELEMENT', findingType: 'ERROR', path: 'Statement[0].Action' },
  { name: 'a variable under Version 2008-10-17', policy: JSON.stringify({ Version: '2008-10-17', Statement: [{ ...allowS3, Resource: 'arn:aws:s3:::bucket/${aws:username}/*' }] }), issueCode: 'VARIABLE_UNSUPPORTED_IN_VERSION', findingType: 'ERROR', path: 'Statement[0].Resource' },
  { name: 'a variable without its closing brace', policy: statement({ ...allowS3, Resource: 'arn:aws:s3:::bucket/${aws:username/*' }), issueCode: 'MISSING_BRACE_IN_VARIABLE', findingType: 'ERROR', path: 'Statement[0].Resource' },
  { name: 'an empty variable in a condition', policy: statement({ ...allowS3, Condition: { StringEquals: { 'aws:PrincipalTag/team': '${}' } } }), issueCode: 'EMPTY_VARIABLE', findingType: 'ERROR', path: 'Statement[0].Condition.StringEquals.aws:PrincipalTag/team' },
  { name: 'aws:SourceIp with a private range', policy: statement({ ...allowS3, Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/16', '192.168.1.1'] } } }), issueCode: 'PRIVATE_IP_ADDRESS', findingType: 'ERROR', path: 'Statement[0].Condition.IpAddress.aws:SourceIp' },
  { name: 'aws:SourceIp with NotIpAddress and a private range', policy: statement({ ...allowS3, Condition: { NotIpAddress: { 'aws:SourceIp': '172.20.0.0/16' } } }), issueCode: 'PRIVATE_NOT_IP_ADDRESS', findingType: 'ERROR', path: 'Statement[0].Condition.NotIpAddress.aws:SourceIp' },
  {
    name: 'a statement another statement covers',
    policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::bucket/*' }, allowS3] }),
    issueCode: 'REDUNDANT_STATEMENT', findingType: 'SUGGESTION', path: 'Statement[1]',
  },
]

describe('validatePolicy', () => {
  it.each(cases)('$name', ({ policy, policyType = 'identity', issueCode, findingType, path }) => {
    const found = validatePolicy(policy, { policyType }).filter((item) => item.issueCode === issueCode)
    expect(found.map((item) => ({ findingType: item.findingType, path: item.locations[0]?.path }))).toContainEqual({ findingType, path })
  })

  it.each<{ name: string; policyType: ValidatedPolicyType; policy: string }>([
    { name: 'a scoped S3 read policy', policyType: 'identity', policy: statement({ ...allowS3, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }) },
    { name: 'a bucket policy for another account', policyType: 'resource', policy: statement({ ...allowS3, Principal: { AWS: 'arn:aws:iam::444455556666:root' } }) },
    { name: 'a role trust policy', policyType: 'trust', policy: statement({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ec2.amazonaws.com' } }) },
    { name: 'an SCP denying regions', policyType: 'scp', policy: statement({ Effect: 'Deny', NotAction: ['iam:*', 'sts:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } } }) },
    { name: 'PassRole limited by iam:PassedToService', policyType: 'identity', policy: statement({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }) },
    { name: 'aws:SourceIp with a public range', policyType: 'identity', policy: statement({ ...allowS3, Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '172.32.0.0/16'] } } }) },
    { name: 'the literal-character variables ${*} ${?} ${$}', policyType: 'identity', policy: statement({ ...allowS3, Resource: 'arn:aws:s3:::bucket/${*}${?}${$}' }) },
    { name: 'a policy variable in a resource', policyType: 'identity', policy: statement({ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::bucket', Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*'] } } }) },
  ])('reports nothing for $name', ({ policy, policyType }) => {
    expect(validatePolicy(policy, { policyType })).toEqual([])
  })

  it('locates a finding by line, column and offset in the raw text', () => {
    const policy = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}\n}'
    const [found] = validatePolicy(policy, { policyType: 'identity' })
    const offset = policy.indexOf('"s3:GetObjekt"')
    expect(found?.issueCode).toBe('INVALID_ACTION')
    expect(found?.locations[0]).toEqual({
      path: 'Statement.Action',
      span: { start: { line: 3, column: offset - policy.lastIndexOf('\n', offset) - 1, offset }, end: { line: 3, column: offset - policy.lastIndexOf('\n', offset) - 1 + 14, offset: offset + 14 } },
    })
  })

  it('locates a JSON syntax error where reading stopped', () => {
    const [found] = validatePolicy('{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}', { policyType: 'identity' })
    expect(found).toMatchObject({ issueCode: 'JSON_SYNTAX_ERROR', locations: [{ span: { start: { line: 3, column: 16, offset: 45 } } }] })
  })

  it('does not compare NotAction lists as if they were Action lists when looking for redundant statements', () => {
    // Statement[1] denies everything but iam:Get*, which is more than Statement[0] denies; it is not redundant.
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }, { Effect: 'Deny', NotAction: 'iam:Get*', Resource: '*' }] })
    expect(validatePolicy(policy, { policyType: 'identity' }).filter((item) => item.issueCode === 'REDUNDANT_STATEMENT')).toEqual([])
  })

  it('orders findings from most to least severe', () => {
    const types = validatePolicy(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: ['s3:*', 's3:GetObject', 'iam:PassRole', 's3:Nope'], Resource: '*' }] }), { policyType: 'identity' }).map((item) => item.findingType)
    expect(types).toEqual(['ERROR', 'SECURITY_WARNING', 'WARNING', 'SUGGESTION'])
  })
})
