// canonicalHeaders: the signed headers' lines of the canonical request (`name:trimmed value`, one per line).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request

/**
 * Values are trimmed and runs of spaces collapse to one, even inside quotes. A repeated header arrives joined
 * with ',' (see core/http.ts), which is how SigV4 lists its values. A signed header the request lacks signs as
 * an empty value, so the signature simply fails to match.
 */
export function canonicalHeaders(headers: Readonly<Record<string, string>>, signedHeaders: readonly string[]): string {
  let lines = ''
  for (const name of signedHeaders) lines += `${name}:${normalizeValue(headers[name] ?? '')}\n`
  return lines
}

// Whitespace other than a single space: only such values need the replace below.
const COLLAPSIBLE = /[^\S ]|\s\s/

function normalizeValue(value: string): string {
  const trimmed = value.trim()
  return COLLAPSIBLE.test(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed
}
