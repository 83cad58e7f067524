// TOTP for virtual MFA devices (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) on otplib; seeds in RFC 4648 base32.
import { generate } from 'otplib'

export const TOTP_STEP_SECONDS = 30

/** The time step a moment falls in. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_STEP_SECONDS)
}

/** The 6-digit code a device shows during `step`. */
export function totpCode(seedBase32: string, step: number): Promise<string> {
  return generate({ secret: seedBase32, strategy: 'hotp', counter: step })
}

/**
 * The step at which `code` is valid, searching `window` steps either side of `around` and only steps after
 * `after` (a code once accepted is never accepted again); undefined when there is none.
 */
export async function findCodeStep(
  seedBase32: string,
  code: string,
  around: number,
  window: number,
  after: number | undefined,
): Promise<number | undefined> {
  for (let step = around - window; step <= around + window; step++) {
    if (after !== undefined && step <= after) continue
    if ((await totpCode(seedBase32, step)) === code) return step
  }
  return undefined
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32 without padding, as authenticator apps and AWS's Base32StringSeed write seeds. */
export function base32Encode(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
    buffer &= (1 << bits) - 1
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31]
  return out
}
