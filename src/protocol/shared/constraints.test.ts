import { describe, expect, it } from 'vitest'
import { iamModel } from '../../generated/iam/model.js'
import { kmsModel } from '../../generated/kms/model.js'
import { checkConstraints, formatViolations } from './constraints.js'

describe('checkConstraints', () => {
  it('accepts a valid input', () => {
    expect(checkConstraints(iamModel, 'CreateUserRequest', { UserName: 'alice', Tags: [{ Key: 'team', Value: 'x' }] })).toEqual([])
  })

  it('reports a missing required member as null', () => {
    const violations = checkConstraints(iamModel, 'CreateUserRequest', {})
    expect(formatViolations(violations)).toBe(
      "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null",
    )
  })

  it('reports length and pattern violations of one member separately, in AWS wording', () => {
    const violations = checkConstraints(iamModel, 'CreateUserRequest', { UserName: `${'a'.repeat(64)} b` })
    expect(formatViolations(violations)).toBe(
      `2 validation errors detected: Value '${'a'.repeat(64)} b' at 'userName' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 64; ' +
        `Value '${'a'.repeat(64)} b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    )
  })

  it('names list items as N.member with a 1-based index', () => {
    const violations = checkConstraints(iamModel, 'CreateUserRequest', { UserName: 'a', Tags: [{ Key: 'ok', Value: 'v' }, { Key: 'bad#key', Value: 'v' }] })
    expect(violations.map((v) => v.path)).toEqual(['tags.2.member.key'])
    expect(violations[0]!.member).toBe('Key')
  })

  it('reports enum and numeric range violations', () => {
    const violations = checkConstraints(iamModel, 'ListUsersRequest', { MaxItems: 1001 })
    expect(violations.map((v) => v.constraint)).toEqual(['Member must have value less than or equal to 1000'])
    const status = checkConstraints(iamModel, 'UpdateAccessKeyRequest', { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Paused' })
    expect(status.map((v) => v.constraint)).toEqual(['Member must satisfy enum value set: [Active, Inactive, Expired]'])
  })

  it('reports a value of the wrong type instead of checking it further', () => {
    const violations = checkConstraints(iamModel, 'ListUsersRequest', { MaxItems: 'ten' })
    expect(violations).toMatchObject([{ kind: 'type', path: 'maxItems' }])
  })

  it('never echoes a sensitive value', () => {
    const violations = checkConstraints(iamModel, 'CreateLoginProfileRequest', { UserName: 'a', Password: '' })
    expect(formatViolations(violations)).toMatch(
      /^2 validation errors detected: Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 1; Value at 'password' /,
    )
  })

  it('checks blob lengths in bytes and map keys as a group', () => {
    const blob = checkConstraints(kmsModel, 'EncryptRequest', { KeyId: 'k', Plaintext: new Uint8Array(4097) })
    expect(blob.map((v) => v.path)).toEqual(['plaintext'])
    const map = checkConstraints(kmsModel, 'EncryptRequest', { KeyId: 'k', Plaintext: new Uint8Array(1), EncryptionContext: { ok: 'v' } })
    expect(map).toEqual([])
  })
})
