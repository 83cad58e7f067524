// canonicalUri: the path line of the canonical request, by the rules of S3 or of every other service.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request
import { uriDecode, uriEncode } from './uri-encode.js'

/**
 * Every service but S3 signs the path after removing `.`/`..` segments and empty segments, and encodes the path
 * as sent once more (so `%20` on the wire is signed as `%2520`). S3 signs the path as sent, encoded only once:
 * no normalization, and a key such as `a//b/../c` keeps its exact characters.
 */
export function canonicalUri(path: string, rules: 's3' | 'normalized'): string {
  // Unreserved characters and single slashes, no dot: both rules leave such a path as it is (`/`, `/2015-03-31/functions`).
  if (PLAIN_PATH.test(path)) return path
  if (rules === 's3') {
    if (path === '') return '/'
    return path.split('/').map((segment) => uriEncode(uriDecode(segment))).join('/')
  }
  const normalized = normalizePath(path)
  return normalized.split('/').map(uriEncode).join('/')
}

const PLAIN_PATH = /^\/(?:[A-Za-z0-9\-_~]+(?:\/[A-Za-z0-9\-_~]+)*\/?)?$/

// Dot-segment removal and collapsing of empty segments (`//`). A trailing slash stays only when the path ends
// with one: `/a/b/..` signs as `/a`, as the AWS SDKs (botocore, smithy) sign it, not `/a/` as RFC 3986 would.
function normalizePath(path: string): string {
  const output: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') output.pop()
    else output.push(segment)
  }
  const keepsTrailingSlash = output.length > 0 && path.endsWith('/')
  return `/${output.join('/')}${keepsTrailingSlash ? '/' : ''}`
}
