// S3 canonical user ids for Palisade's accounts: 64 hex characters, as AWS's are, from which the account can be read back.
import { createHash } from 'node:crypto'

/**
 * AWS's canonical user id is an opaque 64-hex-digit alias of an account
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/finding-canonical-user-id.html). Ours is 52 hex digits of a
 * hash of the account id followed by the 12-digit account id itself (digits are hex digits), so an ACL grant to a
 * canonical id resolves to its account without a lookup, and an id not made here is recognised as unknown.
 */
export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`palisade-s3-canonical-user:${accountId}`).digest('hex').slice(0, 52) + accountId
}

/** The account a canonical user id stands for, or undefined when no Palisade account has it. */
export function accountOfCanonicalUser(id: string): string | undefined {
  const normalized = id.toLowerCase()
  if (!/^[0-9a-f]{52}\d{12}$/.test(normalized)) return undefined
  const accountId = normalized.slice(52)
  return canonicalUserId(accountId) === normalized ? accountId : undefined
}
