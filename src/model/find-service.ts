// Looks up a generated service model by name or by its SigV4 signing name.
import { serviceModels, type ServiceName } from '../generated/services.js'
import type { ServiceModel } from './types.js'

/** The model of `name` (our name: the model file prefix, e.g. `iam`, `cognito-idp`), or undefined. */
export function findService(name: string): ServiceModel | undefined {
  return Object.hasOwn(serviceModels, name) ? serviceModels[name as ServiceName] : undefined
}

/** The model whose SigV4 credential scope names `signingName` (e.g. `cognito-idp`, `access-analyzer`), or undefined. */
export function findServiceBySigningName(signingName: string): ServiceModel | undefined {
  return bySigningName().get(signingName)
}

let signingIndex: Map<string, ServiceModel> | undefined

function bySigningName(): Map<string, ServiceModel> {
  signingIndex ??= new Map(Object.values(serviceModels).map((model) => [model.metadata.signingName, model]))
  return signingIndex
}
