// HTTP bindings of REST protocols: members bound to URI labels, query strings, headers and status codes, both ways.
import type { AwsError } from '../../core/aws-error.js'
import { parseQueryString, type HttpRequest } from '../../core/http.js'
import type { ServiceModel, Shape, ShapeRef, StructureShape } from '../../model/types.js'
import { formatBindingText, parseBindingText, type BindingLocation } from './binding-text.js'
import { resolveShape } from './model-shapes.js'
import { percentDecode } from './percent-decode.js'
import type { RawLabels } from './uri-template.js'

export interface ReadBindingsOptions {
  /**
   * The protocol's error for a bound value that does not fit its shape (rest-json and rest-xml differ): `member`
   * is the model's name, `wireName` the header/query/label name, `text` the value as sent.
   */
  readonly invalidValue: (message: string, member: string, wireName: string, text: string) => AwsError
}

/** Where the members that are not bound to the URI, query or headers travel. */
export type BodyLayout =
  | { readonly kind: 'payload'; readonly name: string; readonly ref: ShapeRef; readonly shape: Shape }
  | { readonly kind: 'members'; readonly members: readonly (readonly [string, ShapeRef])[] }
  | { readonly kind: 'none' }

/** The body layout of an input or output structure: its `payload` member, or every unbound member. */
export function bodyLayoutOf(shape: StructureShape, service: ServiceModel): BodyLayout {
  return planOf(shape, service).body
}

function layoutOf(shape: StructureShape, service: ServiceModel): BodyLayout {
  if (shape.payload !== undefined) {
    const ref = shape.members[shape.payload]
    if (!ref) throw new Error(`payload member \`${shape.payload}\` is missing from its structure`)
    return { kind: 'payload', name: shape.payload, ref, shape: resolveShape(service, ref) }
  }
  const members = Object.entries(shape.members).filter(([, ref]) => ref.location === undefined)
  return members.length === 0 ? { kind: 'none' } : { kind: 'members', members }
}

/** A member bound to the URI, query string or headers, with what its binding needs looked up once. */
interface BoundMember {
  readonly name: string
  readonly ref: ShapeRef
  readonly shape: Shape
  /** The label, query or header name as the model spells it (`locationName`, else the member name). */
  readonly wireName: string
  /** Header and prefix-header names compared in lower case (node gives request headers lower-cased). */
  readonly lowerWireName: string
}

/**
 * What a structure's HTTP bindings are, worked out once per structure: every request and response of a REST service
 * walks them, and walking the model's member table each time (entries, shape lookups) was most of the cost.
 */
interface BindingPlan {
  readonly service: ServiceModel
  /** The members with a location, in member order (the order errors are found in). */
  readonly bound: readonly BoundMember[]
  /** Query names of the non-map query members: the catch-all query map leaves them out. */
  readonly namedQuery: ReadonlySet<string>
  readonly body: BodyLayout
}

// Keyed by the model's own structure objects; a plan remembers its service, so a structure seen with another model
// (none is shared today) is planned again rather than answered wrongly.
const plans = new WeakMap<StructureShape, BindingPlan>()

function planOf(shape: StructureShape, service: ServiceModel): BindingPlan {
  const known = plans.get(shape)
  if (known !== undefined && known.service === service) return known
  const bound: BoundMember[] = []
  const namedQuery = new Set<string>()
  for (const [name, ref] of Object.entries(shape.members)) {
    if (ref.location === undefined) continue
    const memberShape = resolveShape(service, ref)
    const wireName = ref.locationName ?? name
    if (ref.location === 'querystring' && memberShape.type !== 'map') namedQuery.add(wireName)
    bound.push({ name, ref, shape: memberShape, wireName, lowerWireName: wireName.toLowerCase() })
  }
  const plan: BindingPlan = { service, bound, namedQuery, body: layoutOf(shape, service) }
  plans.set(shape, plan)
  return plan
}

/**
 * Decodes the members bound to URI labels (percent-decoded exactly once), the query string (lists as repeated
 * keys, a map for all remaining parameters) and headers (lists comma-separated, prefix maps such as
 * `x-amz-meta-*`). Body members are left to the protocol.
 */
