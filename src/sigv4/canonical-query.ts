// canonicalQuery: the query-string line of the canonical request: decoded, re-encoded strictly, sorted.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request
import { uriDecode, uriEncode } from './uri-encode.js'

/** `omit` names a parameter left out of the signed string: X-Amz-Signature of a presigned URL. */
export function canonicalQuery(query: string, omit?: string): string {
  if (query === '') return ''
  const pairs: [string, string][] = []
  for (const part of query.split('&')) {
    if (part === '') continue
    const equals = part.indexOf('=')
    const rawName = equals < 0 ? part : part.slice(0, equals)
    const rawValue = equals < 0 ? '' : part.slice(equals + 1)
    const name = uriEncode(decodeComponent(rawName))
    if (omit !== undefined && name === omit) continue
    pairs.push([name, uriEncode(decodeComponent(rawValue))])
  }
  // Sort by encoded name, then by encoded value, comparing code units (the encoded text is ASCII).
  pairs.sort(([nameA, valueA], [nameB, valueB]) => compare(nameA, nameB) || compare(valueA, valueB))
  return pairs.map(([name, value]) => `${name}=${value}`).join('&')
}

// A `+` in a query string is a space, as in application/x-www-form-urlencoded; signers send `%2B` for a plus.
function decodeComponent(text: string): string {
  return uriDecode(text.replace(/\+/g, ' '))
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
