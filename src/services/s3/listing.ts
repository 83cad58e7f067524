// Walks a bucket's keys in order the way S3 lists them: a prefix, a delimiter that rolls keys up into common
// prefixes (each counting as one entry against max-keys), and a position to start after.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-prefixes.html
import { prefixEnd, type StoredObject } from './object-store.js'
import { invalidArgument } from './s3-errors.js'

/** Where a listing resumes: after this key (and, for versions, after this version of it). */
export interface ListPosition {
  readonly key: string
  readonly sequence?: string
}

export type ListEntry = { readonly kind: 'object'; readonly object: StoredObject } | { readonly kind: 'prefix'; readonly prefix: string }

export interface ListPage {
  readonly entries: readonly ListEntry[]
  readonly truncated: boolean
}

export interface ListOptions {
  readonly prefix: string
  readonly delimiter?: string
  readonly maxKeys: number
  readonly start: ListPosition
}

/** Rows are fetched in batches; a common prefix skips every key under it with one new query. */
const BATCH = 1000

/** S3 answers at most 1,000 entries per page, whatever max-keys asks. */
export const MAX_KEYS = 1000

export async function walkListing(fetch: (after: ListPosition, limit: number) => Promise<StoredObject[]>, options: ListOptions): Promise<ListPage> {
  const { prefix, delimiter, maxKeys } = options
  const entries: ListEntry[] = []
  let position = options.start
  let lastPrefix: string | undefined
  while (entries.length <= maxKeys) {
    const batch = await fetch(position, BATCH)
    let skipped = false
    for (const object of batch) {
      const at = delimiter ? object.key.indexOf(delimiter, prefix.length) : -1
      if (delimiter && at >= 0) {
        const common = object.key.slice(0, at + delimiter.length)
        if (common !== lastPrefix) entries.push({ kind: 'prefix', prefix: common })
        lastPrefix = common
        position = { key: prefixEnd(common) }
        skipped = true
        break
      }
      entries.push({ kind: 'object', object })
      position = { key: object.key, sequence: object.sequence }
      if (entries.length > maxKeys) break
    }
    if (!skipped && batch.length < BATCH) break
  }
  const truncated = entries.length > maxKeys
  return { entries: truncated ? entries.slice(0, maxKeys) : entries, truncated }
}

/** Where the next page starts after `entry`. */
export function positionAfter(entry: ListEntry): ListPosition {
  return entry.kind === 'prefix' ? { key: prefixEnd(entry.prefix) } : { key: entry.object.key, sequence: entry.object.sequence }
}

/**
 * A max-keys style page size: negative is InvalidArgument naming the parameter as S3 does (maxKeys for max-keys, the
 * query name itself for max-parts and max-uploads: "Argument max-parts must be an integer between 0 and 2147483647").
 */
export function checkMaxKeys(maxKeys: number | undefined, name = 'max-keys'): number {
  if (maxKeys === undefined) return MAX_KEYS
  const argument = name === 'max-keys' ? 'maxKeys' : name
  if (maxKeys < 0) throw invalidArgument(`Argument ${argument} must be an integer between 0 and 2147483647`, argument, String(maxKeys))
  return Math.min(maxKeys, MAX_KEYS)
}

/** encoding-type=url: names in the answer are percent-encoded (clients decode them). */
export function keyEncoder(encodingType: string | undefined): (text: string) => string {
  if (encodingType === undefined) return (text) => text
  if (encodingType !== 'url') throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType)
  return (text) => encodeURIComponent(text).replace(/%2F/g, '/')
}
