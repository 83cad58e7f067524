// Writes src/generated/services.ts: every generated model, by service name.
import { generatedHeader } from './generated-header.js'
import { camelName, propertyKey } from './names.js'

export function renderServices(services: readonly string[]): string {
  const sorted = [...services].sort()
  return [
    generatedHeader('the index of every generated service model'),
    `import type { ServiceModel } from '../model/types.js'`,
    ...sorted.map((service) => `import { ${camelName(service)}Model } from './${service}/model.js'`),
    '',
    `export const serviceNames = [${sorted.map((service) => `'${service}'`).join(', ')}] as const`,
    '',
    'export type ServiceName = (typeof serviceNames)[number]',
    '',
    'export const serviceModels: Readonly<Record<ServiceName, ServiceModel>> = {',
    ...sorted.map((service) => `  ${propertyKey(service)}: ${camelName(service)}Model,`),
    '}',
    '',
  ].join('\n')
}
