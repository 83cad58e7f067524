// The password rules every password set must pass: the account policy's, or IAM's default policy when there is
// none; PasswordPolicyViolation with the reasons AWS gives.
import { PasswordPolicyViolationException } from '../../generated/iam/errors.js'
import type { StoredPasswordPolicy } from './password-policy-store.js'

/**
 * Without a custom policy IAM asks for at least 8 characters and three of the four character classes
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html#default-policy-details).
 */
export const DEFAULT_MINIMUM_LENGTH = 8
const DEFAULT_CLASSES_REQUIRED = 3

interface CharacterClass {
  readonly rule: string
  readonly present: (password: string) => boolean
}

const UPPERCASE: CharacterClass = { rule: 'Password should have at least one uppercase letter', present: (p) => /[A-Z]/.test(p) }
const LOWERCASE: CharacterClass = { rule: 'Password should have at least one lowercase letter', present: (p) => /[a-z]/.test(p) }
const NUMBER: CharacterClass = { rule: 'Password should have at least one number', present: (p) => /[0-9]/.test(p) }
// IAM's symbols are the non-alphanumeric printable ASCII characters: ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '
const SYMBOL: CharacterClass = { rule: 'Password should have at least one symbol', present: (p) => /[^A-Za-z0-9]/.test(p) }

/** Throws PasswordPolicyViolation when `password` breaks the account's policy (or the default policy). */
export function checkPasswordRules(password: string, policy: StoredPasswordPolicy | undefined): void {
  if (!policy) {
    if (password.length < DEFAULT_MINIMUM_LENGTH) throw violation(`Password should have a minimum length of ${DEFAULT_MINIMUM_LENGTH}`)
    const missing = [UPPERCASE, LOWERCASE, NUMBER, SYMBOL].filter((kind) => !kind.present(password))
    const needed = missing.length - (4 - DEFAULT_CLASSES_REQUIRED)
    if (needed > 0) {
      throw violation(`Password should meet ${needed} more of the following requirements: ${missing.map((kind) => kind.rule).join(', ')}`)
    }
    return
  }
  const broken: string[] = []
  if (password.length < policy.MinimumPasswordLength) broken.push(`Password should have a minimum length of ${policy.MinimumPasswordLength}`)
  const required: [boolean, CharacterClass][] = [
    [policy.RequireUppercaseCharacters, UPPERCASE],
    [policy.RequireLowercaseCharacters, LOWERCASE],
    [policy.RequireNumbers, NUMBER],
    [policy.RequireSymbols, SYMBOL],
  ]
  for (const [isRequired, kind] of required) if (isRequired && !kind.present(password)) broken.push(kind.rule)
  if (broken.length) throw violation(broken.join(', '))
}

export function reuseViolation(remembered: number): PasswordPolicyViolationException {
  return violation(`Password should not be one of your previous ${remembered} passwords`)
}

function violation(message: string): PasswordPolicyViolationException {
  return new PasswordPolicyViolationException(message)
}
