// BinaryEquals: the request's base64 value compared byte for byte with the policy's base64 value.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals

import { joinPieces } from '../variables.js'
import type { ConditionOperator } from './operator.js'

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/

/** Canonical base64 (padding added, white space removed); undefined when the text is not base64. */
export function canonicalBase64(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '')
  if (!base64Pattern.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) return undefined
  const bare = compact.replace(/=+$/, '')
  return bare + '='.repeat((4 - (bare.length % 4)) % 4)
}

export const BinaryEquals: ConditionOperator<string> = {
  name: 'BinaryEquals',
  negated: false,
  variables: false,
  parse: (pieces) => canonicalBase64(joinPieces(pieces)),
  test: (value, expected) => {
    const actual = canonicalBase64(value)
    return actual === undefined ? undefined : actual === expected
  },
}
