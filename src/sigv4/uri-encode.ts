// uriEncode / uriDecode: SigV4's percent-encoding (RFC 3986 unreserved characters kept, UTF-8 bytes, upper-case hex).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request

const UNRESERVED = /[A-Za-z0-9\-._~]/
const ALL_UNRESERVED = /^[A-Za-z0-9\-._~]*$/

export function uriEncode(text: string): string {
  if (ALL_UNRESERVED.test(text)) return text
  let out = ''
  for (const char of text) {
    if (UNRESERVED.test(char)) {
      out += char
      continue
    }
    for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Percent-decodes as UTF-8; a malformed escape stays as it was sent, since it was signed that way. */
export function uriDecode(text: string): string {
  if (!text.includes('%')) return text
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
