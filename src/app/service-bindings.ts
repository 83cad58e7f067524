// Every service Palisade speaks: implemented operations with their handlers, the rest answering 501.
import type { AuthorizationTable } from '../core/authorization-target.js'
import { unsupportedOperations } from '../core/unsupported-operations.js'
import { serviceModels } from '../generated/services.js'
import type { ServiceModel } from '../model/types.js'
import { bindService, type Handler, type ServiceBinding } from '../pipeline/service-binding.js'
import { codecFor } from '../protocol/codecs.js'
import { cloudtrailModules, type CloudTrailDeps } from '../services/cloudtrail/index.js'
import { iamModules, type IamDeps } from '../services/iam/index.js'
import { kmsAuthorization, kmsService, type KmsDeps } from '../services/kms/index.js'
import { organizationsAuthorization, organizationsService, type OrganizationsDeps } from '../services/organizations/index.js'
import { s3Authorization, s3controlAuthorization, s3controlService, s3Service, type S3Deps } from '../services/s3/index.js'
import { stsAuthorization, stsService, type StsDeps } from '../services/sts/index.js'

type Handlers = Readonly<Record<string, Handler>>
type Authorization = AuthorizationTable<Handlers>

export function serviceBindings(deps: { readonly iam: IamDeps; readonly sts: StsDeps; readonly kms?: KmsDeps; readonly s3?: S3Deps; readonly cloudtrail?: CloudTrailDeps; readonly organizations?: OrganizationsDeps }): ServiceBinding[] {
  const iam = iamModules(deps.iam)
  const bound = [
    bindService(serviceModels.sts, codecFor(serviceModels.sts), stsService(deps.sts), stsAuthorization(deps.sts)),
    completeService(
      serviceModels.iam,
      Object.assign({}, ...iam.map((module) => module.handlers)) as Handlers,
      Object.assign({}, ...iam.map((module) => module.authorization)) as Authorization,
    ),
    // Optional so that callers wiring only IAM/STS (router tests, the IAM benchmark) leave KMS answering 501.
    ...(deps.kms ? [bindService(serviceModels.kms, codecFor(serviceModels.kms), kmsService(deps.kms), kmsAuthorization(deps.kms.keys))] : []),
    // S3 implements part of its model: the rest answers 501 after authorization, like any pending operation.
    ...(deps.s3 ? [completeService(serviceModels.s3, s3Service(deps.s3) as Handlers, s3Authorization(deps.s3.buckets) as unknown as Authorization)] : []),
    // S3 Control: the account-level Block Public Access that S3's authorization reads.
    ...(deps.s3 ? [bindService(serviceModels.s3control, codecFor(serviceModels.s3control), s3controlService(deps.s3), s3controlAuthorization())] : []),
    ...(deps.cloudtrail ? [modularService(serviceModels.cloudtrail, cloudtrailModules(deps.cloudtrail))] : []),
    ...(deps.organizations ? [bindService(serviceModels.organizations, codecFor(serviceModels.organizations), organizationsService(deps.organizations), organizationsAuthorization(deps.organizations.organizations))] : []),
  ]
  const names = new Set(bound.map((binding) => binding.model.name))
  const pending = Object.values(serviceModels).filter((model) => !names.has(model.name)).map((model) => completeService(model, {}, {}))
  return [...bound, ...pending]
}

/** A service built of modules, each with its handlers and their authorization entries (IAM's, CloudTrail's shape). */
function modularService(model: ServiceModel, modules: readonly { readonly handlers: object; readonly authorization: object }[]): ServiceBinding {
  return completeService(
    model,
    Object.assign({}, ...modules.map((module) => module.handlers)) as Handlers,
    Object.assign({}, ...modules.map((module) => module.authorization)) as Authorization,
  )
}

/**
 * Binds a service whose modules implement some operations: every other operation is routed, decoded and
 * validated like any other, passes authorization as `<signing name>:<operation>` on `*` (so a denied caller sees
 * a denial), then answers NotImplemented.
 */
function completeService(model: ServiceModel, handlers: Handlers, authorization: Authorization): ServiceBinding {
  const missing = Object.keys(model.operations).filter((operation) => !Object.hasOwn(handlers, operation))
  const genericAuthorization: Authorization = Object.fromEntries(
    missing.map((operation) => [operation, () => ({ action: `${model.metadata.signingName}:${operation}`, resources: ['*'] })]),
  )
  return bindService(
    model,
    codecFor(model),
    { ...unsupportedOperations(model.name, missing), ...handlers },
    { ...genericAuthorization, ...authorization },
  )
}
