// S3 access control lists: the stored form, canned ACLs, x-amz-grant-* headers and the AccessControlPolicy body
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html).
import type { AccessControlPolicy, Grant, Grantee, Permission } from '../../../generated/s3/types.js'
import { MalformedAclError, UnresolvableGrantByEmailAddressError } from './access-errors.js'
import { accountOfCanonicalUser, canonicalUserId } from './canonical-user.js'
import { invalidArgument, invalidRequest } from '../s3-errors.js'

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers'
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers'
export const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery'
const GROUPS = new Set([ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY])

export type AclPermission = 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP'
const PERMISSIONS = new Set<string>(['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'])

/** A grantee as stored: an account (by id, its canonical user id derived) or one of S3's predefined groups. */
export type AclGrantee = { readonly account: string } | { readonly group: string }

export interface AclGrant {
  readonly grantee: AclGrantee
  readonly permission: AclPermission
}

/** An ACL as stored in a bucket's or object's `acl` column (JSON). */
export interface StoredAcl {
  /** The owning account. */
  readonly owner: string
  readonly grants: readonly AclGrant[]
}

/** The grant parameters every ACL-setting request has (PutBucketAcl, PutObjectAcl, CreateBucket, PutObject, …). */
export interface AclRequest {
  readonly ACL?: string
  readonly AccessControlPolicy?: AccessControlPolicy
  readonly GrantFullControl?: string
  readonly GrantRead?: string
  readonly GrantReadACP?: string
  readonly GrantWrite?: string
  readonly GrantWriteACP?: string
}

// "You can have up to 100 grants in an ACL" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html).
const MAX_GRANTS = 100

/** The default ACL of a new bucket or object: the owner has FULL_CONTROL. */
export function privateAcl(owner: string): StoredAcl {
  return { owner, grants: [{ grantee: { account: owner }, permission: 'FULL_CONTROL' }] }
}

/**
 * The ACL a request asks for, or undefined when it sets none. A canned ACL, grant headers and a body exclude each
 * other, as in S3. `bucketOwner` is for the bucket-owner-* canned ACLs of objects.
 */
