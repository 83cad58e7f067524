// toS3Error: AWS's common errors in the codes and messages S3 itself uses for them
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
import { AwsError } from '../../core/aws-error.js'

interface S3Equivalent {
  readonly code: string
  readonly status: number
  /** Replaces the common error's message, which names the wrong thing for S3. */
  readonly message?: string
}

const S3_EQUIVALENTS: Readonly<Record<string, S3Equivalent>> = {
  InternalFailure: { code: 'InternalError', status: 500, message: 'We encountered an internal error. Please try again.' },
  InvalidClientTokenId: {
    code: 'InvalidAccessKeyId',
    status: 403,
    message: 'The AWS Access Key Id you provided does not exist in our records.',
  },
  // S3 answers an unsigned request it may not serve anonymously with AccessDenied.
  MissingAuthenticationToken: { code: 'AccessDenied', status: 403, message: 'Access Denied' },
  RequestEntityTooLarge: {
    code: 'EntityTooLarge',
    status: 400,
    message: 'Your proposed upload exceeds the maximum allowed object size.',
  },
  UnknownOperationException: {
    code: 'MethodNotAllowed',
    status: 405,
    message: 'The specified method is not allowed against this resource.',
  },
}

/** The error as S3 would report it: common errors translated, S3's own errors unchanged. */
export function toS3Error(error: AwsError): AwsError {
  const equivalent = S3_EQUIVALENTS[error.code]
  if (!equivalent) return error
  return new AwsError(equivalent.code, equivalent.status, equivalent.message ?? error.message, {
    fault: error.fault,
    fields: error.fields,
    headers: error.headers,
  })
}
