// The one request pipeline every AWS API call passes through, from any client.
import { AwsError } from '../core/aws-error.js'
import type { AuthorizationTarget, CallFacts } from '../core/authorization-target.js'
import { isReadOnlyOperation } from '../core/authorization-target.js'
import type { Caller } from '../core/caller.js'
import type { Clock } from '../core/clock.js'
import { InternalFailureError } from '../core/common-errors.js'
import type { HttpRequest, HttpResponse } from '../core/http.js'
import type { Ids } from '../core/ids.js'
import type { Logger } from '../core/logger.js'
import type { OperationContext } from '../core/operation.js'
import type { AuditSink, StartedCall } from '../audit/audit-sink.js'
import type { OperationInput } from '../protocol/codec.js'
import { hasStreamingPayload } from '../protocol/rest/model-shapes.js'
import type { Authenticate } from './authenticate.js'
import { credentialScope } from './credential-scope.js'
import type { Route, Router } from './router.js'

export interface PipelineDeps {
  readonly router: Router
  /** Verifies the request's signature (or allows it anonymously where AWS does) and says who made it. */
  readonly authenticate: Authenticate
  /** Throws AccessDenied carrying AWS's message when the caller may not do what the target describes. */
  readonly authorize: (caller: Caller, target: AuthorizationTarget, request: HttpRequest, call: CallFacts) => void
  readonly audit: AuditSink
  readonly clock: Clock
  readonly ids: Ids
  readonly log: Logger
  /** The region reported when a request does not name one in its credential scope. */
  readonly region: string
  readonly partition: string
}

export interface PipelineResult {
  readonly requestId: string
  readonly response: HttpResponse
  /** For the server's request log line. */
  readonly service?: string
  readonly operation?: string
  readonly principal?: string
}

export type Pipeline = (request: HttpRequest, rejection?: AwsError) => Promise<PipelineResult>

/**
 * route → authenticate → decode → authorize → handle → encode; every exit is audited.
 * `rejection` is an error the server found before the pipeline ran (a body over the limit): the request is
 * routed only to answer it in its service's protocol.
 */
export function createPipeline(deps: PipelineDeps): Pipeline {
  return async function handleAwsRequest(request, rejection) {
    const requestId = deps.ids.requestId()
    const time = deps.clock.now()
    const scope = credentialScope(request)
    const region = scope?.region ?? deps.region
    let route: Route | undefined
    let caller: Caller | undefined
    let input: OperationInput | undefined
    let target: AuthorizationTarget | undefined
    // The call as the audit sink's scope was given it, reused for its record: nothing it reads changes once the handler runs.
    let startedCall: StartedCall | undefined
    try {
      if (rejection) throw rejection
      route = deps.router.resolve(request, scope)
      if (request.bodyStream?.readAll && !hasStreamingPayload(route.binding.model, route.operation.input)) {
        // The server leaves upload bodies unread; only streaming payloads (S3 PutObject, UploadPart) are read as they arrive.
        // The operation is matched by method, path and headers alone: the route stands, with the body now read.
        const body = await request.bodyStream.readAll()
        const routed = route.request === request ? undefined : withBody(route.request, body)
        request = withBody(request, body)
        route = { ...route, request: routed ?? request }
      }
      const authenticated = deps.authenticate(request, route, time)
      caller = authenticated.caller
      const decoded = authenticated.payload === route.request.body && authenticated.payloadStream === route.request.bodyStream
        ? route.request
        : { ...route.request, body: authenticated.payload, bodyStream: authenticated.payloadStream }
      input = route.binding.codec.parseRequest(decoded, route.operation, route.binding.model)
      const facts: CallFacts = { caller, accountId: caller.accountId, region, partition: deps.partition }
      const authorizeOperation = route.binding.authorization[route.operation.name]
      if (!authorizeOperation) throw new Error(`no authorization entry for ${route.binding.model.name}:${route.operation.name}`)
      target = authorizeOperation(input as never, facts)
      deps.authorize(caller, target, request, facts)
      const handler = route.binding.handlers[route.operation.name]
      if (!handler) throw new Error(`no handler for ${route.binding.model.name}:${route.operation.name}`)
      const authorized = caller
      const ctx: OperationContext = {
        caller, accountId: caller.accountId, region, partition: deps.partition, requestId, secure: request.secure,
        authorize: (target) => deps.authorize(authorized, target, request, facts),
      }
      const operationInput = input
      // The audit sink may write the call's event inside the transactions the handler commits (CloudTrail): the calls
      // it scopes (those that may change something) run in its scope; the others, most of them, run as they are.
      if (deps.audit.during) startedCall = started()
      const output = startedCall && (deps.audit.scopes?.(startedCall) ?? true)
        ? await deps.audit.during!(startedCall, () => handler(operationInput as never, ctx))
        : await handler(operationInput as never, ctx)
      const response = route.binding.codec.serializeOutput(output, route.operation, route.binding.model, { requestId, method: request.method })
      record(response.status, output)
      return { requestId, response, service: route.binding.model.name, operation: route.operation.name, principal: caller.arn }
    } catch (thrown) {
      const error = toAwsError(thrown, requestId, deps.log)
      const binding = route?.binding ?? deps.router.serviceOf(request, scope)
      if (!binding) throw thrown
      const response = binding.codec.serializeError(error, binding.model, { requestId, method: request.method })
      record(error.status, undefined, error)
      return { requestId, response, service: route?.binding.model.name, operation: route?.operation.name, principal: caller?.arn }
    }

    function started(): StartedCall {
      const operation = route?.operation.name
      return {
        requestId,
        time,
        service: route?.binding.model.name,
        operation,
        caller,
        region,
        sourceIp: request.remoteAddress,
        userAgent: request.headers['user-agent'],
        readOnly: operation !== undefined && isReadOnlyOperation(operation),
        input,
        resources: target?.resources,
        resourceAccountId: target?.resourcePolicies?.ownerAccountId,
        // CloudTrail's tlsDetails: `TLSv1.3`, the cipher suite and the Host header the client sent.
        tls: request.secure
          ? { hostHeader: request.headers.host, version: request.tlsVersion && `TLSv${request.tlsVersion}`, cipherSuite: request.tlsCipherSuite }
          : undefined,
      }
    }

    function record(status: number, output: unknown, error?: AwsError): void {
      // Object.assign, not a spread: V8 copies this 13-field object through its slow path (~5 µs) when spread.
      deps.audit.record(Object.assign(startedCall ?? started(), { output, errorCode: error?.code, errorMessage: error?.message, status }))
    }
  }
}

/** The request with its body read whole. */
function withBody(request: HttpRequest, body: Buffer): HttpRequest {
  const { bodyStream: _read, ...rest } = request
  return { ...rest, body }
}

/** Unknown errors never reach the wire: they become InternalFailure and are logged with the request id. */
function toAwsError(thrown: unknown, requestId: string, log: Logger): AwsError {
  if (thrown instanceof AwsError) return thrown
  log.error('unhandled error', { requestId, error: thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown) })
  return new InternalFailureError()
}
