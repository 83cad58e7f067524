// Grant tokens: minted by CreateGrant, accepted (and checked for form) by every operation that takes GrantTokens.
import { createHash } from 'node:crypto'
import { InvalidGrantTokenException } from '../../generated/kms/errors.js'

const TOKEN = /^[A-Za-z0-9_-]{43,8192}$/

/** A new token from 32 random bytes (base64url). */
export function mintGrantToken(random: Buffer): string {
  return random.toString('base64url')
}

/** Tokens are bearer credentials for RetireGrant: only their hash is stored. */
export function grantTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/**
 * Grants here take effect as soon as CreateGrant returns, so a token only needs to be well formed
 * (https://docs.aws.amazon.com/kms/latest/developerguide/grant-manage.html#using-grant-token).
 */
export function checkGrantTokens(tokens: readonly string[] | undefined): void {
  for (const token of tokens ?? []) {
    if (!TOKEN.test(token)) throw new InvalidGrantTokenException('Invalid grant token.')
  }
}
