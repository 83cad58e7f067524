// isPublicPolicy: S3's meaning of a public bucket policy, case by case.
import { describe, expect, it } from 'vitest'
import { parsePolicy } from '../../../policy/index.js'
import { isPublicPolicy } from './policy-status.js'

const statement = (extra: Record<string, unknown>) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Principal: '*', ...extra }],
})

const cases = [
  { name: 'Principal * without a condition is public', policy: statement({}), public: true },
  { name: 'Principal {AWS: *} is public', policy: statement({ Principal: { AWS: '*' } }), public: true },
  { name: 'an account principal is not public', policy: statement({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } }), public: false },
  { name: 'a service principal is not public', policy: statement({ Principal: { Service: 'cloudtrail.amazonaws.com' } }), public: false },
  { name: 'a Deny with Principal * is not public', policy: statement({ Effect: 'Deny' }), public: false },
  { name: 'Allow with NotPrincipal is public', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] }), public: true },
  { name: 'a fixed aws:SourceArn makes it not public', policy: statement({ Condition: { StringEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111122223333:trail/t' } } }), public: false },
  { name: 'a fixed aws:SourceAccount makes it not public', policy: statement({ Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }), public: false },
  { name: 'a wildcard aws:SourceArn leaves it public', policy: statement({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*' } } }), public: true },
  { name: 'a negated condition leaves it public', policy: statement({ Condition: { StringNotEquals: { 'aws:SourceAccount': '111122223333' } } }), public: true },
  { name: 'an IfExists condition leaves it public', policy: statement({ Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' } } }), public: true },
  { name: 'a narrow aws:SourceIp range makes it not public', policy: statement({ Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }), public: false },
  { name: 'aws:SourceIp 0.0.0.0/0 leaves it public', policy: statement({ Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }), public: true },
  { name: 'aws:PrincipalOrgID makes it not public', policy: statement({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }), public: false },
  { name: 'an unrelated condition key leaves it public', policy: statement({ Condition: { StringLike: { 'aws:Referer': 'https://example.com/*' } } }), public: true },
  { name: 'a fixed aws:userid makes it not public', policy: statement({ Condition: { StringEquals: { 'aws:userid': 'AIDAEXAMPLE' } } }), public: false },
  { name: 'an aws:userid pattern leaves it public', policy: statement({ Condition: { StringLike: { 'aws:userid': 'AROAEXAMPLE:*' } } }), public: true },
]

describe('isPublicPolicy', () => {
  it.each(cases)('$name', ({ policy, public: expected }) => {
    expect(isPublicPolicy(parsePolicy(policy, 'resource'))).toBe(expected)
  })
})
