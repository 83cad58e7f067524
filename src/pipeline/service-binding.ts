// ServiceBinding: a service's generated model, its wire codec, its handlers and its authorization table, as one unit.
import type { AuthorizationTable } from '../core/authorization-target.js'
import type { OperationContext } from '../core/operation.js'
import type { ServiceModel } from '../model/types.js'
import type { Codec } from '../protocol/codec.js'

export type Handler = (input: never, ctx: OperationContext) => Promise<unknown>

export interface ServiceBinding {
  readonly model: ServiceModel
  readonly codec: Codec
  readonly handlers: Readonly<Record<string, Handler>>
  readonly authorization: AuthorizationTable<Readonly<Record<string, Handler>>>
}

/** Pairs a service's handlers and authorization table with its model; the types keep every operation declared. */
export function bindService<Api extends { [Op in keyof Api]: (input: never, ctx: OperationContext) => Promise<unknown> }>(
  model: ServiceModel,
  codec: Codec,
  handlers: Api,
  authorization: AuthorizationTable<Api>,
): ServiceBinding {
  return {
    model,
    codec,
    handlers: handlers as unknown as Record<string, Handler>,
    authorization: authorization as unknown as ServiceBinding['authorization'],
  }
}
