import { describe, expect, it } from 'vitest'
import { holds } from '../../testing.js'

describe('ARN condition operators', () => {
  const role = 'arn:aws:iam::111122223333:role/path/Admin'
  it.each([
    { name: 'ArnEquals matches the same ARN', op: 'ArnEquals', value: role, expected: true },
    { name: 'ArnLike matches a wildcard in the resource part', op: 'ArnLike', value: 'arn:aws:iam::111122223333:role/*', expected: true },
    { name: 'ArnEquals also accepts wildcards', op: 'ArnEquals', value: 'arn:aws:iam::*:role/path/Admin', expected: true },
    { name: 'a wildcard in the account part does not span colons', op: 'ArnLike', value: 'arn:aws:iam::*:Admin', expected: false },
    { name: 'a pattern with fewer parts lets its last part run to the end', op: 'ArnLike', value: 'arn:aws:iam:*', expected: true },
    { name: 'each part is compared on its own', op: 'ArnLike', value: 'arn:aws:iam:*:111122223333:role/path/Admin', expected: true },
    { name: 'comparison is case-sensitive', op: 'ArnLike', value: 'arn:aws:iam::111122223333:role/path/admin', expected: false },
    { name: '? matches one character in a part', op: 'ArnLike', value: 'arn:aws:iam::11112222333?:role/path/Admin', expected: true },
    { name: 'ArnNotLike holds for another account', op: 'ArnNotLike', value: 'arn:aws:iam::444455556666:*', expected: true },
    { name: 'ArnNotEquals fails for the same ARN', op: 'ArnNotEquals', value: role, expected: false },
  ])('$name', ({ op, value, expected }) => {
    expect(holds(op, 'aws:PrincipalArn', value, { 'aws:PrincipalArn': role })).toBe(expected)
  })

  it('never matches a request value that is not an ARN', () => {
    expect(holds('ArnLike', 'aws:SourceArn', '*', { 'aws:SourceArn': 'not-an-arn' })).toBe(false)
  })

  it('lets the resource part contain colons', () => {
    const topic = 'arn:aws:sns:us-east-1:111122223333:topic:sub:x'
    expect(holds('ArnLike', 'aws:SourceArn', 'arn:aws:sns:us-east-1:111122223333:topic*', { 'aws:SourceArn': topic })).toBe(true)
  })

  it('resolves policy variables', () => {
    expect(holds('ArnEquals', 'aws:SourceArn', 'arn:aws:s3:::${aws:PrincipalAccount}-logs', { 'aws:SourceArn': 'arn:aws:s3:::111122223333-logs' })).toBe(true)
  })
})
