// Operation: the shape every handler has, and the small context it receives.
import type { Caller } from './caller.js'

export interface OperationContext {
  readonly caller: Caller
  /** The account the request acts in (the caller's, unless a resource decides otherwise). */
  readonly accountId: string
  readonly region: string
  readonly partition: string
  readonly requestId: string
  readonly signal?: AbortSignal
}

export type Operation<I, O> = (input: I, ctx: OperationContext) => Promise<O>
