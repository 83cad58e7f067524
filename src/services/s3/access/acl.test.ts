// ACL requests: canned ACLs, x-amz-grant-* headers, AccessControlPolicy bodies, and what makes an ACL public.
import { describe, expect, it } from 'vitest'
import { ALL_USERS, AUTHENTICATED_USERS, isOwnerOnlyAcl, isPublicAcl, requestedAcl, toAccessControlPolicy } from './acl.js'
import { accountOfCanonicalUser, canonicalUserId } from './canonical-user.js'

const OWNER = '111122223333'
const OTHER = '444455556666'

describe('canonical user ids', () => {
  it('are 64 hex digits that give their account back, and unknown ids give none', () => {
    expect(canonicalUserId(OWNER)).toMatch(/^[0-9a-f]{64}$/)
    expect(accountOfCanonicalUser(canonicalUserId(OWNER))).toBe(OWNER)
    expect(accountOfCanonicalUser(canonicalUserId(OWNER).toUpperCase())).toBe(OWNER)
    expect(accountOfCanonicalUser('0'.repeat(52) + OWNER)).toBeUndefined()
    expect(accountOfCanonicalUser('not-an-id')).toBeUndefined()
  })
})

describe('requestedAcl', () => {
  it.each([
    { name: 'private', acl: 'private', grants: 1, public: false },
    { name: 'public-read', acl: 'public-read', grants: 2, public: true },
    { name: 'public-read-write', acl: 'public-read-write', grants: 3, public: true },
    { name: 'authenticated-read', acl: 'authenticated-read', grants: 2, public: true },
    { name: 'bucket-owner-full-control by another account', acl: 'bucket-owner-full-control', grants: 2, public: false },
  ])('gives the canned ACL $name', ({ acl, grants, public: isPublic }) => {
    const result = requestedAcl({ ACL: acl }, OTHER, OWNER)!
    expect(result.grants).toHaveLength(grants)
    expect(isPublicAcl(result)).toBe(isPublic)
  })

  it('parses grant headers with ids and group URIs', () => {
    const acl = requestedAcl({ GrantRead: `id="${canonicalUserId(OTHER)}", uri="${AUTHENTICATED_USERS}"`, GrantFullControl: `id=${canonicalUserId(OWNER)}` }, OWNER, OWNER)!
    expect(acl.grants).toEqual([
      { grantee: { account: OWNER }, permission: 'FULL_CONTROL' },
      { grantee: { account: OTHER }, permission: 'READ' },
      { grantee: { group: AUTHENTICATED_USERS }, permission: 'READ' },
    ])
    expect(isPublicAcl(acl)).toBe(true)
  })

  it.each([
    { name: 'a canned ACL with grant headers', request: { ACL: 'private', GrantRead: `uri="${ALL_USERS}"` }, code: 'InvalidRequest' },
    { name: 'an unknown canned ACL', request: { ACL: 'everyone' }, code: 'InvalidArgument' },
    { name: 'an unknown group', request: { GrantRead: 'uri="http://acs.amazonaws.com/groups/global/Nobody"' }, code: 'InvalidArgument' },
    { name: 'a grant by e-mail', request: { GrantRead: 'emailAddress="a@example.com"' }, code: 'UnresolvableGrantByEmailAddress' },
    { name: 'a body whose owner is another account', request: { AccessControlPolicy: { Owner: { ID: canonicalUserId(OTHER) }, Grants: [] } }, code: 'InvalidArgument' },
    { name: 'a body without an owner', request: { AccessControlPolicy: { Grants: [] } }, code: 'MalformedACLError' },
  ])('refuses $name with $code', ({ request, code }) => {
    expect(() => requestedAcl(request, OWNER, OWNER)).toThrow(expect.objectContaining({ code }))
  })

  it('reads an AccessControlPolicy body and writes the same one back', () => {
    const body = {
      Owner: { ID: canonicalUserId(OWNER) },
      Grants: [
        { Grantee: { Type: 'CanonicalUser' as const, ID: canonicalUserId(OWNER) }, Permission: 'FULL_CONTROL' as const },
        { Grantee: { Type: 'Group' as const, URI: ALL_USERS }, Permission: 'READ' as const },
      ],
    }
    const acl = requestedAcl({ AccessControlPolicy: body }, OWNER, OWNER)!
    expect(toAccessControlPolicy(acl)).toEqual(body)
    expect(isOwnerOnlyAcl(acl, OWNER)).toBe(false)
    expect(requestedAcl({}, OWNER, OWNER)).toBeUndefined()
  })
})
