// percentDecode: RFC 3986 percent-decoding of one URI component, exactly once, strictly.

/**
 * Decodes `%XX` escapes as UTF-8. `+` stays a plus (only form-encoded query strings turn it into a space) and a
 * decoded `%25` is never decoded again. Undefined for a malformed escape or bytes that are not UTF-8.
 */
export function percentDecode(raw: string): string | undefined {
  if (!raw.includes('%')) return raw
  try {
    return decodeURIComponent(raw)
  } catch {
    return undefined
  }
}
