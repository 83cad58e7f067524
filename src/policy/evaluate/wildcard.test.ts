import { describe, expect, it } from 'vitest'
import { arnPiecesMatch, compileArnPattern, compileWildcard, piecesMatch } from './wildcard.js'

describe('compileWildcard', () => {
  it.each([
    { name: 'an exact pattern', pattern: 's3:GetObject', value: 's3:GetObject', expected: true },
    { name: '* alone matches anything', pattern: '*', value: 'anything', expected: true },
    { name: 'a trailing *', pattern: 's3:Get*', value: 's3:GetObjectAcl', expected: true },
    { name: 'a leading *', pattern: '*Object', value: 's3:GetObject', expected: true },
    { name: 'several *', pattern: 's3:*Object*', value: 's3:GetObjectTagging', expected: true },
    { name: '* needs the rest to match', pattern: 's3:*Acl', value: 's3:GetObject', expected: false },
    { name: '? is one character', pattern: 's3:?etObject', value: 's3:GetObject', expected: true },
    { name: '? is not zero characters', pattern: 's3:G?etObject', value: 's3:GetObject', expected: false },
    { name: 'backtracking past a false start', pattern: '*ab*ab', value: 'abxabyab', expected: true },
  ])('$name', ({ pattern, value, expected }) => {
    expect(compileWildcard(pattern)(value)).toBe(expected)
  })

  it('lower-cases the pattern when asked to ignore case', () => {
    expect(compileWildcard('S3:Get*', true)('s3:getobject')).toBe(true)
  })
})

describe('compileArnPattern', () => {
  it.each([
    { name: 'an exact ARN', pattern: 'arn:aws:s3:::b/k', value: 'arn:aws:s3:::b/k', expected: true },
    { name: 'a trailing * in the resource part', pattern: 'arn:aws:s3:::b/*', value: 'arn:aws:s3:::b/a/b:c', expected: true },
    { name: '* in the region field', pattern: 'arn:aws:sqs:*:111122223333:q', value: 'arn:aws:sqs:us-east-1:111122223333:q', expected: true },
    { name: '* in a field never spans a colon', pattern: 'arn:aws:sqs:*:q', value: 'arn:aws:sqs:us-east-1:111122223333:q', expected: false },
    { name: 'a * in the resource part spans colons', pattern: 'arn:aws:sns:*:*:*', value: 'arn:aws:sns:us-east-1:1:topic:sub', expected: true },
    { name: 'case matters', pattern: 'arn:aws:s3:::B/*', value: 'arn:aws:s3:::b/k', expected: false },
  ])('$name', ({ pattern, value, expected }) => {
    expect(compileArnPattern(pattern)(value)).toBe(expected)
  })
})

describe('piecesMatch and arnPiecesMatch', () => {
  it('treats literal pieces (resolved variables) without wildcards', () => {
    expect(piecesMatch(['home/', 'a*b', '/*'], 'home/a*b/x')).toBe(true)
    expect(piecesMatch(['home/', 'a*b', '/*'], 'home/aXb/x')).toBe(false)
    expect(piecesMatch(['', '?'], '?')).toBe(true)
    expect(piecesMatch(['', '?'], 'x')).toBe(false)
  })

  it('lets a * before a literal piece backtrack', () => {
    expect(piecesMatch(['*', 'ab', ''], 'xxabab')).toBe(true)
    expect(piecesMatch(['*', 'ab', 'c'], 'abxabc')).toBe(true)
  })

  it('matches ARN fields around a literal piece', () => {
    const pieces = ['arn:aws:s3:::bucket/home/', 'alice', '/*']
    expect(arnPiecesMatch(pieces, 'arn:aws:s3:::bucket/home/alice/f')).toBe(true)
    expect(arnPiecesMatch(pieces, 'arn:aws:s3:::bucket/home/bob/f')).toBe(false)
    expect(arnPiecesMatch(['arn:aws:iam::', '111122223333', ':user/*'], 'arn:aws:iam::111122223333:user/x')).toBe(true)
    expect(arnPiecesMatch(['arn:aws:iam::', '111122223333', ':user/*'], 'arn:aws:iam::444455556666:user/x')).toBe(false)
  })

  it('fails a value with fewer fields than the pattern', () => {
    expect(arnPiecesMatch(['arn:aws:s3:::*'], 'arn:aws:s3')).toBe(false)
  })
})
