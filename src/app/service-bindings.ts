// Every service Palisade speaks: implemented ones with their handlers, the rest answering each operation with 501.
import type { AuthorizationTable } from '../core/authorization-target.js'
import { unsupportedOperations } from '../core/unsupported-operations.js'
import { serviceModels } from '../generated/services.js'
import type { ServiceModel } from '../model/types.js'
import { bindService, type Handler, type ServiceBinding } from '../pipeline/service-binding.js'
import { codecFor } from '../protocol/codecs.js'
import { stsAuthorization, stsService } from '../services/sts/index.js'

export function serviceBindings(): ServiceBinding[] {
  const implemented = [bindService(serviceModels.sts, codecFor(serviceModels.sts), stsService(), stsAuthorization)]
  const names = new Set(implemented.map((binding) => binding.model.name))
  const pending = Object.values(serviceModels).filter((model) => !names.has(model.name)).map(unsupportedService)
  return [...implemented, ...pending]
}

/**
 * A service whose operations are routed, decoded and validated like any other, then answered with NotImplemented.
 * Its operations still pass authorization, as `<signing name>:<operation>` on `*`, so a denied caller sees a denial.
 */
function unsupportedService(model: ServiceModel): ServiceBinding {
  const operations = Object.keys(model.operations)
  const handlers: Record<string, Handler> = unsupportedOperations(model.name, operations)
  const authorization: AuthorizationTable<Record<string, Handler>> = Object.fromEntries(
    operations.map((operation) => [operation, () => ({ action: `${model.metadata.signingName}:${operation}`, resources: ['*'] })]),
  )
  return bindService(model, codecFor(model), handlers, authorization)
}
