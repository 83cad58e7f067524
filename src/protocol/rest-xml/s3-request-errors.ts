// S3's own errors for requests it cannot decode; S3 has no generic ValidationException
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
import { AwsError } from '../../core/aws-error.js'

export class MalformedXmlError extends AwsError {
  constructor() {
    super('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema')
  }
}

/** S3 names the offending argument in `ArgumentName` and `ArgumentValue` elements beside the message. */
export class InvalidArgumentError extends AwsError {
  constructor(message: string, argumentName: string, argumentValue?: string) {
    super('InvalidArgument', 400, message, {
      fields: argumentValue === undefined
        ? { ArgumentName: argumentName }
        : { ArgumentName: argumentName, ArgumentValue: argumentValue },
    })
  }
}

/**
 * InvalidArgument for a header or query value that does not parse as its type. S3 words a few of these its own way:
 * a non-numeric `max-keys` is "Argument maxKeys must be an integer between 0 and 2147483647", named `maxKeys`
 * (as measured against S3 by the Ceph s3-tests suite).
 */
export function invalidS3Argument(wireName: string, text: string): InvalidArgumentError {
  const known = KNOWN_ARGUMENTS[wireName]
  if (known) return new InvalidArgumentError(known.message, known.name, text)
  return new InvalidArgumentError(`Invalid value for ${wireName}`, wireName, text)
}

const KNOWN_ARGUMENTS: Readonly<Record<string, { readonly name: string; readonly message: string }>> = {
  'max-keys': { name: 'maxKeys', message: 'Argument maxKeys must be an integer between 0 and 2147483647' },
}

export class MissingRequestBodyError extends AwsError {
  constructor() {
    super('MissingRequestBodyError', 400, 'Request Body is empty')
  }
}

export class KeyTooLongError extends AwsError {
  constructor(size: number, maxSizeAllowed: number) {
    super('KeyTooLongError', 400, 'Your key is too long', { fields: { Size: size, MaxSizeAllowed: maxSizeAllowed } })
  }
}

export class InvalidBucketNameError extends AwsError {
  constructor(bucketName: string) {
    super('InvalidBucketName', 400, 'The specified bucket is not valid.', { fields: { BucketName: bucketName } })
  }
}

export class InvalidUriError extends AwsError {
  constructor() {
    super('InvalidURI', 400, "Couldn't parse the specified URI.")
  }
}

export class MethodNotAllowedError extends AwsError {
  constructor(method: string, resourceType: string) {
    super('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', {
      fields: { Method: method, ResourceType: resourceType },
    })
  }
}
