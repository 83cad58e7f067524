// AWS's common errors, shared by every service (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).
import { AwsError, type AwsErrorOptions } from './aws-error.js'

// Query and XML services answer AccessDenied with 403; the awsJson services' common AccessDeniedException is 400
// (e.g. https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html).
export class AccessDeniedError extends AwsError {
  constructor(message: string, options: AwsErrorOptions = {}) {
    super('AccessDenied', 403, message, { jsonCode: 'AccessDeniedException', jsonStatus: 400, ...options })
  }
}

// EC2's denial: "You are not authorized to perform this operation. Encoded authorization failure message: …", HTTP 403
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html).
export class UnauthorizedOperationError extends AwsError {
  constructor(encodedMessage: string) {
    super('UnauthorizedOperation', 403, `You are not authorized to perform this operation. Encoded authorization failure message: ${encodedMessage}`)
  }
}

export class InternalFailureError extends AwsError {
  constructor(message = 'The request processing has failed because of an unknown error, exception or failure.') {
    super('InternalFailure', 500, message, { jsonCode: 'InternalFailure' })
  }
}

export class NotImplementedError extends AwsError {
  constructor(message: string) {
    super('NotImplemented', 501, message)
  }
}

export class InvalidActionError extends AwsError {
  constructor(message: string) {
    super('InvalidAction', 400, message)
  }
}

export class UnknownOperationError extends AwsError {
  constructor(message = 'Unknown operation') {
    super('UnknownOperationException', 400, message)
  }
}

export class MissingAuthenticationTokenError extends AwsError {
  constructor(message = 'Request is missing Authentication Token') {
    super('MissingAuthenticationToken', 403, message, { jsonCode: 'MissingAuthenticationTokenException' })
  }
}

export class IncompleteSignatureError extends AwsError {
  constructor(message: string) {
    super('IncompleteSignature', 400, message, { jsonCode: 'IncompleteSignatureException' })
  }
}

export class InvalidClientTokenIdError extends AwsError {
  constructor(message = 'The security token included in the request is invalid.') {
    super('InvalidClientTokenId', 403, message, { jsonCode: 'UnrecognizedClientException' })
  }
}

export class SignatureDoesNotMatchError extends AwsError {
  constructor(
    message = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  ) {
    super('SignatureDoesNotMatch', 403, message, { jsonCode: 'InvalidSignatureException' })
  }
}

export class RequestExpiredError extends AwsError {
  constructor(message: string) {
    super('RequestExpired', 400, message, { jsonCode: 'InvalidSignatureException' })
  }
}

export class ExpiredTokenError extends AwsError {
  constructor(message = 'The security token included in the request is expired') {
    super('ExpiredToken', 400, message, { jsonCode: 'ExpiredTokenException' })
  }
}

export class MalformedQueryStringError extends AwsError {
  constructor(message: string) {
    super('MalformedQueryString', 404, message)
  }
}

export class InvalidParameterValueError extends AwsError {
  constructor(message: string) {
    super('InvalidParameterValue', 400, message)
  }
}

export class MissingParameterError extends AwsError {
  constructor(message: string) {
    super('MissingParameter', 400, message)
  }
}

export class SerializationError extends AwsError {
  constructor(message: string) {
    super('SerializationException', 400, message)
  }
}

export class RequestEntityTooLargeError extends AwsError {
  constructor(message = 'Request body is too large') {
    super('RequestEntityTooLarge', 413, message)
  }
}

export class ServiceUnavailableError extends AwsError {
  constructor(message = 'Service is unable to handle request.') {
    super('ServiceUnavailable', 503, message)
  }
}
