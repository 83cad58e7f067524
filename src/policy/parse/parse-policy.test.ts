import { describe, expect, it } from 'vitest'
import { awsPolicyMessages as msg, PolicySyntaxError } from '../errors.js'
import type { PolicyType } from '../types.js'
import { parsePolicy } from './parse-policy.js'

const V = '2012-10-17'
const allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }
const doc = (...statements: object[]) => ({ Version: V, Statement: statements })

function messageOf(document: string | Record<string, unknown>, type: PolicyType = 'identity', requireVersion2012?: boolean): string {
  try {
    parsePolicy(document, type, requireVersion2012 === undefined ? {} : { requireVersion2012 })
  } catch (error) {
    if (error instanceof PolicySyntaxError) return error.message
    throw error
  }
  return 'ok'
}

describe('parsePolicy', () => {
  describe('rejects documents with the message AWS gives', () => {
    it.each([
      { name: 'text that is not JSON', document: 'This is not a json document', expected: msg.syntax },
      { name: 'a JSON array', document: '[]', expected: msg.syntax },
      { name: 'a duplicate key', document: `{"Version":"${V}","Statement":{"Effect":"Allow","Effect":"Deny","Action":"s3:*","Resource":"*"}}`, expected: msg.syntax },
      { name: 'an unknown top-level field', document: { ...doc(allow), Extra: 1 }, expected: msg.syntax },
      { name: 'an unknown statement field', document: doc({ ...allow, Actions: 's3:*' }), expected: msg.syntax },
      { name: 'an unknown Version', document: { Version: '2020-01-01', Statement: allow }, expected: msg.syntax },
      { name: 'a missing Statement', document: { Version: V }, expected: msg.syntax },
      { name: 'an empty Statement array', document: { Version: V, Statement: [] }, expected: msg.syntax },
      { name: 'a statement that is a string', document: { Version: V, Statement: ['x'] }, expected: msg.syntax },
      { name: 'a missing Effect', document: doc({ Action: 's3:*', Resource: '*' }), expected: msg.syntax },
      { name: 'an Effect that is neither Allow nor Deny', document: doc({ ...allow, Effect: 'Permit' }), expected: msg.syntax },
      { name: 'an Effect in the wrong case', document: doc({ ...allow, Effect: 'allow' }), expected: msg.legacyParsing },
      { name: 'Action and NotAction together', document: doc({ ...allow, NotAction: 's3:*' }), expected: msg.syntax },
      { name: 'Resource and NotResource together', document: doc({ ...allow, NotResource: '*' }), expected: msg.syntax },
      { name: 'an Action that is a number', document: doc({ ...allow, Action: 5 }), expected: msg.syntax },
      { name: 'an Action array holding a non-string', document: doc({ ...allow, Action: ['s3:*', 1] }), expected: msg.syntax },
      { name: 'a Sid that is not a string', document: doc({ ...allow, Sid: 1 }), expected: msg.syntax },
      { name: 'a Condition block that is not an object', document: doc({ ...allow, Condition: { StringEquals: 'x' } }), expected: msg.syntax },
      { name: 'an unknown condition operator', document: doc({ ...allow, Condition: { StringEqualz: { 'aws:x': 'y' } } }), expected: msg.syntax },
      { name: 'NullIfExists', document: doc({ ...allow, Condition: { NullIfExists: { 'aws:x': 'true' } } }), expected: msg.syntax },
      { name: 'an unparseable date value', document: doc({ ...allow, Condition: { DateLessThan: { 'aws:CurrentTime': 'tomorrow-ish' } } }), expected: msg.legacyParsing },
      { name: 'an ARN cut short after an empty field', document: doc({ ...allow, Resource: 'arn:aws:iam::*' }), expected: msg.legacyParsing },
      { name: 'a repeated Sid', document: doc({ ...allow, Sid: 'A' }, { ...allow, Sid: 'A' }), expected: msg.duplicateSid },
      { name: 'a statement without Action', document: doc({ Effect: 'Allow', Resource: '*' }), expected: msg.noActions },
      { name: 'an empty Action array', document: doc({ ...allow, Action: [] }), expected: msg.noActions },
      { name: 'a resource that is not an ARN', document: doc({ ...allow, Resource: 'my-bucket' }), expected: msg.resourceFormat('my-bucket') },
      { name: 'an unknown partition', document: doc({ ...allow, Resource: 'arn:aws1:s3:::b' }), expected: msg.partition('aws1', 'arn:aws1:s3:::b') },
      { name: 'an unknown partition with absent fields', document: doc({ ...allow, Resource: 'arn:aws1:s3' }), expected: msg.partition('aws1', 'arn:aws1:s3:*:*:*') },
      { name: 'a resource without a service', document: doc({ ...allow, Resource: 'arn:aws' }), expected: msg.resourceVendor },
      { name: 'a resource with a wildcard in the service', document: doc({ ...allow, Resource: 'arn:aws:s3*:::b/*' }), expected: msg.resourceVendor },
      { name: 'an S3 bucket ARN with a region', document: doc({ ...allow, Resource: 'arn:aws:s3:us-east-1::b/*' }), expected: msg.s3Region('arn:aws:s3:us-east-1::b/*') },
      { name: 'an IAM resource with a region', document: doc({ ...allow, Resource: 'arn:aws:iam:us-east-1:111122223333:user/x' }), expected: msg.iamRegion('arn:aws:iam:us-east-1:111122223333:user/x') },
      { name: 'an action without a vendor', document: doc({ ...allow, Action: 'GetObject' }), expected: msg.noVendor },
      { name: 'an empty action', document: doc({ ...allow, Action: '' }), expected: msg.noVendor },
      { name: 'an action with two colons', document: doc({ ...allow, Action: 's3:Get:Object' }), expected: msg.oneColon },
      { name: 'a vendor with a space', document: doc({ ...allow, Action: 's 3:GetObject' }), expected: msg.invalidVendor('s 3') },
      { name: 'a condition key without a vendor', document: doc({ ...allow, Condition: { StringEquals: { SourceIp: 'x' } } }), expected: msg.noVendor },
      { name: 'a statement without resources', document: doc({ Effect: 'Allow', Action: 's3:*' }), expected: msg.noResources },
      { name: 'an empty Resource array', document: doc({ ...allow, Resource: [] }), expected: msg.noResources },
      { name: 'a non-alphanumeric Sid in an IAM policy', document: doc({ ...allow, Sid: 'my sid' }), expected: 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*' },
    ])('$name', ({ document, expected }) => {
      expect(messageOf(document as Record<string, unknown>)).toBe(expected)
    })
  })

  describe('applies the rules of each policy type', () => {
    const withPrincipal = { ...allow, Principal: { AWS: 'arn:aws:iam::111122223333:root' } }
    const trust = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }
    it.each([
      { name: 'an identity policy with a Principal', type: 'identity', document: doc(withPrincipal), expected: msg.principalNotAllowed },
      { name: 'an identity policy with a NotPrincipal', type: 'identity', document: doc({ ...allow, NotPrincipal: '*' }), expected: msg.principalNotAllowed },
      { name: 'a permissions boundary with a Principal', type: 'boundary', document: doc(withPrincipal), expected: msg.principalNotAllowed },
      { name: 'a session policy with a Principal', type: 'session', document: doc(withPrincipal), expected: msg.principalNotAllowed },
      { name: 'an SCP with a Principal', type: 'scp', document: doc(withPrincipal), expected: msg.principalNotAllowed },
      { name: 'an SCP with a wildcard before the end of an action', type: 'scp', document: doc({ ...allow, Action: 's3:*Object' }), expected: msg.scpWildcard('s3:*Object') },
      { name: 'an SCP accepts a trailing wildcard', type: 'scp', document: doc({ ...allow, Action: 's3:Get*' }), expected: 'ok' },
      { name: 'an SCP accepts conditions and NotResource on Allow', type: 'scp', document: doc({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::b', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }), expected: 'ok' },
      { name: 'an SCP without Version', type: 'scp', document: { Statement: allow }, expected: msg.version },
      { name: 'a resource policy without a Principal', type: 'resource', document: doc(allow), expected: msg.principalRequired },
      { name: 'a resource policy with a Principal', type: 'resource', document: doc(withPrincipal), expected: 'ok' },
      { name: 'a resource policy with Principal "*"', type: 'resource', document: doc({ ...allow, Principal: '*' }), expected: 'ok' },
      { name: 'a resource policy with a Principal string other than "*"', type: 'resource', document: doc({ ...allow, Principal: 'arn:aws:iam::111122223333:root' }), expected: msg.syntax },
      { name: 'a resource policy with an unknown principal kind', type: 'resource', document: doc({ ...allow, Principal: { User: 'x' } }), expected: msg.syntax },
      { name: 'a resource policy naming a malformed AWS principal', type: 'resource', document: doc({ ...allow, Principal: { AWS: 'alice' } }), expected: msg.invalidPrincipal('AWS', 'alice') },
      { name: 'a resource policy with a wildcard inside a principal ARN', type: 'resource', document: doc({ ...allow, Principal: { AWS: 'arn:aws:iam::111122223333:user/*' } }), expected: msg.invalidPrincipal('AWS', 'arn:aws:iam::111122223333:user/*') },
      { name: 'a trust policy naming a malformed service', type: 'trust', document: doc({ ...trust, Principal: { Service: 'ec2' } }), expected: msg.invalidPrincipal('Service', 'ec2') },
      { name: 'a resource policy naming a role session and a unique id', type: 'resource', document: doc({ ...allow, Principal: { AWS: ['arn:aws:sts::111122223333:assumed-role/R/s', 'AIDAJQABLZS4A3QDU576Q'] } }), expected: 'ok' },
      { name: 'a resource policy accepts a Sid with spaces', type: 'resource', document: doc({ ...withPrincipal, Sid: 'Allow read' }), expected: 'ok' },
      { name: 'a trust policy without a Principal', type: 'trust', document: doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }), expected: msg.principalRequired },
      { name: 'a trust policy with a Resource', type: 'trust', document: doc({ ...trust, Resource: '*' }), expected: msg.trustResource },
      { name: 'a trust policy with a non-STS action', type: 'trust', document: doc({ ...trust, Action: 's3:GetObject' }), expected: msg.trustActions },
      { name: 'a valid trust policy', type: 'trust', document: doc(trust), expected: 'ok' },
      { name: 'an RCP whose Principal is not "*"', type: 'rcp', document: doc({ Effect: 'Deny', Principal: { AWS: '111122223333' }, Action: 's3:*', Resource: '*' }), expected: msg.rcpPrincipal },
      { name: 'an RCP with NotAction', type: 'rcp', document: doc({ Effect: 'Deny', Principal: '*', NotAction: 's3:*', Resource: '*' }), expected: msg.rcpElement('NotAction') },
      { name: 'an RCP Allow other than full access', type: 'rcp', document: doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }), expected: msg.rcpEffect },
      { name: 'the RCPFullAWSAccess policy', type: 'rcp', document: doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }), expected: 'ok' },
    ])('$name', ({ type, document, expected }) => {
      expect(messageOf(document as Record<string, unknown>, type as PolicyType)).toBe(expected)
    })
  })

  describe('Version', () => {
    it('defaults to 2008-10-17 when absent', () => {
      expect(parsePolicy({ Statement: allow }, 'identity').version).toBe('2008-10-17')
    })
    it('requires 2012-10-17 where IAM managed policies do', () => {
      expect(messageOf({ Statement: allow }, 'identity', true)).toBe(msg.version)
      expect(messageOf({ Version: '2008-10-17', Statement: allow }, 'identity', true)).toBe(msg.version)
      expect(messageOf({ Version: V, Statement: allow }, 'identity', true)).toBe('ok')
    })
  })

  it('normalizes strings to arrays and keeps Sid, index and the single-statement form', () => {
    const parsed = parsePolicy(
      { Version: V, Id: 'p', Statement: { Sid: 'One', Effect: 'Deny', NotAction: 'iam:*', Resource: ['*'], Condition: { 'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['a*', 'b'] }, NumericLessThan: { 's3:max-keys': 10 } } } },
      'identity',
    )
    expect(parsed).toEqual({
      type: 'identity',
      version: V,
      id: 'p',
      singleStatement: true,
      statements: [
        {
          index: 0,
          sid: 'One',
          effect: 'Deny',
          notAction: ['iam:*'],
          resource: ['*'],
          condition: [
            { operator: 'ForAnyValue:StringLikeIfExists', setOperator: 'ForAnyValue', baseOperator: 'StringLike', ifExists: true, key: 'aws:TagKeys', values: ['a*', 'b'] },
            { operator: 'NumericLessThan', baseOperator: 'NumericLessThan', ifExists: false, key: 's3:max-keys', values: ['10'] },
          ],
        },
      ],
    })
  })

  it('accepts the regional S3 resources AWS managed policies use (access grants, access points)', () => {
    const regional = ['arn:aws:s3:*:*:access-grants/default/location/*', 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap']
    expect(() => parsePolicy(doc({ ...allow, Resource: regional }), 'identity')).not.toThrow()
  })

  it('parses every kind of Principal', () => {
    const parsed = parsePolicy(
      doc({ ...allow, Principal: { AWS: ['111122223333', 'arn:aws:iam::444455556666:role/R'], Service: 'ec2.amazonaws.com', Federated: 'cognito-identity.amazonaws.com', CanonicalUser: 'abc' } }),
      'resource',
    )
    expect(parsed.statements[0]!.principal).toEqual({
      wildcard: false,
      aws: ['111122223333', 'arn:aws:iam::444455556666:role/R'],
      service: ['ec2.amazonaws.com'],
      federated: ['cognito-identity.amazonaws.com'],
      canonicalUser: ['abc'],
    })
  })
})