export function requestedAcl(request: AclRequest, owner: string, bucketOwner: string): StoredAcl | undefined {
  const headers = grantHeaders(request)
  const given = [request.ACL !== undefined, headers.length > 0, request.AccessControlPolicy !== undefined].filter(Boolean).length
  if (given > 1) {
    throw invalidRequest(request.ACL !== undefined && headers.length > 0
      ? 'Specifying both Canned ACLs and Header Grants is not allowed'
      : 'This request does not support content')
  }
  if (request.ACL !== undefined) return cannedAcl(request.ACL, owner, bucketOwner)
  if (headers.length > 0) return { owner, grants: limited(headers.flatMap(([permission, value]) => parseGrantHeader(value, permission))) }
  if (request.AccessControlPolicy !== undefined) return fromAccessControlPolicy(request.AccessControlPolicy, owner)
  return undefined
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
export function cannedAcl(name: string, owner: string, bucketOwner: string): StoredAcl {
  const own: AclGrant = { grantee: { account: owner }, permission: 'FULL_CONTROL' }
  const group = (uri: string, permission: AclPermission): AclGrant => ({ grantee: { group: uri }, permission })
  switch (name) {
    case 'private':
    case 'aws-exec-read': // the EC2 read grant of aws-exec-read has no grantee in Palisade
      return { owner, grants: [own] }
    case 'public-read':
      return { owner, grants: [own, group(ALL_USERS, 'READ')] }
    case 'public-read-write':
      return { owner, grants: [own, group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE')] }
    case 'authenticated-read':
      return { owner, grants: [own, group(AUTHENTICATED_USERS, 'READ')] }
    case 'log-delivery-write':
      return { owner, grants: [own, group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP')] }
    case 'bucket-owner-read':
      return { owner, grants: owner === bucketOwner ? [own] : [own, { grantee: { account: bucketOwner }, permission: 'READ' }] }
    case 'bucket-owner-full-control':
      return { owner, grants: owner === bucketOwner ? [own] : [own, { grantee: { account: bucketOwner }, permission: 'FULL_CONTROL' }] }
    default:
      throw invalidArgument(`Invalid canned ACL: ${name}`, 'x-amz-acl', name)
  }
}

/** Whether an ACL grants anything to everyone or to every AWS account: S3's meaning of a public ACL. */
export function isPublicAcl(acl: StoredAcl): boolean {
  return acl.grants.some((grant) => 'group' in grant.grantee && (grant.grantee.group === ALL_USERS || grant.grantee.group === AUTHENTICATED_USERS))
}

/** Whether an ACL gives only its owner FULL_CONTROL: what a bucket with ACLs disabled accepts. */
export function isOwnerOnlyAcl(acl: StoredAcl, bucketOwner: string): boolean {
  return acl.grants.every((grant) => 'account' in grant.grantee && grant.grantee.account === bucketOwner && grant.permission === 'FULL_CONTROL')
}

/** The wire form (GetBucketAcl, GetObjectAcl). */
export function toAccessControlPolicy(acl: StoredAcl): { Owner: { ID: string }; Grants: Grant[] } {
  return {
    Owner: { ID: canonicalUserId(acl.owner) },
    Grants: acl.grants.map((grant) => ({ Grantee: toGrantee(grant.grantee), Permission: grant.permission as Permission })),
  }
}

function toGrantee(grantee: AclGrantee): Grantee {
  return 'account' in grantee ? { Type: 'CanonicalUser', ID: canonicalUserId(grantee.account) } : { Type: 'Group', URI: grantee.group }
}

/** The x-amz-grant-* header each permission is granted by, named in InvalidArgument's ArgumentName. */
const GRANT_HEADERS: Readonly<Record<AclPermission, string>> = {
  FULL_CONTROL: 'x-amz-grant-full-control', READ: 'x-amz-grant-read', READ_ACP: 'x-amz-grant-read-acp', WRITE: 'x-amz-grant-write', WRITE_ACP: 'x-amz-grant-write-acp',
}

function grantHeaders(request: AclRequest): [AclPermission, string][] {
  const pairs: [AclPermission, string | undefined][] = [
    ['FULL_CONTROL', request.GrantFullControl], ['READ', request.GrantRead], ['READ_ACP', request.GrantReadACP],
    ['WRITE', request.GrantWrite], ['WRITE_ACP', request.GrantWriteACP],
  ]
  return pairs.filter((pair): pair is [AclPermission, string] => pair[1] !== undefined)
}

/**
 * `x-amz-grant-read: id="…", uri="http://acs.amazonaws.com/groups/global/AllUsers", emailAddress="…"`
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html).
 */
export function parseGrantHeader(value: string, permission: AclPermission): AclGrant[] {
  const grants: AclGrant[] = []
  for (const part of value.split(',')) {
    const match = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(part)
    if (!match) throw invalidArgument('Invalid header value for grant', GRANT_HEADERS[permission], value)
    const kind = match[1]!.toLowerCase()
    grants.push({ grantee: resolveGrantee(kind === 'id' ? 'CanonicalUser' : kind === 'uri' ? 'Group' : 'AmazonCustomerByEmail', match[2]!, GRANT_HEADERS[permission]), permission })
  }
  return grants
}

function fromAccessControlPolicy(policy: AccessControlPolicy, owner: string): StoredAcl {
  if (policy.Owner?.ID === undefined) throw new MalformedAclError()
  if (accountOfCanonicalUser(policy.Owner.ID) !== owner) throw invalidArgument('Invalid id', 'CanonicalUser/ID', policy.Owner.ID)
  const grants = (policy.Grants ?? []).map((grant): AclGrant => {
    const grantee = grant.Grantee
    if (!grantee || grant.Permission === undefined || !PERMISSIONS.has(grant.Permission)) throw new MalformedAclError()
    const value = grantee.Type === 'CanonicalUser' ? grantee.ID : grantee.Type === 'Group' ? grantee.URI : grantee.EmailAddress
    if (value === undefined) throw new MalformedAclError()
    return { grantee: resolveGrantee(grantee.Type, value), permission: grant.Permission as AclPermission }
  })
  return { owner, grants: limited(grants) }
}

/**
 * `header`: the x-amz-grant-* header the grantee came in, which InvalidArgument names; a body's grantee is named by
 * its element, as S3 does (`CanonicalUser/ID`, `Group/URI`).
 */
function resolveGrantee(type: string, value: string, header?: string): AclGrantee {
  if (type === 'CanonicalUser') {
    const account = accountOfCanonicalUser(value)
    if (account === undefined) throw invalidArgument('Invalid id', header ?? 'CanonicalUser/ID', value)
    return { account }
  }
  if (type === 'Group') {
    if (!GROUPS.has(value)) throw invalidArgument('Invalid group uri', header ?? 'Group/URI', value)
    return { group: value }
  }
  // Grants by e-mail address are retired (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html).
  throw new UnresolvableGrantByEmailAddressError()
}

function limited(grants: AclGrant[]): AclGrant[] {
  if (grants.length > MAX_GRANTS) throw new MalformedAclError('The ACL has more than 100 grants')
  return grants
}
