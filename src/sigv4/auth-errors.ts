// Authentication errors that core/common-errors.ts does not have: S3's own, EC2's AuthFailure, JSON's 400 variant.
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
import { AwsError, type AwsErrorOptions } from '../core/aws-error.js'

type Fields = Readonly<Record<string, unknown>>

export class InvalidAccessKeyIdError extends AwsError {
  constructor(accessKeyId: string) {
    super('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.', {
      fields: { AWSAccessKeyId: accessKeyId },
    })
  }
}

/** S3's mismatch carries what S3 computed, so a client can see which part of its signing went wrong. */
export class S3SignatureDoesNotMatchError extends AwsError {
  constructor(fields: Fields) {
    super(
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { fields },
    )
  }
}

export class AuthorizationHeaderMalformedError extends AwsError {
  constructor(message: string, fields: Fields = {}) {
    super('AuthorizationHeaderMalformed', 400, message, { fields })
  }
}

export class AuthorizationQueryParametersError extends AwsError {
  constructor(message: string, fields: Fields = {}) {
    super('AuthorizationQueryParametersError', 400, message, { fields })
  }
}

export class RequestTimeTooSkewedError extends AwsError {
  constructor(fields: Fields) {
    super('RequestTimeTooSkewed', 403, 'The difference between the request time and the current time is too large.', {
      fields,
    })
  }
}

export class XAmzContentSha256MismatchError extends AwsError {
  constructor(fields: Fields) {
    super('XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.", {
      fields,
    })
  }
}

export class S3InvalidArgumentError extends AwsError {
  constructor(message: string, fields: Fields = {}) {
    super('InvalidArgument', 400, message, { fields })
  }
}

export class S3InvalidRequestError extends AwsError {
  constructor(message: string) {
    super('InvalidRequest', 400, message)
  }
}

export class S3InvalidTokenError extends AwsError {
  constructor() {
    super('InvalidToken', 400, 'The provided token is malformed or otherwise invalid.')
  }
}

export class S3ExpiredTokenError extends AwsError {
  constructor() {
    super('ExpiredToken', 400, 'The provided token has expired.')
  }
}

export class IncompleteBodyError extends AwsError {
  constructor(message = 'You did not provide the number of bytes specified by the Content-Length HTTP header.') {
    super('IncompleteBody', 400, message)
  }
}

export class MissingContentLengthError extends AwsError {
  constructor() {
    super('MissingContentLength', 411, 'You must provide the Content-Length HTTP header.')
  }
}

export class BadDigestError extends AwsError {
  constructor(algorithm: string) {
    super('BadDigest', 400, `The ${algorithm} you specified did not match the calculated checksum.`)
  }
}

/** EC2 answers every credential or signature problem with one code. */
export class AuthFailureError extends AwsError {
  constructor(message = 'AWS was not able to validate the provided access credentials') {
    super('AuthFailure', 401, message)
  }
}

/** awsJson services answer an unknown key with 400, where query services say InvalidClientTokenId with 403. */
export class UnrecognizedClientError extends AwsError {
  constructor(message = 'The security token included in the request is invalid.', options: AwsErrorOptions = {}) {
    super('UnrecognizedClientException', 400, message, options)
  }
}

/** Both an Authorization header and X-Amz-Algorithm: JSON services answer InvalidSignatureException with 400. */
export class MixedAuthenticationError extends AwsError {
  constructor() {
    super('SignatureDoesNotMatch', 400, "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.", {
      jsonCode: 'InvalidSignatureException',
    })
  }
}
