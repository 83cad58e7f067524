// The ec2Query codec: EC2's query dialect in (`Filter.1.Name=…`), `<OpResponse><requestId>` XML out.
// https://smithy.io/2.0/aws/protocols/aws-ec2-query-protocol.html
import { AwsError } from '../../core/aws-error.js'
import { InvalidParameterValueError, MissingParameterError } from '../../core/common-errors.js'
import type { HttpRequest, HttpResponse } from '../../core/http.js'
import type { ServiceModel } from '../../model/types.js'
import type { CallInfo, Codec, OperationInput } from '../codec.js'
import { type ConstraintViolation, checkConstraints } from '../shared/constraints.js'
import { decodeQueryInput, ec2QueryDialect } from '../query/decode-query-input.js'
import { readQueryParams } from '../query/read-query-params.js'
import { writeXmlMembers } from '../query/write-query-xml.js'
import { XmlWriter } from '../xml/xml-writer.js'

export const ec2Codec: Codec & { unknownOperation(request: HttpRequest, service: ServiceModel): AwsError } = {
  protocol: 'ec2',

  // EC2 still accepts requests that name an older API version, so Version does not take part in matching.
  matchOperation(request, service) {
    const action = readQueryParams(request).get('Action')
    return action !== undefined && Object.hasOwn(service.operations, action) ? service.operations[action] : undefined
  },

  unknownOperation(request) {
    const action = readQueryParams(request).get('Action')
    if (action === undefined || action === '') return new AwsError('MissingAction', 400, 'The request must contain the parameter Action')
    return new AwsError('InvalidAction', 400, `The action ${action} is not valid for this web service.`)
  },

  parseRequest(request, operation, service): OperationInput {
    if (!operation.input) return {}
    const input = decodeQueryInput(readQueryParams(request), operation.input.shape, service, ec2QueryDialect)
    const violations = checkConstraints(service, operation.input.shape, input)
    // EC2 reports one problem at a time, in its own codes rather than ValidationError.
    if (violations.length > 0) throw ec2Error(violations[0]!)
    return input
  },

  serializeOutput(output, operation, service, call) {
    const writer = new XmlWriter().start(`${operation.name}Response`, { xmlns: namespace(service) })
    writer.element('requestId', call.requestId)
    const shape = operation.output ? service.shapes[operation.output.shape] : undefined
    if (shape?.type === 'structure') writeXmlMembers(writer, output, shape, service)
    writer.end()
    return xmlResponse(200, writer.toString(), call)
  },

  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html#api-error-response
  serializeError(error, _service, call) {
    const writer = new XmlWriter().start('Response').start('Errors').start('Error')
    writer.element('Code', error.code).element('Message', error.message)
    writer.end().end().element('RequestID', call.requestId).end()
    const response = xmlResponse(error.status, writer.toString(), call)
    Object.assign(response.headers, error.headers)
    return response
  },
}

/** EC2's wording (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html#CommonErrors). */
function ec2Error(violation: ConstraintViolation): AwsError {
  const parameter = ec2ParameterName(violation)
  if (violation.kind === 'required') return new MissingParameterError(`The request must contain the parameter ${parameter}`)
  const shown = violation.sensitive ? '' : ` (${String(violation.value)})`
  return new InvalidParameterValueError(`Value${shown} for parameter ${parameter} is invalid. ${violation.constraint}`)
}

function ec2ParameterName(violation: ConstraintViolation): string {
  return ec2QueryDialect.memberKey(violation.member, violation.ref)
}

// The model spells the namespace without the trailing slash that EC2's responses carry.
function namespace(service: ServiceModel): string | undefined {
  const uri = service.metadata.xmlNamespace
  return uri === undefined || uri.endsWith('/') ? uri : `${uri}/`
}

function xmlResponse(status: number, body: string, call: CallInfo): HttpResponse {
  return { status, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': call.requestId }, body }
}