export function readHttpBindings(
  request: HttpRequest,
  shape: StructureShape,
  service: ServiceModel,
  labels: RawLabels,
  options: ReadBindingsOptions,
): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  const query = parseQueryString(request.query)
  const { bound, namedQuery } = planOf(shape, service)
  const invalid = ({ name, wireName }: BoundMember, text: string): AwsError =>
    options.invalidValue(`Invalid value \`${text}\` for ${wireName}`, name, wireName, text)

  for (const member of bound) {
    const { name, ref, wireName, shape: memberShape } = member
    switch (ref.location) {
      case 'uri': {
        const raw = labels[wireName]
        if (raw === undefined) break
        const text = percentDecode(raw)
        if (text === undefined) throw invalid(member, raw)
        input[name] = parseScalar(text, memberShape, ref, 'uri', () => invalid(member, text))
        break
      }
      case 'querystring': {
        if (memberShape.type === 'map') {
          const map = readQueryMap(query, namedQuery, memberShape, service)
          if (map) input[name] = map
          break
        }
        const values = query.get(wireName)
        if (values === undefined) break
        if (memberShape.type === 'list') {
          const itemShape = resolveShape(service, memberShape.member)
          input[name] = values.map((text) =>
            parseScalar(text, itemShape, memberShape.member, 'querystring', () => invalid(member, text)),
          )
        } else {
          const text = values[0]!
          input[name] = parseScalar(text, memberShape, ref, 'querystring', () => invalid(member, text))
        }
        break
      }
      case 'header': {
        const text = request.headers[member.lowerWireName]
        if (text === undefined) break
        if (memberShape.type === 'list') {
          const itemShape = resolveShape(service, memberShape.member)
          input[name] = splitHeaderList(text, itemShape).map((item) =>
            parseScalar(item, itemShape, memberShape.member, 'header', () => invalid(member, text)),
          )
        } else {
          input[name] = parseScalar(text, memberShape, ref, 'header', () => invalid(member, text))
        }
        break
      }
      case 'headers': {
        const prefix = member.lowerWireName
        const map: Record<string, string> = {}
        let found = false
        for (const [header, value] of Object.entries(request.headers)) {
          if (!header.startsWith(prefix)) continue
          map[header.slice(prefix.length)] = value
          found = true
        }
        if (found) input[name] = map
        break
      }
      default:
        break
    }
  }
  return input
}

export interface BoundOutput {
  /** Set by a `statusCode` member; otherwise the operation's responseCode applies. */
  readonly status: number | undefined
  /** Lower-case header names. */
  readonly headers: Record<string, string>
}

/** Encodes the output members bound to headers, prefix headers and the status code. */
export function writeHttpBindings(output: Record<string, unknown>, shape: StructureShape, service: ServiceModel): BoundOutput {
  const headers: Record<string, string> = {}
  let status: number | undefined
  for (const { name, ref, shape: memberShape, lowerWireName: wireName } of planOf(shape, service).bound) {
    const value = output[name]
    if (value === undefined || value === null) continue
    if (ref.location === 'statusCode') {
      status = Number(value)
    } else if (ref.location === 'header') {
      headers[wireName] = memberShape.type === 'list'
        ? formatHeaderList(value as readonly unknown[], resolveShape(service, memberShape.member), memberShape.member)
        : formatBindingText(value, memberShape, ref, 'header')
    } else if (ref.location === 'headers') {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (item !== undefined && item !== null) headers[`${wireName}${key.toLowerCase()}`] = String(item)
      }
    }
  }
  return { status, headers }
}

function parseScalar(text: string, shape: Shape, ref: ShapeRef, location: BindingLocation, fail: () => AwsError): unknown {
  const value = parseBindingText(text, shape, ref, location)
  if (value === undefined) throw fail()
  return value
}

function readQueryMap(
  query: ReadonlyMap<string, string[]>,
  namedQuery: ReadonlySet<string>,
  shape: Extract<Shape, { type: 'map' }>,
  service: ServiceModel,
): Record<string, string | string[]> | undefined {
  const listValues = resolveShape(service, shape.value).type === 'list'
  const map: Record<string, string | string[]> = {}
  let found = false
  // Named query members take precedence over the catch-all map (https://smithy.io/2.0/spec/http-bindings.html#httpqueryparams-trait).
  for (const [key, values] of query) {
    if (namedQuery.has(key)) continue
    map[key] = listValues ? values : values[0]!
    found = true
  }
  return found ? map : undefined
}

/**
 * Splits a list header. Items holding commas arrive double-quoted; http-date timestamps contain a comma of their
 * own, so a list of them splits at every second comma.
 */
export function splitHeaderList(text: string, itemShape: Shape): string[] {
  if (itemShape.type === 'timestamp' && (itemShape.timestampFormat ?? 'rfc822') === 'rfc822') {
    const parts = text.split(',')
    const items: string[] = []
    for (let i = 0; i < parts.length; i += 2) items.push(`${parts[i]!.trim()}, ${(parts[i + 1] ?? '').trim()}`)
    return items
  }
  const items: string[] = []
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*?))\s*(?:,|$)/gy
  for (let match = pattern.exec(text); match && pattern.lastIndex <= text.length; match = pattern.exec(text)) {
    items.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!)
    if (pattern.lastIndex === text.length) break
  }
  return items
}

function formatHeaderList(values: readonly unknown[], itemShape: Shape, itemRef: ShapeRef): string {
  return values
    .map((value) => {
      const text = formatBindingText(value, itemShape, itemRef, 'header')
      return itemShape.type === 'string' && /[,"]/.test(text) ? `"${text.replace(/(["\\])/g, '\\$1')}"` : text
    })
    .join(', ')
}
