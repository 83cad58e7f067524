// Decodes flat query parameters (`Tags.member.1.Key=…`) into an operation's input, for both the query and EC2 dialects.
// https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#query-key-resolution
// https://smithy.io/2.0/aws/protocols/aws-ec2-query-protocol.html#query-key-resolution
import type { ServiceModel, Shape, ShapeRef, StructureShape } from '../../model/types.js'
import { parseAnyTimestamp, timestampFormatFor } from '../shared/timestamps.js'

/** How a dialect names structure members and list items on the wire. */
export interface QueryDialect {
  readonly protocol: 'query' | 'ec2'
  /** The key segment of structure member `member`. */
  memberKey(member: string, ref: ShapeRef): string
  /** Whether a list (or map) behind `ref` is written without its `member`/`entry` level. */
  isFlattened(ref: ShapeRef, shape: Shape): boolean
}

export const awsQueryDialect: QueryDialect = {
  protocol: 'query',
  memberKey: (member, ref) => ref.locationName ?? member,
  isFlattened: (ref, shape) => ref.flattened === true || ((shape.type === 'list' || shape.type === 'map') && shape.flattened === true),
}

/** EC2 never nests lists under `member`, and names members by queryName, else the capitalized locationName. */
export const ec2QueryDialect: QueryDialect = {
  protocol: 'ec2',
  memberKey: (member, ref) => ref.queryName ?? (ref.locationName ? capitalize(ref.locationName) : member),
  isFlattened: () => true,
}

/**
 * Decodes `params` against the structure `shapeName`. Parameters the model does not name are ignored; a scalar that
 * does not parse as its type is kept as the raw string, so constraint checking reports it in the service's words.
 */
export function decodeQueryInput(
  params: ReadonlyMap<string, string>,
  shapeName: string,
  service: ServiceModel,
  dialect: QueryDialect,
): Record<string, unknown> {
  const shape = service.shapes[shapeName]
  if (shape?.type !== 'structure') return {}
  // Top-level scalars are read from `params` directly; the tree of dotted names is built only for nested members.
  let tree: ParamNode | undefined
  const out: Record<string, unknown> = {}
  for (const [member, ref] of Object.entries(shape.members)) {
    const memberShape = service.shapes[ref.shape]
    if (!memberShape) continue
    const key = dialect.memberKey(member, ref)
    let value: unknown
    if (memberShape.type === 'structure' || memberShape.type === 'list' || memberShape.type === 'map') {
      tree ??= buildTree(params)
      const child = tree.children?.get(key)
      value = child ? decodeValue(child, ref, service, dialect) : undefined
    } else {
      const text = params.get(key)
      value = text === undefined ? undefined : decodeScalar(text, ref, memberShape, dialect)
    }
    if (value !== undefined) out[member] = value
  }
  return out
}

/** A parameter name split on dots: `A.member.1.B=x` → A → member → 1 → B (value x). */
interface ParamNode {
  value?: string
  children?: Map<string, ParamNode>
}

function buildTree(params: ReadonlyMap<string, string>): ParamNode {
  const root: ParamNode = {}
  for (const [name, value] of params) {
    let node = root
    for (const segment of name.split('.')) {
      node.children ??= new Map()
      let child = node.children.get(segment)
      if (!child) {
        child = {}
        node.children.set(segment, child)
      }
      node = child
    }
    node.value = value
  }
  return root
}

function decodeStructure(node: ParamNode, shape: StructureShape, service: ServiceModel, dialect: QueryDialect): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [member, ref] of Object.entries(shape.members)) {
    const child = node.children?.get(dialect.memberKey(member, ref))
    if (!child) continue
    const value = decodeValue(child, ref, service, dialect)
    if (value !== undefined) out[member] = value
  }
  return out
}

function decodeValue(node: ParamNode, ref: ShapeRef, service: ServiceModel, dialect: QueryDialect): unknown {
  const shape = service.shapes[ref.shape]
  if (!shape) return undefined
  switch (shape.type) {
    case 'structure':
      return node.children ? decodeStructure(node, shape, service, dialect) : node.value
    case 'list': {
      // `Name=` with no items is how the SDKs send an empty list.
      if (!node.children) return node.value === '' ? [] : node.value
      const container = dialect.isFlattened(ref, shape) ? node : node.children.get(shape.member.locationName ?? 'member')
      return indexed(container).map((item) => decodeValue(item, shape.member, service, dialect))
    }
    case 'map': {
      if (!node.children) return node.value === '' ? {} : node.value
      const container = dialect.isFlattened(ref, shape) ? node : node.children.get('entry')
      const out: Record<string, unknown> = {}
      for (const entry of indexed(container)) {
        const key = entry.children?.get(shape.key.locationName ?? 'key')?.value
        const valueNode = entry.children?.get(shape.value.locationName ?? 'value')
        if (key === undefined || !valueNode) continue
        out[key] = decodeValue(valueNode, shape.value, service, dialect)
      }
      return out
    }
    default:
      return node.value === undefined ? undefined : decodeScalar(node.value, ref, shape, dialect)
  }
}

/** The numbered children (`.1`, `.2`, …) of a list or map node, in index order; gaps are skipped. */
function indexed(node: ParamNode | undefined): ParamNode[] {
  if (!node?.children) return []
  return [...node.children.entries()]
    .filter(([key]) => /^[1-9]\d{0,8}$/.test(key))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, child]) => child)
}

function decodeScalar(text: string, ref: ShapeRef, shape: Shape, dialect: QueryDialect): unknown {
  switch (shape.type) {
    case 'string':
      return text
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text
    case 'integer':
    case 'long':
      return /^-?\d{1,16}$/.test(text) ? Number(text) : text
    case 'float':
    case 'double':
    case 'bigdecimal':
      return parseFloatText(text)
    case 'timestamp':
      return parseAnyTimestamp(text, timestampFormatFor(ref, shape, dialect.protocol, 'querystring')) ?? text
    case 'blob':
      return /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 ? new Uint8Array(Buffer.from(text, 'base64')) : text
    default:
      return text
  }
}

function parseFloatText(text: string): number | string {
  if (text === 'NaN') return Number.NaN
  if (text === 'Infinity') return Number.POSITIVE_INFINITY
  if (text === '-Infinity') return Number.NEGATIVE_INFINITY
  return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : text
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
