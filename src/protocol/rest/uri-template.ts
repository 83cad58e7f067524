// UriTemplate: an operation's requestUri (`/{Bucket}/{Key+}?tagging`) compiled for matching raw request paths.
import type { OperationModel } from '../../model/types.js'
import { percentDecode } from './percent-decode.js'

export interface UriTemplate {
  readonly source: string
  /** Label names in order; a greedy label (`{Key+}`) may span several path segments. */
  readonly labels: readonly { readonly name: string; readonly greedy: boolean }[]
  /** Literal query parts that select the operation: `?tagging` (value undefined) or `?list-type=2`. */
  readonly query: readonly { readonly name: string; readonly value: string | undefined }[]
  /** Count of literal path characters: more means a more specific template. */
  readonly literalLength: number
  readonly pattern: RegExp
}

/** Raw label text matched in a path, still percent-encoded. */
export type RawLabels = Readonly<Record<string, string>>

export function parseUriTemplate(requestUri: string): UriTemplate {
  const queryAt = requestUri.indexOf('?')
  const path = queryAt === -1 ? requestUri : requestUri.slice(0, queryAt)
  const queryText = queryAt === -1 ? '' : requestUri.slice(queryAt + 1)
  const labels: { name: string; greedy: boolean }[] = []
  let literalLength = 0
  let source = '^'
  for (const part of path.split(/(\{[^}]+\})/)) {
    const label = /^\{([^}+]+)(\+?)\}$/.exec(part)
    if (label) {
      const greedy = label[2] === '+'
      labels.push({ name: label[1]!, greedy })
      // A greedy label keeps its slashes (S3 keys such as `a/../b` or `a//b` are literal); others stop at one.
      source += greedy ? '(.+)' : '([^/]+)'
    } else {
      literalLength += part.length
      source += escapeRegExp(part)
    }
  }
  // A trailing slash is optional: path-style S3 clients send both `/bucket` and `/bucket/`.
  source = source.endsWith('/') && path !== '/' ? `${source}?$` : `${source}/?$`
  const query = queryText === ''
    ? []
    : queryText.split('&').map((pair) => {
        const equals = pair.indexOf('=')
        return equals === -1
          ? { name: pair, value: undefined }
          : { name: pair.slice(0, equals), value: pair.slice(equals + 1) }
      })
  return { source: requestUri, labels, query, literalLength, pattern: new RegExp(source) }
}

const templates = new WeakMap<OperationModel, UriTemplate>()

/** The operation's compiled requestUri, compiled once per operation model. */
export function templateOf(operation: OperationModel): UriTemplate {
  let template = templates.get(operation)
  if (!template) {
    template = parseUriTemplate(operation.http.requestUri)
    templates.set(operation, template)
  }
  return template
}

/** The raw label values when `rawPath` fits the template's path, else undefined. */
export function matchUriPath(template: UriTemplate, rawPath: string): RawLabels | undefined {
  const match = template.pattern.exec(rawPath)
  if (!match) return undefined
  const labels: Record<string, string> = {}
  template.labels.forEach((label, index) => {
    labels[label.name] = match[index + 1]!
  })
  return labels
}

/** Whether the query string holds every literal query part of the template. */
export function matchesTemplateQuery(template: UriTemplate, query: ReadonlyMap<string, readonly string[]>): boolean {
  return template.query.every(({ name, value }) => {
    const values = query.get(name)
    return values !== undefined && (value === undefined || values.includes(value))
  })
}

/** Decodes matched labels once; undefined when one holds a malformed percent-escape. */
export function decodeLabels(labels: RawLabels): Record<string, string> | undefined {
  const decoded: Record<string, string> = {}
  for (const [name, raw] of Object.entries(labels)) {
    const value = percentDecode(raw)
    if (value === undefined) return undefined
    decoded[name] = value
  }
  return decoded
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
