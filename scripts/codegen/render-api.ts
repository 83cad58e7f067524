// Writes src/generated/<service>/api.ts: the <Service>Api interface a service module implements.
import type { ServiceModel } from '../../src/model/types.js'
import { generatedHeader } from './generated-header.js'
import { pascalName } from './names.js'
import { tsType } from './render-types.js'

export function renderApi(model: ServiceModel): string {
  const out: string[] = [
    generatedHeader(`the operations of ${model.metadata.serviceId}, as the interface its service module implements`),
    `import type { OperationContext } from '../../core/operation.js'`,
    `import type * as T from './types.js'`,
    '',
    `export interface ${pascalName(model.name)}Api {`,
  ]
  for (const [name, operation] of Object.entries(model.operations)) {
    const input = operation.input ? qualified(tsType(model, operation.input.shape)) : 'Record<string, never>'
    const output = operation.output ? qualified(tsType(model, operation.output.shape)) : 'void'
    out.push(`  ${name}(input: ${input}, ctx: OperationContext): Promise<${output}>`)
  }
  out.push('}', '')
  return out.join('\n')
}

// Operation inputs and outputs are always structures, so their type is a name in types.ts.
function qualified(type: string): string {
  return `T.${type}`
}
