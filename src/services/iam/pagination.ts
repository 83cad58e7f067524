// IAM's Marker/MaxItems pagination: MaxItems 1–1000 (default 100), an opaque Marker, IsTruncated.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html
import { InvalidInputException } from '../../generated/iam/errors.js'

export interface PageRequest {
  readonly Marker?: string
  readonly MaxItems?: number
}

export interface Page<T> {
  readonly items: T[]
  readonly IsTruncated: boolean
  readonly Marker?: string
}

export const DEFAULT_MAX_ITEMS = 100

/**
 * Pages over `all`, already in the order the list operation returns; `keyOf` gives each item a stable key (its
 * name key), which the Marker carries, so a page stays correct when items before it are deleted meanwhile.
 */
export function paginate<T>(all: readonly T[], request: PageRequest, keyOf: (item: T) => string): Page<T> {
  const max = request.MaxItems ?? DEFAULT_MAX_ITEMS
  let start = 0
  if (request.Marker !== undefined) {
    const after = decodeMarker(request.Marker)
    start = all.findIndex((item) => keyOf(item) > after)
    if (start === -1) start = all.length
  }
  const items = all.slice(start, start + max)
  const IsTruncated = start + max < all.length
  return IsTruncated ? { items, IsTruncated, Marker: encodeMarker(keyOf(items.at(-1)!)) } : { items, IsTruncated }
}

function encodeMarker(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url')
}

function decodeMarker(marker: string): string {
  const key = Buffer.from(marker, 'base64url').toString('utf8')
  if (marker === '' || encodeMarker(key) !== marker) throw new InvalidInputException('Invalid Marker.')
  return key
}
