// restJsonCodec: the restJson1 protocol (Access Analyzer, Inspector2, GuardDuty, Artifact): HTTP bindings plus a JSON body.
import type { AwsError } from '../../core/aws-error.js'
import { SerializationError } from '../../core/common-errors.js'
import type { HttpRequest, HttpResponse } from '../../core/http.js'
import type { OperationModel, ServiceModel, StructureShape } from '../../model/types.js'
import type { CallInfo, Codec, OperationInput } from '../codec.js'
import { checkJsonInput } from '../json/check-json-input.js'
import { errorShape, jsonErrorBody } from '../json/json-error-body.js'
import { parseJsonBody } from '../json/parse-json-body.js'
import { readJsonStructure, readJsonValue } from '../json/read-json-value.js'
import { writeJsonStructure, writeJsonValue } from '../json/write-json-value.js'
import { bodyLayoutOf, readHttpBindings, writeHttpBindings } from '../rest/http-bindings.js'
import { matchRestOperation } from '../rest/match-rest-operation.js'
import { resolveStructure } from '../rest/model-shapes.js'
import { matchUriPath, templateOf } from '../rest/uri-template.js'

const JSON_CONTENT_TYPE = 'application/json'

// https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html
export const restJsonCodec: Codec = {
  protocol: 'rest-json',

  matchOperation(request: HttpRequest, service: ServiceModel): OperationModel | undefined {
    return matchRestOperation(request, service)?.operation
  },

  parseRequest(request: HttpRequest, operation: OperationModel, service: ServiceModel): OperationInput {
    if (!operation.input) return {}
    const shape = resolveStructure(service, operation.input)
    const labels = matchUriPath(templateOf(operation), request.path) ?? {}
    // A label, query or header value that does not fit its shape is a SerializationException on rest-json, as a
    // wrong-typed body member is (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html).
    const bound = readHttpBindings(request, shape, service, labels, { invalidValue: (message) => new SerializationError(message) })
    const input = { ...readBody(request.body, shape, service), ...bound }
    checkJsonInput(input, operation.input.shape, service)
    return input
  },

  serializeOutput(output: unknown, operation: OperationModel, service: ServiceModel, call: CallInfo): HttpResponse {
    const values = (output ?? {}) as Record<string, unknown>
    const shape = operation.output ? resolveStructure(service, operation.output) : undefined
    const bound = shape ? writeHttpBindings(values, shape, service) : { status: undefined, headers: {} }
    const status = bound.status ?? operation.http.responseCode ?? 200
    const body = shape ? writeBody(values, shape, service) : { contentType: JSON_CONTENT_TYPE, body: '{}' }
    const headers: Record<string, string> = { 'content-type': body.contentType, ...bound.headers, 'x-amzn-RequestId': call.requestId }
    // 204 and 304 responses, and answers to HEAD, carry no body (RFC 9110 §9.3.2, §15.3.5, §15.4.5).
    return { status, headers, body: status === 204 || status === 304 || call.method === 'HEAD' ? '' : body.body }
  },

  serializeError(error: AwsError, service: ServiceModel | undefined, call: CallInfo): HttpResponse {
    const shape = service ? errorShape(error, service) : undefined
    const bound = shape && service ? writeHttpBindings(error.fields as Record<string, unknown>, shape, service).headers : {}
    return {
      status: error.status,
      headers: {
        'content-type': JSON_CONTENT_TYPE,
        ...bound,
        ...error.headers,
        'x-amzn-RequestId': call.requestId,
        // The SDKs read the code from this header first and cut it at ':' (AWS appends a namespace URL).
        'x-amzn-ErrorType': error.jsonCode,
      },
      body: call.method === 'HEAD' ? '' : JSON.stringify(jsonErrorBody(error, service, false)),
    }
  },
}

/** The members carried in the body: the payload member, or every member without an HTTP binding. */
function readBody(body: Buffer, shape: StructureShape, service: ServiceModel): Record<string, unknown> {
  const layout = bodyLayoutOf(shape, service)
  if (layout.kind === 'none') return {}
  if (layout.kind === 'members') return readJsonStructure(parseJsonBody(body), shape, service)
  if (body.length === 0) return {}
  switch (layout.shape.type) {
    case 'blob':
      return { [layout.name]: new Uint8Array(body) }
    case 'string':
      return { [layout.name]: body.toString('utf8') }
    default: {
      const value = readJsonValue(parseJsonBody(body), layout.ref, service)
      return value === undefined ? {} : { [layout.name]: value }
    }
  }
}

function writeBody(output: Record<string, unknown>, shape: StructureShape, service: ServiceModel): { contentType: string; body: string | Buffer } {
  const layout = bodyLayoutOf(shape, service)
  if (layout.kind === 'none') return { contentType: JSON_CONTENT_TYPE, body: '{}' }
  if (layout.kind === 'members') return { contentType: JSON_CONTENT_TYPE, body: JSON.stringify(writeJsonStructure(output, shape, service)) }
  const value = output[layout.name]
  switch (layout.shape.type) {
    case 'blob':
      return { contentType: 'application/octet-stream', body: toBuffer(value) }
    case 'string':
      return { contentType: 'text/plain', body: value === undefined || value === null ? '' : String(value) }
    default: {
      const encoded = writeJsonValue(value, layout.ref, service)
      return { contentType: JSON_CONTENT_TYPE, body: encoded === undefined ? '' : JSON.stringify(encoded) }
    }
  }
}

function toBuffer(value: unknown): Buffer {
  if (value === undefined || value === null) return Buffer.alloc(0)
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw new Error('expected a Uint8Array or string for a blob payload')
}
