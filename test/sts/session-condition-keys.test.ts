// sessionConditionKeys: the global condition keys an STS session's requests carry, for the authorization stage.
import { describe, expect, it } from 'vitest'
import { sessionConditionKeys, type Caller } from '../../src/core/caller.js'

const base: Caller = { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/R/s', accountId: '111122223333', userId: 'AROAEXAMPLE:s' }
const issuer = { type: 'Role' as const, arn: 'arn:aws:iam::111122223333:role/R', id: 'AROAEXAMPLE' }
const issuedAt = new Date('2026-11-22T10:00:00.123Z')
const now = new Date('2026-11-22T10:05:30.000Z')

describe('sessionConditionKeys', () => {
  it.each([
    { name: 'long-term keys carry none of them', caller: base, expected: {} },
    {
      name: 'a session without MFA says so, with its issue time to the second',
      caller: { ...base, session: { issuer, mfaAuthenticated: false, issuedAt, expiresAt: now } },
      expected: { 'aws:TokenIssueTime': '2026-11-22T10:00:00Z', 'aws:MultiFactorAuthPresent': 'false' },
    },
    {
      name: 'an MFA session carries the age of its code in seconds, and its source identity',
      caller: { ...base, session: { issuer, mfaAuthenticated: true, mfaAuthenticatedAt: new Date('2026-11-22T10:00:00Z'), sourceIdentity: 'alice', issuedAt, expiresAt: now } },
      expected: { 'aws:TokenIssueTime': '2026-11-22T10:00:00Z', 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '330', 'aws:SourceIdentity': 'alice' },
    },
  ])('$name', ({ caller, expected }) => {
    expect(sessionConditionKeys(caller, now)).toEqual(expected)
  })
})
