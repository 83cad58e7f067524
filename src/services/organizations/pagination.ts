// NextToken/MaxResults paging as Organizations does it: an opaque token naming where the next page starts.
import { InvalidInputException } from '../../generated/organizations/errors.js'

/** Organizations' MaxResults is 1–20 (the model); without one a page holds 20. */
export const DEFAULT_PAGE_SIZE = 20

export interface PageRequest {
  readonly NextToken?: string | undefined
  readonly MaxResults?: number | undefined
}

/** The key after which the page starts (undefined for the first page); InvalidInputException for a bad token. */
export function pageStart(request: PageRequest): string | undefined {
  if (request.NextToken === undefined) return undefined
  const key = decodeToken(request.NextToken)
  if (key === undefined) throw new InvalidInputException('The specified NextToken is not valid.', { Reason: 'INVALID_NEXT_TOKEN' })
  return key
}

export function pageSize(request: PageRequest): number {
  return request.MaxResults ?? DEFAULT_PAGE_SIZE
}

/**
 * One page of `items`, already in key order: those after the request's token, at most MaxResults, and a NextToken
 * when more remain.
 */
export function paginate<T>(items: readonly T[], request: PageRequest, keyOf: (item: T) => string): { items: T[]; NextToken?: string } {
  const after = pageStart(request)
  const start = after === undefined ? 0 : items.findIndex((item) => keyOf(item) > after)
  const rest = start < 0 ? [] : items.slice(start)
  return pageOf(rest, pageSize(request), keyOf)
}

/** A page from rows fetched with one extra row (limit + 1): the extra one only says whether more remain. */
export function pageOf<T>(rows: readonly T[], size: number, keyOf: (item: T) => string): { items: T[]; NextToken?: string } {
  const items = rows.slice(0, size)
  if (rows.length <= size) return { items }
  return { items, NextToken: encodeToken(keyOf(items[items.length - 1]!)) }
}

function encodeToken(key: string): string {
  return Buffer.from(`v1:${key}`, 'utf8').toString('base64url')
}

function decodeToken(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined
  const text = Buffer.from(token, 'base64url').toString('utf8')
  return text.startsWith('v1:') && text.length > 3 ? text.slice(3) : undefined
}
