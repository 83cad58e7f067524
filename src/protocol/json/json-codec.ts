// jsonCodec: the awsJson1_0 / awsJson1_1 protocols (KMS, Organizations, CloudTrail, Config, WAFv2, Shield, Support, Cognito, ACM).
import type { AwsError } from '../../core/aws-error.js'
import type { HttpRequest, HttpResponse } from '../../core/http.js'
import type { OperationModel, ServiceModel } from '../../model/types.js'
import type { CallInfo, Codec, OperationInput } from '../codec.js'
import { resolveStructure } from '../rest/model-shapes.js'
import { checkJsonInput } from './check-json-input.js'
import { jsonErrorBody } from './json-error-body.js'
import { parseJsonBody } from './parse-json-body.js'
import { readJsonStructure } from './read-json-value.js'
import { writeJsonStructure } from './write-json-value.js'

// https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
export const jsonCodec: Codec = {
  protocol: 'json',

  /**
   * `X-Amz-Target: <targetPrefix>.<Operation>`. A dotted prefix (CloudTrail's `com.amazonaws.cloudtrail.v20131101.
   * CloudTrail_20131101`) is also accepted by its last segment alone, which is what SDK v3 sends (its serviceTarget).
   */
  matchOperation(request: HttpRequest, service: ServiceModel): OperationModel | undefined {
    const target = request.headers['x-amz-target']
    const prefix = service.metadata.targetPrefix
    if (target === undefined || prefix === undefined || request.method !== 'POST') return undefined
    const dot = target.lastIndexOf('.')
    if (dot <= 0) return undefined
    const sent = target.slice(0, dot)
    if (sent !== prefix && !prefix.endsWith(`.${sent}`)) return undefined
    const name = target.slice(dot + 1)
    return Object.hasOwn(service.operations, name) ? service.operations[name] : undefined
  },

  parseRequest(request: HttpRequest, operation: OperationModel, service: ServiceModel): OperationInput {
    const document = parseJsonBody(request.body)
    if (!operation.input) return {}
    const input = readJsonStructure(document, resolveStructure(service, operation.input), service)
    checkJsonInput(input, operation.input.shape, service)
    return input
  },

  serializeOutput(output: unknown, operation: OperationModel, service: ServiceModel, call: CallInfo): HttpResponse {
    const body = operation.output ? writeJsonStructure(output ?? {}, resolveStructure(service, operation.output), service) : {}
    return { status: 200, headers: jsonHeaders(service, call), body: JSON.stringify(body) }
  },

  serializeError(error: AwsError, service: ServiceModel | undefined, call: CallInfo): HttpResponse {
    return {
      status: error.jsonStatus,
      headers: { ...jsonHeaders(service, call), ...error.headers },
      body: JSON.stringify(jsonErrorBody(error, service, true)),
    }
  },
}

/** `application/x-amz-json-1.0` or `-1.1`, per the service's jsonVersion (1.1 when the service is unknown). */
export function jsonContentType(service: ServiceModel | undefined): string {
  return `application/x-amz-json-${service?.metadata.jsonVersion ?? '1.1'}`
}

function jsonHeaders(service: ServiceModel | undefined, call: CallInfo): Record<string, string> {
  return { 'content-type': jsonContentType(service), 'x-amzn-RequestId': call.requestId }
}
