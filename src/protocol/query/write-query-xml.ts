// Writes typed output as the XML body of query and EC2 responses, following the model's XML traits.
// https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#response-serialization
import type { ServiceModel, Shape, ShapeRef, StructureShape } from '../../model/types.js'
import { formatTimestamp, timestampFormatFor } from '../shared/timestamps.js'
import type { XmlAttributes, XmlWriter } from '../xml/xml-writer.js'

/** Writes the members of `value` (a structure of shape `shape`) as child elements of the open element. */
export function writeXmlMembers(writer: XmlWriter, value: unknown, shape: StructureShape, service: ServiceModel): void {
  if (!isRecord(value)) return
  for (const { member, name, ref } of elementMembers(shape)) {
    const memberValue = value[member]
    if (memberValue === undefined || memberValue === null) continue
    writeXmlValue(writer, name, memberValue, ref, service)
  }
}

/** The members a structure writes as child elements, with their element names; worked out once per shape. */
function elementMembers(shape: StructureShape): readonly { member: string; name: string; ref: ShapeRef }[] {
  let members = elementMembersByShape.get(shape)
  if (!members) {
    members = Object.entries(shape.members)
      .filter(([, ref]) => !ref.xmlAttribute)
      .map(([member, ref]) => ({ member, name: ref.locationName ?? member, ref }))
    elementMembersByShape.set(shape, members)
  }
  return members
}

// Keyed by the model's shapes, which live as long as the process.
const elementMembersByShape = new WeakMap<StructureShape, readonly { member: string; name: string; ref: ShapeRef }[]>()

function writeXmlValue(writer: XmlWriter, name: string, value: unknown, ref: ShapeRef, service: ServiceModel): void {
  const shape = service.shapes[ref.shape]
  if (!shape) throw new Error(`bug: ${service.name} model has no shape \`${ref.shape}\``)
  const attributes = namespaceAttributes(ref)
  switch (shape.type) {
    case 'structure':
      writer.start(name, { ...attributes, ...xmlAttributes(value, shape) })
      writeXmlMembers(writer, value, shape, service)
      writer.end()
      return
    case 'list': {
      const items = Array.isArray(value) ? value : []
      const flattened = ref.flattened === true || shape.flattened === true
      if (flattened) {
        for (const item of items) if (item !== undefined && item !== null) writeXmlValue(writer, name, item, shape.member, service)
        return
      }
      writer.start(name, attributes)
      const itemName = shape.member.locationName ?? 'member'
      for (const item of items) if (item !== undefined && item !== null) writeXmlValue(writer, itemName, item, shape.member, service)
      writer.end()
      return
    }
    case 'map': {
      const entries = isRecord(value) ? Object.entries(value) : []
      const flattened = ref.flattened === true || shape.flattened === true
      if (!flattened) writer.start(name, attributes)
      for (const [key, item] of entries) {
        if (item === undefined || item === null) continue
        writer.start(flattened ? name : 'entry')
        writeXmlValue(writer, shape.key.locationName ?? 'key', key, shape.key, service)
        writeXmlValue(writer, shape.value.locationName ?? 'value', item, shape.value, service)
        writer.end()
      }
      if (!flattened) writer.end()
      return
    }
    default:
      writer.element(name, scalarText(value, ref, shape, service), attributes)
  }
}

/** The text of a scalar: booleans and numbers as AWS prints them, timestamps per the model, blobs in base64. */
export function scalarText(value: unknown, ref: ShapeRef, shape: Shape, service: ServiceModel): string {
  switch (shape.type) {
    case 'timestamp': {
      const date = value instanceof Date ? value : new Date(value as string | number)
      return formatTimestamp(date, timestampFormatFor(ref, shape, service.metadata.protocol))
    }
    case 'blob':
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
      return Buffer.from(String(value), 'utf8').toString('base64')
    case 'float':
    case 'double':
    case 'bigdecimal':
      if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
      return String(value)
    default:
      return String(value)
  }
}

function xmlAttributes(value: unknown, shape: StructureShape): XmlAttributes | undefined {
  if (!isRecord(value)) return undefined
  let attributes: Record<string, string> | undefined
  for (const [member, ref] of Object.entries(shape.members)) {
    if (!ref.xmlAttribute || value[member] === undefined || value[member] === null) continue
    attributes ??= {}
    attributes[ref.locationName ?? member] = String(value[member])
  }
  return attributes
}

function namespaceAttributes(ref: ShapeRef): XmlAttributes | undefined {
  if (!ref.xmlNamespace) return undefined
  return { [ref.xmlNamespace.prefix ? `xmlns:${ref.xmlNamespace.prefix}` : 'xmlns']: ref.xmlNamespace.uri }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
