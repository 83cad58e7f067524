// readXmlValue: a parsed XML element → the typed value of a model shape (locationName, flattened, xmlAttribute).
import type { ListShape, MapShape, ServiceModel, Shape, ShapeRef, StructureShape } from '../../model/types.js'
import { parseBindingText } from '../rest/binding-text.js'
import { resolveShape } from '../rest/model-shapes.js'
import { parseTimestamp, timestampFormatFor } from '../shared/timestamps.js'
import type { XmlElement } from '../xml/xml-reader.js'

/** An element whose content does not fit its shape; the codec answers with the protocol's error. */
export class XmlValueError extends Error {
  constructor(readonly element: string, message: string) {
    super(message)
    this.name = 'XmlValueError'
  }
}

/** Decodes `element` as `ref`'s shape. Namespaces are ignored: members match by local name. */
export function readXmlValue(element: XmlElement, ref: ShapeRef, service: ServiceModel): unknown {
  const shape = resolveShape(service, ref)
  switch (shape.type) {
    case 'structure':
      return readStructure(element, shape, service)
    case 'list':
      return readList(element.children.filter((child) => child.localName === itemName(shape)), shape, service)
    case 'map':
      return readMap(element.children.filter((child) => child.localName === 'entry'), shape, service)
    default:
      return readScalar(element.text, element.localName, shape, ref)
  }
}

/** Decodes the members of a structure from the children and attributes of `element`. */
export function readStructure(element: XmlElement, shape: StructureShape, service: ServiceModel): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, ref] of Object.entries(shape.members)) {
    if (ref.location !== undefined) continue
    const wireName = ref.locationName ?? name
    if (ref.xmlAttribute) {
      const value = attributeValue(element, wireName)
      if (value !== undefined) out[name] = readScalar(value, wireName, resolveShape(service, ref), ref)
      continue
    }
    const memberShape = resolveShape(service, ref)
    const local = localPart(wireName)
    if (memberShape.type === 'list' && (ref.flattened || memberShape.flattened)) {
      const items = element.children.filter((child) => child.localName === local)
      if (items.length > 0) out[name] = readList(items, memberShape, service)
    } else if (memberShape.type === 'map' && (ref.flattened || memberShape.flattened)) {
      const entries = element.children.filter((child) => child.localName === local)
      if (entries.length > 0) out[name] = readMap(entries, memberShape, service)
    } else {
      const child = element.children.find((candidate) => candidate.localName === local)
      if (child) out[name] = readXmlValue(child, ref, service)
    }
  }
  return out
}

function readList(items: readonly XmlElement[], shape: ListShape, service: ServiceModel): unknown[] {
  return items.map((item) => readXmlValue(item, shape.member, service))
}

function readMap(entries: readonly XmlElement[], shape: MapShape, service: ServiceModel): Record<string, unknown> {
  const keyName = localPart(shape.key.locationName ?? 'key')
  const valueName = localPart(shape.value.locationName ?? 'value')
  const out: Record<string, unknown> = {}
  for (const entry of entries) {
    const key = entry.children.find((child) => child.localName === keyName)
    const value = entry.children.find((child) => child.localName === valueName)
    if (!key) throw new XmlValueError(entry.localName, 'map entry without a key')
    if (value) out[key.text] = readXmlValue(value, shape.value, service)
  }
  return out
}

function readScalar(text: string, element: string, shape: Shape, ref: ShapeRef): unknown {
  let value: unknown
  if (shape.type === 'string') value = text
  else if (shape.type === 'blob') value = parseBase64(text.trim())
  else if (shape.type === 'timestamp') value = parseTimestamp(text.trim(), timestampFormatFor(ref, shape, 'rest-xml'))
  else value = parseBindingText(text, shape, ref, 'querystring')
  if (value === undefined) throw new XmlValueError(element, `\`${text}\` is not a valid ${shape.type}`)
  return value
}

function itemName(shape: ListShape): string {
  return localPart(shape.member.locationName ?? 'member')
}

function attributeValue(element: XmlElement, wireName: string): string | undefined {
  const exact = element.attributes[wireName]
  if (exact !== undefined) return exact
  const local = localPart(wireName)
  for (const [name, value] of Object.entries(element.attributes)) {
    if (localPart(name) === local && !name.startsWith('xmlns')) return value
  }
  return undefined
}

function localPart(name: string): string {
  const colon = name.indexOf(':')
  return colon === -1 ? name : name.slice(colon + 1)
}

function parseBase64(text: string): Buffer | undefined {
  return /^[A-Za-z0-9+/\s]*={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined
}
