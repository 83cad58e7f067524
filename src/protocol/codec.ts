// Codec: one per wire protocol; turns HTTP into typed operation input and typed output/errors back into HTTP.
import type { AwsError } from '../core/aws-error.js'
import type { HttpRequest, HttpResponse } from '../core/http.js'
import type { OperationModel, Protocol, ServiceModel } from '../model/types.js'

/** What a codec needs to know about the call it is answering. */
export interface CallInfo {
  readonly requestId: string
  /** The request's HTTP method, when known: REST codecs answer HEAD without a body (S3's HEAD errors have none). */
  readonly method?: string
}

/** Decoded values: structure → plain object, list → array, map → object, timestamp → Date, blob → Uint8Array. */
export type OperationInput = Record<string, unknown>

export interface Codec {
  readonly protocol: Protocol
  /**
   * The operation of `service` that the request names (Action parameter, X-Amz-Target, or REST method and path),
   * or undefined when it names none of them.
   */
  matchOperation(request: HttpRequest, service: ServiceModel): OperationModel | undefined
  /**
   * Decodes the request into the operation's input and checks the model's constraints (required, enum, length,
   * range, pattern). Throws the service's own error for bad input (ValidationError, ValidationException, …).
   */
  /** The protocol's own error for a request that names no operation of `service`; the router has a default. */
  unknownOperation?(request: HttpRequest, service: ServiceModel): AwsError
  parseRequest(request: HttpRequest, operation: OperationModel, service: ServiceModel): OperationInput
  serializeOutput(output: unknown, operation: OperationModel, service: ServiceModel, call: CallInfo): HttpResponse
  /** `service` is undefined when the request could not be routed to any service. */
  serializeError(error: AwsError, service: ServiceModel | undefined, call: CallInfo): HttpResponse
}
