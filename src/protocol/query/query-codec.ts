// The awsQuery codec (IAM, STS): form-encoded `Action=…&Version=…` requests, `<OpResponse>` XML responses.
// https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
import { AwsError } from '../../core/aws-error.js'
import type { HttpRequest, HttpResponse } from '../../core/http.js'
import type { OperationModel, ServiceModel } from '../../model/types.js'
import type { CallInfo, Codec, OperationInput } from '../codec.js'
import { checkConstraints } from '../shared/constraints.js'
import { XmlWriter } from '../xml/xml-writer.js'
import { awsQueryDialect, decodeQueryInput } from './decode-query-input.js'
import { readQueryParams } from './read-query-params.js'
import { ValidationError } from './validation-error.js'
import { writeXmlMembers } from './write-query-xml.js'

export const queryCodec: Codec & { unknownOperation(request: HttpRequest, service: ServiceModel): AwsError } = {
  protocol: 'query',

  matchOperation(request, service) {
    const params = readQueryParams(request)
    const action = params.get('Action')
    const version = params.get('Version')
    if (action === undefined || !Object.hasOwn(service.operations, action)) return undefined
    if (version !== undefined && version !== service.metadata.apiVersion) return undefined
    return service.operations[action]
  },

  /** What AWS answers when Action names no operation of the service (or of the requested Version). */
  unknownOperation(request, service) {
    const params = readQueryParams(request)
    const action = params.get('Action')
    if (action === undefined || action === '') return new AwsError('MissingAction', 400, 'Missing Action')
    return new AwsError('InvalidAction', 400, `Could not find operation ${action} for version ${params.get('Version') ?? service.metadata.apiVersion}`)
  },

  parseRequest(request, operation, service): OperationInput {
    if (!operation.input) return {}
    const input = decodeQueryInput(readQueryParams(request), operation.input.shape, service, awsQueryDialect)
    const violations = checkConstraints(service, operation.input.shape, input)
    if (violations.length > 0) throw ValidationError.of(violations)
    return input
  },

  serializeOutput(output, operation, service, call) {
    const writer = new XmlWriter().start(`${operation.name}Response`, { xmlns: service.metadata.xmlNamespace })
    writeResult(writer, output, operation, service)
    writer.start('ResponseMetadata').element('RequestId', call.requestId).end().end()
    return xmlResponse(200, writer.toString(), call)
  },

  serializeError(error, service, call) {
    const writer = new XmlWriter().start('ErrorResponse', { xmlns: service?.metadata.xmlNamespace })
    writer.start('Error')
    writer.element('Type', error.fault === 'server' ? 'Receiver' : 'Sender')
    writer.element('Code', error.code)
    writer.element('Message', error.message)
    for (const [name, value] of Object.entries(error.fields)) {
      if (value !== undefined && value !== null && name !== 'Code' && name !== 'Message' && name !== 'Type') writer.element(name, String(value))
    }
    writer.end()
    writer.element('RequestId', call.requestId)
    writer.end()
    const response = xmlResponse(error.status, writer.toString(), call)
    Object.assign(response.headers, error.headers)
    return response
  },
}

// Operations without a modelled output still answer `<OpResponse><ResponseMetadata>…`; with one, the members sit
// inside the model's resultWrapper (`<CreateUserResult>`).
function writeResult(writer: XmlWriter, output: unknown, operation: OperationModel, service: ServiceModel): void {
  if (!operation.output) return
  const shape = service.shapes[operation.output.shape]
  if (shape?.type !== 'structure') return
  if (operation.output.resultWrapper) writer.start(operation.output.resultWrapper)
  writeXmlMembers(writer, output, shape, service)
  if (operation.output.resultWrapper) writer.end()
}

function xmlResponse(status: number, body: string, call: CallInfo): HttpResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': call.requestId }, body }
}
