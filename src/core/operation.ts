// Operation: the shape every handler has, and the small context it receives.
import type { AuthorizationTarget } from './authorization-target.js'
import type { Caller } from './caller.js'

export interface OperationContext {
  readonly caller: Caller
  /** The account the request acts in (the caller's, unless a resource decides otherwise). */
  readonly accountId: string
  readonly region: string
  readonly partition: string
  readonly requestId: string
  readonly signal?: AbortSignal
  /** The request came over TLS (S3 refuses customer-provided encryption keys otherwise). */
  readonly secure?: boolean
  /**
   * Decides a further permission the call turns out to need once the handler has looked something up (the KMS key
   * of an SSE-KMS object, an object's own ACL), through the same authorization stage as the operation itself;
   * throws AccessDenied like it. Absent where a handler runs outside the pipeline.
   */
  readonly authorize?: (target: AuthorizationTarget) => void
}

export type Operation<I, O> = (input: I, ctx: OperationContext) => Promise<O>
