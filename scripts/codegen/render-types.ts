// Writes src/generated/<service>/types.ts: an interface per structure shape and a literal union per enum.
import type { ServiceModel, Shape } from '../../src/model/types.js'
import { generatedHeader } from './generated-header.js'
import { propertyKey, typeName } from './names.js'

export function renderTypes(model: ServiceModel): string {
  const out: string[] = [generatedHeader(`TypeScript types for the ${model.metadata.serviceId} wire shapes`)]
  for (const [name, shape] of Object.entries(model.shapes)) {
    if (shape.type === 'structure') {
      const required = new Set(shape.required ?? [])
      const members = Object.entries(shape.members).map(([member, ref]) => {
        const optional = required.has(member) ? '' : '?'
        return `  ${propertyKey(member)}${optional}: ${tsType(model, ref.shape)}`
      })
      out.push(members.length === 0 ? `export interface ${typeName(name)} {}` : `export interface ${typeName(name)} {\n${members.join('\n')}\n}`)
    } else if (shape.type === 'string' && shape.enum && shape.enum.length > 0) {
      out.push(`export type ${typeName(name)} = ${shape.enum.map((value) => JSON.stringify(value)).join(' | ')}`)
    }
  }
  return out.join('\n') + '\n'
}

/** The TypeScript type a reference to `shapeName` has: named for structures and enums, inline otherwise. */
export function tsType(model: ServiceModel, shapeName: string): string {
  const shape: Shape | undefined = model.shapes[shapeName]
  if (!shape) throw new Error(`${model.name}: reference to missing shape \`${shapeName}\``)
  switch (shape.type) {
    case 'structure':
      return typeName(shapeName)
    case 'string':
      return shape.enum && shape.enum.length > 0 ? typeName(shapeName) : 'string'
    case 'list':
      return `${tsType(model, shape.member.shape)}[]`
    case 'map':
      return `Record<string, ${tsType(model, shape.value.shape)}>`
    case 'boolean':
      return 'boolean'
    case 'timestamp':
      return 'Date'
    case 'blob':
      return 'Uint8Array'
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'bigdecimal':
      return 'number'
  }
}
