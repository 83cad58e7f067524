// writeXmlValue: a typed value of a model shape → XML nodes (locationName, flattened, xmlAttribute, xmlNamespace).
import type { MapShape, ServiceModel, Shape, ShapeRef, StructureShape } from '../../model/types.js'
import { formatBindingText } from '../rest/binding-text.js'
import { resolveShape } from '../rest/model-shapes.js'
import { formatTimestamp, timestampFormatFor } from '../shared/timestamps.js'

/** An element to write: attributes, then either child elements or text. */
export interface XmlNode {
  readonly name: string
  readonly attributes: Record<string, string>
  readonly children: XmlNode[]
  text?: string
}

/** The element(s) for `value` named `name`: several for a flattened list or map, none for an absent value. */
export function writeXmlValue(value: unknown, ref: ShapeRef, name: string, service: ServiceModel): XmlNode[] {
  if (value === undefined || value === null) return []
  const shape = resolveShape(service, ref)
  if (shape.type === 'list' && (ref.flattened || shape.flattened)) {
    return (value as readonly unknown[]).flatMap((item) => writeXmlValue(item, shape.member, name, service))
  }
  if (shape.type === 'map' && (ref.flattened || shape.flattened)) {
    return mapEntries(value, shape, service).map((children) => element(name, children))
  }
  const node = element(name, [])
  addNamespace(node, ref.xmlNamespace ?? (shape.type === 'structure' ? shape.xmlNamespace : undefined))
  switch (shape.type) {
    case 'structure':
      writeStructureInto(node, value as Record<string, unknown>, shape, service)
      break
    case 'list': {
      const itemName = shape.member.locationName ?? 'member'
      for (const item of value as readonly unknown[]) node.children.push(...writeXmlValue(item, shape.member, itemName, service))
      break
    }
    case 'map':
      for (const children of mapEntries(value, shape, service)) node.children.push(element('entry', children))
      break
    default:
      node.text = scalarText(value, shape, ref)
  }
  return [node]
}

/** Writes a structure's body members (those with no HTTP location) into `node`, attributes included. */
export function writeStructureInto(node: XmlNode, value: Record<string, unknown>, shape: StructureShape, service: ServiceModel): void {
  for (const [name, ref] of Object.entries(shape.members)) {
    if (ref.location !== undefined) continue
    const member = value[name]
    if (member === undefined || member === null) continue
    const wireName = ref.locationName ?? name
    if (ref.xmlAttribute) node.attributes[wireName] = scalarText(member, resolveShape(service, ref), ref)
    else node.children.push(...writeXmlValue(member, ref, wireName, service))
  }
}

export function element(name: string, children: XmlNode[]): XmlNode {
  return { name, attributes: {}, children }
}

export function addNamespace(node: XmlNode, namespace: { readonly prefix?: string; readonly uri: string } | undefined): void {
  if (namespace) node.attributes[namespace.prefix ? `xmlns:${namespace.prefix}` : 'xmlns'] = namespace.uri
}

function mapEntries(value: unknown, shape: MapShape, service: ServiceModel): XmlNode[][] {
  const keyName = shape.key.locationName ?? 'key'
  const valueName = shape.value.locationName ?? 'value'
  return Object.entries(value as Record<string, unknown>).map(([key, item]) => [
    ...writeXmlValue(key, shape.key, keyName, service),
    ...writeXmlValue(item, shape.value, valueName, service),
  ])
}

function scalarText(value: unknown, shape: Shape, ref: ShapeRef): string {
  if (shape.type === 'timestamp') {
    const date = value instanceof Date ? value : new Date(value as string | number)
    const format = timestampFormatFor(ref, shape, 'rest-xml')
    // S3 always writes milliseconds in XML (`2009-10-12T17:50:30.000Z`,
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html#API_ListObjectsV2_Examples).
    return format === 'iso8601' ? date.toISOString() : formatTimestamp(date, format)
  }
  if (shape.type === 'blob') {
    const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value as Uint8Array)
    return bytes.toString('base64')
  }
  return formatBindingText(value, shape, ref, 'querystring')
}
