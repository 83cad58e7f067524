// Shape lookups the REST bindings share: resolve a member reference to its shape in the service model.
import type { ServiceModel, Shape, ShapeRef, StructureShape } from '../../model/types.js'

/** The shape a reference names; a missing shape is a bug in the generated model, not bad input. */
export function resolveShape(service: ServiceModel, ref: ShapeRef): Shape {
  const shape = service.shapes[ref.shape]
  if (!shape) throw new Error(`shape \`${ref.shape}\` is missing from the ${service.name} model`)
  return shape
}

export function resolveStructure(service: ServiceModel, ref: ShapeRef): StructureShape {
  const shape = resolveShape(service, ref)
  if (shape.type !== 'structure') throw new Error(`shape \`${ref.shape}\` is a ${shape.type}, not a structure`)
  return shape
}

/**
 * Whether an input or output structure carries a streaming payload (S3 PutObject/UploadPart `Body`, GetObject's):
 * such a payload reaches the handler, or the wire, as a stream instead of a buffer.
 */
export function hasStreamingPayload(service: ServiceModel, ref: ShapeRef | undefined): boolean {
  if (!ref) return false
  const shape = service.shapes[ref.shape]
  if (shape?.type !== 'structure' || shape.payload === undefined) return false
  const payload = shape.members[shape.payload]
  if (!payload) return false
  const payloadShape = service.shapes[payload.shape]
  return payload.streaming === true || (payloadShape?.type === 'blob' && payloadShape.streaming === true)
}
