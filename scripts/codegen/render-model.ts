// Writes src/generated/<service>/model.ts: the merged ServiceModel as a typed constant, one line per entry.
import type { ServiceModel } from '../../src/model/types.js'
import { generatedHeader } from './generated-header.js'
import { camelName } from './names.js'

export function renderModel(model: ServiceModel, sources: string): string {
  const lines = [
    generatedHeader(`the ${model.metadata.serviceId} service model, from ${sources}`),
    `import type { ServiceModel } from '../../model/types.js'`,
    '',
    `export const ${camelName(model.name)}Model: ServiceModel = {`,
    `  name: ${JSON.stringify(model.name)},`,
    `  metadata: ${JSON.stringify(model.metadata)},`,
    '  operations: {',
    ...Object.entries(model.operations).map(([name, operation]) => `    ${JSON.stringify(name)}: ${JSON.stringify(operation)},`),
    '  },',
    '  shapes: {',
    ...Object.entries(model.shapes).map(([name, shape]) => `    ${JSON.stringify(name)}: ${JSON.stringify(shape)},`),
    '  },',
    '}',
    '',
  ]
  return lines.join('\n')
}
