// canonicalHeaders: the signed headers' lines of the canonical request (`name:trimmed value`, one per line).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request

/**
 * Values are trimmed and runs of spaces collapse to one, even inside quotes. A repeated header arrives joined
 * with ',' (see core/http.ts), which is how SigV4 lists its values. A signed header the request lacks signs as
 * an empty value, so the signature simply fails to match.
 */
export function canonicalHeaders(headers: Readonly<Record<string, string>>, signedHeaders: readonly string[]): string {
  return signedHeaders.map((name) => `${name}:${normalizeValue(headers[name] ?? '')}\n`).join('')
}

function normalizeValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ')
}
