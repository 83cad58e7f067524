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
