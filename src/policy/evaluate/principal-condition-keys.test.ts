import { describe, expect, it } from 'vitest'
import { ACCOUNT, holds, principals } from '../testing.js'
import type { RequestPrincipal } from '../types.js'
import { principalConditionKeys } from './principal-condition-keys.js'

const cases: Array<{ name: string; principal: RequestPrincipal; expected: Record<string, string> }> = [
  {
    name: 'an IAM user has aws:username and its tags',
    principal: principals.user('alice', ACCOUNT, { tags: { Team: 'blue' } }),
    expected: {
      'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/alice`, 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalType': 'User',
      'aws:userid': 'AIDAALICE', 'aws:username': 'alice', 'aws:PrincipalIsAWSService': 'false', 'aws:PrincipalTag/Team': 'blue',
    },
  },
  {
    name: 'a role session has the role as aws:PrincipalArn and no aws:username',
    principal: principals.roleSession('Admin', 's1'),
    expected: {
      'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/Admin`, 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalType': 'AssumedRole',
      'aws:userid': 'AROAADMIN:s1', 'aws:PrincipalIsAWSService': 'false',
    },
  },
  {
    name: 'the root user is of type Account',
    principal: principals.root(),
    expected: {
      'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:root`, 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalType': 'Account',
      'aws:userid': ACCOUNT, 'aws:PrincipalIsAWSService': 'false',
    },
  },
  {
    name: 'a service principal has only the service keys',
    principal: principals.service('cloudtrail.amazonaws.com'),
    expected: { 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com' },
  },
  { name: 'an anonymous caller has none', principal: principals.anonymous(), expected: {} },
]

describe('principalConditionKeys', () => {
  it.each(cases)('$name', ({ principal, expected }) => {
    expect(principalConditionKeys(principal)).toEqual(expected)
  })

  it.each(cases)('lists what a condition sees for a key the request leaves out: $name', ({ principal }) => {
    for (const [key, value] of Object.entries(principalConditionKeys(principal))) {
      expect(holds('StringEquals', key, value, {}, { principal }), key).toBe(true)
    }
  })
})
