// Policy documents as IAM accepts them: parsed by the policy engine (MalformedPolicyDocument with AWS's text),
// measured without whitespace, and URL-encoded on the way out as IAM returns them.
import { MalformedPolicyDocumentException } from '../../generated/iam/errors.js'
import { parsePolicy, policySizeWithoutWhitespace, PolicySyntaxError, type ParseOptions } from '../../policy/index.js'

/** Parses `text` as an identity-based policy; returns its size without whitespace. */
export function checkIdentityPolicy(text: string, options: ParseOptions = {}): number {
  try {
    parsePolicy(text, 'identity', options)
  } catch (error) {
    if (error instanceof PolicySyntaxError) throw new MalformedPolicyDocumentException(error.message)
    throw error
  }
  return policySizeWithoutWhitespace(text)
}

/**
 * IAM returns policy documents URL-encoded (RFC 3986) in GetPolicyVersion, Get{User,Group,Role}Policy and
 * GetAccountAuthorizationDetails; the SDKs hand the encoded text to the caller as it is.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_PolicyVersion.html
 */
export function encodePolicyDocument(text: string): string {
  return encodeURIComponent(text)
}
