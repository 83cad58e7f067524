// Organizations identifiers and ARNs in AWS's formats (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html#awsorganizations-resources-for-iam-policies).
import type { Ids } from '../../core/ids.js'

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'
const DIGITS = '0123456789'

/** o-[a-z0-9]{10} */
export const organizationId = (ids: Ids): string => `o-${randomChars(ids, LOWER_ALNUM, 10)}`
/** r-[a-z0-9]{4} */
export const rootId = (ids: Ids): string => `r-${randomChars(ids, LOWER_ALNUM, 4)}`
/** ou-{the root's 4 characters}-[a-z0-9]{8} */
export const organizationalUnitId = (ids: Ids, root: string): string => `ou-${root.slice(2)}-${randomChars(ids, LOWER_ALNUM, 8)}`
/** p-[a-z0-9]{8} */
export const policyId = (ids: Ids): string => `p-${randomChars(ids, LOWER_ALNUM, 8)}`
/** h-[a-z0-9]{10} */
export const handshakeId = (ids: Ids): string => `h-${randomChars(ids, LOWER_ALNUM, 10)}`
/** car-[a-z0-9]{32} */
export const createAccountRequestId = (ids: Ids): string => `car-${randomChars(ids, LOWER_ALNUM, 32)}`
/** 12 digits. */
export const newAccountId = (ids: Ids): string => randomChars(ids, DIGITS, 12)

export const ID_PATTERNS = {
  root: /^r-[0-9a-z]{4,32}$/,
  ou: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
  account: /^\d{12}$/,
  policy: /^p-[0-9a-zA-Z_]{8,128}$/,
  handshake: /^h-[0-9a-z]{8,32}$/,
} as const

export type TargetKind = 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT'

/** What kind of entity an id names by its shape, or undefined. */
export function targetKindOf(id: string): TargetKind | undefined {
  if (ID_PATTERNS.root.test(id)) return 'ROOT'
  if (ID_PATTERNS.ou.test(id)) return 'ORGANIZATIONAL_UNIT'
  if (ID_PATTERNS.account.test(id)) return 'ACCOUNT'
  return undefined
}

/** ARNs of an organization's resources: all name the management account and the organization. */
export interface OrgArns {
  organization(): string
  root(rootId: string): string
  ou(ouId: string): string
  account(accountId: string): string
  policy(policyType: string, policyId: string): string
  handshake(action: string, handshakeId: string): string
}

export function orgArns(partition: string, managementAccountId: string, organizationId: string): OrgArns {
  const base = `arn:${partition}:organizations::${managementAccountId}`
  return {
    organization: () => `${base}:organization/${organizationId}`,
    root: (id) => `${base}:root/${organizationId}/${id}`,
    ou: (id) => `${base}:ou/${organizationId}/${id}`,
    account: (id) => `${base}:account/${organizationId}/${id}`,
    policy: (type, id) => (isAwsManagedPolicyId(id)
      ? `arn:${partition}:organizations::aws:policy/${type.toLowerCase()}/${id}`
      : `${base}:policy/${organizationId}/${type.toLowerCase()}/${id}`),
    handshake: (action, id) => `${base}:handshake/${organizationId}/${handshakeArnKind(action)}/${id}`,
  }
}

export function isAwsManagedPolicyId(id: string): boolean {
  return id === 'p-FullAWSAccess' || id === 'p-RCPFullAWSAccess'
}

// Handshake ARNs name the action in lower case without underscores: invite, enable_all_features → all_features.
function handshakeArnKind(action: string): string {
  if (action === 'INVITE') return 'invite'
  if (action === 'ENABLE_ALL_FEATURES' || action === 'APPROVE_ALL_FEATURES') return 'all_features'
  return action.toLowerCase()
}

// Rejection sampling keeps every character equally likely.
function randomChars(ids: Ids, alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length)
  let out = ''
  while (out.length < length) {
    for (const byte of ids.bytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length]
      if (out.length === length) break
    }
  }
  return out
}
