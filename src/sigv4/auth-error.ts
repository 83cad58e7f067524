// authError: one authentication failure, said the way the service's protocol family says it.
// Query/XML services (IAM, STS) and JSON services (KMS) share wording but differ in codes; S3 and EC2 have
// their own codes and texts. https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
import type { AwsError } from '../core/aws-error.js'
import {
  AccessDeniedError,
  ExpiredTokenError,
  IncompleteSignatureError,
  InvalidClientTokenIdError,
  MissingAuthenticationTokenError,
  RequestExpiredError,
  SignatureDoesNotMatchError,
} from '../core/common-errors.js'
import { formatAmzDate } from './amz-date.js'
import {
  AuthFailureError,
  AuthorizationHeaderMalformedError,
  AuthorizationQueryParametersError,
  BadDigestError,
  IncompleteBodyError,
  InvalidAccessKeyIdError,
  MissingContentLengthError,
  MixedAuthenticationError,
  RequestTimeTooSkewedError,
  S3ExpiredTokenError,
  S3InvalidArgumentError,
  S3InvalidRequestError,
  S3InvalidTokenError,
  S3SignatureDoesNotMatchError,
  UnrecognizedClientError,
  XAmzContentSha256MismatchError,
} from './auth-errors.js'

/**
 * Which family of error codes to answer with: the service's protocol, or `s3` for S3 (whose protocol is
 * rest-xml but whose auth errors are its own). The pipeline passes `signingName === 's3' ? 's3' : protocol`.
 */
export type AuthErrorFamily = 'query' | 'ec2' | 'json' | 'rest-json' | 'rest-xml' | 's3'

export type SignatureForm = 'header' | 'query'

/** Allowed clock difference between client and server; also the presigned "not yet valid" margin. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000

export type AuthFailure =
  /** No Authorization header and no X-Amz-Algorithm parameter, where the operation needs a signature. */
  | { readonly kind: 'MissingAuthentication' }
  /** Both an Authorization header and presigned query parameters. */
  | { readonly kind: 'MixedAuthentication'; readonly authorization: string }
  /** A malformed signature: `message` is the query/JSON text, `s3Message` S3's (without its prefix). */
  | { readonly kind: 'Malformed'; readonly form: SignatureForm; readonly message: string; readonly s3Message: string }
  | { readonly kind: 'UnsupportedAlgorithm'; readonly form: SignatureForm; readonly algorithm: string }
  /** Signature Version 2 query parameters (AWSAccessKeyId, Signature), which Palisade does not accept. */
  | { readonly kind: 'SignatureVersion2' }
  /** No X-Amz-Date (or Date), or one that is not a timestamp; `message` is the query/JSON text. */
  | { readonly kind: 'InvalidDate'; readonly form: SignatureForm; readonly message: string }
  /** The pipeline found no such access key. */
  | { readonly kind: 'UnknownAccessKey'; readonly accessKeyId: string }
  /** The pipeline does not recognise the session token, or the key needs one and none was sent. */
  | { readonly kind: 'InvalidSessionToken' }
  | { readonly kind: 'ExpiredSessionToken' }
  | { readonly kind: 'HostNotSigned'; readonly form: SignatureForm }
  /** S3: x-amz-* headers sent but left out of SignedHeaders. */
  | { readonly kind: 'HeadersNotSigned'; readonly headers: readonly string[] }
  | {
      readonly kind: 'WrongScope'
      readonly form: SignatureForm
      readonly problems: readonly ScopeProblem[]
    }
  | {
      readonly kind: 'TimeSkew'
      readonly form: SignatureForm
      readonly timestamp: string
      readonly requestTime: Date
      readonly now: Date
    }
  | { readonly kind: 'PresignedExpired'; readonly requestTime: Date; readonly expiresSeconds: number; readonly now: Date }
  | {
      readonly kind: 'SignatureMismatch'
      readonly accessKeyId: string
      readonly signatureProvided: string
      readonly stringToSign: string
      readonly canonicalRequest: string
    }
  | { readonly kind: 'PayloadHashMismatch'; readonly provided: string; readonly computed: string }
  | { readonly kind: 'InvalidPayloadHash'; readonly provided: string }
  | { readonly kind: 'MissingPayloadHash' }
  | { readonly kind: 'MissingDecodedLength' }
  | { readonly kind: 'MalformedChunkedBody'; readonly message: string }
  | { readonly kind: 'ChunkSignatureMismatch'; readonly accessKeyId: string; readonly signatureProvided: string; readonly stringToSign: string }
  | { readonly kind: 'TrailerChecksumMismatch'; readonly algorithm: string }

export type ScopeProblem =
  | { readonly kind: 'region'; readonly provided: string; readonly expected: string }
  | { readonly kind: 'service'; readonly provided: string; readonly expected: string }
  | { readonly kind: 'terminator'; readonly provided: string }
  | { readonly kind: 'date'; readonly provided: string; readonly expected: string; readonly timestamp: string }

export function authError(failure: AuthFailure, family: AuthErrorFamily): AwsError {
  if (family === 's3') return s3Error(failure)
  const error = queryOrJsonError(failure, family === 'json' || family === 'rest-json')
  if (family !== 'ec2') return error
  // EC2 folds credential and signature failures into AuthFailure and keeps the rest.
  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html#CommonErrors
  if (failure.kind === 'TimeSkew' || failure.kind === 'ExpiredSessionToken') return new RequestExpiredError('Request has expired.')
  if (error.code === 'SignatureDoesNotMatch' || error.code === 'InvalidClientTokenId') return new AuthFailureError()
  return error
}

function queryOrJsonError(failure: AuthFailure, json: boolean): AwsError {
  switch (failure.kind) {
    case 'MissingAuthentication':
      return json ? new MissingAuthenticationTokenError('Missing Authentication Token') : new MissingAuthenticationTokenError()
    case 'MixedAuthentication':
      return new MixedAuthenticationError()
    case 'Malformed':
      return new IncompleteSignatureError(failure.message)
    case 'UnsupportedAlgorithm':
      return new IncompleteSignatureError(`Unsupported AWS 'algorithm': '${failure.algorithm}'.`)
    case 'InvalidDate':
      return new IncompleteSignatureError(failure.message)
    case 'SignatureVersion2':
      // Our wording: these services still accept Signature Version 2 on AWS, so AWS has no text for refusing it.
      return new IncompleteSignatureError('Signature Version 2 is not supported; sign the request with AWS4-HMAC-SHA256.')
    case 'UnknownAccessKey':
    case 'InvalidSessionToken':
      return json ? new UnrecognizedClientError() : new InvalidClientTokenIdError()
    case 'ExpiredSessionToken':
      return new ExpiredTokenError()
    case 'HostNotSigned':
      return new SignatureDoesNotMatchError("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    case 'HeadersNotSigned':
      return new SignatureDoesNotMatchError()
    case 'WrongScope':
      return new SignatureDoesNotMatchError(failure.problems.map(scopeProblemText).join(' '))
    case 'TimeSkew':
      return new SignatureDoesNotMatchError(skewText(failure.timestamp, failure.requestTime, failure.now))
    case 'PresignedExpired':
      return new RequestExpiredError('Request has expired.')
    case 'SignatureMismatch':
    case 'PayloadHashMismatch':
    case 'ChunkSignatureMismatch':
      return new SignatureDoesNotMatchError()
    case 'InvalidPayloadHash':
    case 'MissingPayloadHash':
    case 'MissingDecodedLength':
    case 'MalformedChunkedBody':
    case 'TrailerChecksumMismatch':
      // Only S3 accepts streaming or declared payload hashes; elsewhere the body simply fails to match.
      return new SignatureDoesNotMatchError()
  }
}

// S3's texts: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html and ErrorResponses.html.
function s3Error(failure: AuthFailure): AwsError {
  switch (failure.kind) {
    case 'MissingAuthentication':
      return new AccessDeniedError('Access Denied')
    case 'MixedAuthentication':
      return new S3InvalidArgumentError(
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
        { ArgumentName: 'Authorization', ArgumentValue: failure.authorization },
      )
    case 'Malformed':
      return failure.form === 'header'
        ? new AuthorizationHeaderMalformedError(`The authorization header is malformed; ${failure.s3Message}`)
        : new AuthorizationQueryParametersError(failure.s3Message)
    case 'UnsupportedAlgorithm':
      return failure.form === 'header'
        ? new S3InvalidRequestError('The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.')
        : new AuthorizationQueryParametersError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"')
    case 'SignatureVersion2':
      return new S3InvalidRequestError('The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.')
    case 'InvalidDate':
      return failure.form === 'header'
        ? new AccessDeniedError('AWS authentication requires a valid Date or x-amz-date header')
        : new AuthorizationQueryParametersError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`)
    case 'UnknownAccessKey':
      return new InvalidAccessKeyIdError(failure.accessKeyId)
    case 'InvalidSessionToken':
      return new S3InvalidTokenError()
    case 'ExpiredSessionToken':
      return new S3ExpiredTokenError()
    case 'HostNotSigned':
      return failure.form === 'header'
        ? new AuthorizationHeaderMalformedError("The authorization header is malformed; 'Host' must be a 'SignedHeader' in the AWS Authorization.")
        : new AuthorizationQueryParametersError("'Host' must be a 'SignedHeader' in the AWS Authorization.")
    case 'HeadersNotSigned':
      return new AccessDeniedError('There were headers present in the request which were not signed', {
        fields: { HeadersNotSigned: failure.headers.join(', ') },
      })
    case 'WrongScope':
      return s3ScopeError(failure.form, failure.problems[0]!)
    case 'TimeSkew':
      if (failure.form === 'query') return new AccessDeniedError('Request is not valid yet')
      return new RequestTimeTooSkewedError({
        RequestTime: failure.timestamp,
        ServerTime: isoSeconds(failure.now),
        MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
      })
    case 'PresignedExpired':
      return new AccessDeniedError('Request has expired', {
        fields: {
          'X-Amz-Expires': String(failure.expiresSeconds),
          Expires: isoSeconds(new Date(failure.requestTime.getTime() + failure.expiresSeconds * 1000)),
          ServerTime: isoSeconds(failure.now),
        },
      })
    case 'SignatureMismatch':
      return new S3SignatureDoesNotMatchError({
        AWSAccessKeyId: failure.accessKeyId,
        StringToSign: failure.stringToSign,
        SignatureProvided: failure.signatureProvided,
        StringToSignBytes: hexBytes(failure.stringToSign),
        CanonicalRequest: failure.canonicalRequest,
        CanonicalRequestBytes: hexBytes(failure.canonicalRequest),
      })
    case 'ChunkSignatureMismatch':
      return new S3SignatureDoesNotMatchError({
        AWSAccessKeyId: failure.accessKeyId,
        StringToSign: failure.stringToSign,
        SignatureProvided: failure.signatureProvided,
        StringToSignBytes: hexBytes(failure.stringToSign),
      })
    case 'PayloadHashMismatch':
      return new XAmzContentSha256MismatchError({
        ClientComputedContentSHA256: failure.provided,
        S3ComputedContentSHA256: failure.computed,
      })
    case 'InvalidPayloadHash':
      return new S3InvalidArgumentError(
        'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
        { ArgumentName: 'x-amz-content-sha256', ArgumentValue: failure.provided },
      )
    case 'MissingPayloadHash':
      return new S3InvalidRequestError('Missing required header for this request: x-amz-content-sha256')
    case 'MissingDecodedLength':
      return new MissingContentLengthError()
    case 'MalformedChunkedBody':
      return new IncompleteBodyError(failure.message)
    case 'TrailerChecksumMismatch':
      return new BadDigestError(failure.algorithm)
  }
}

function s3ScopeError(form: SignatureForm, problem: ScopeProblem): AwsError {
  const detail = s3ScopeText(problem)
  const fields = problem.kind === 'region' ? { Region: problem.expected } : {}
  return form === 'header'
    ? new AuthorizationHeaderMalformedError(`The authorization header is malformed; ${detail}`, fields)
    : new AuthorizationQueryParametersError(`Error parsing the X-Amz-Credential parameter; ${detail}`, fields)
}

function s3ScopeText(problem: ScopeProblem): string {
  switch (problem.kind) {
    case 'region':
      return `the region '${problem.provided}' is wrong; expecting '${problem.expected}'`
    case 'service':
      return `incorrect service "${problem.provided}". This endpoint belongs to "${problem.expected}".`
    case 'terminator':
      return `incorrect terminal "${problem.provided}". This endpoint uses "aws4_request".`
    case 'date':
      return `Invalid credential date "${problem.provided}". This date is not the same as X-Amz-Date: "${problem.expected}".`
  }
}

function scopeProblemText(problem: ScopeProblem): string {
  switch (problem.kind) {
    case 'region':
      return 'Credential should be scoped to a valid region.'
    case 'service':
      return `Credential should be scoped to correct service: '${problem.expected}'.`
    case 'terminator':
      return `Credential should be scoped with a valid terminator: 'aws4_request', not '${problem.provided}'.`
    case 'date':
      return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${problem.provided}' != '${problem.expected}', from '${problem.timestamp}'.`
  }
}

// "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T125600Z - 15 min.)"
function skewText(timestamp: string, requestTime: Date, now: Date): string {
  const minutes = MAX_CLOCK_SKEW_MS / 60_000
  if (requestTime.getTime() < now.getTime()) {
    const earliest = formatAmzDate(new Date(now.getTime() - MAX_CLOCK_SKEW_MS))
    return `Signature expired: ${timestamp} is now earlier than ${earliest} (${formatAmzDate(now)} - ${minutes} min.)`
  }
  const latest = formatAmzDate(new Date(now.getTime() + MAX_CLOCK_SKEW_MS))
  return `Signature not yet current: ${timestamp} is still later than ${latest} (${formatAmzDate(now)} + ${minutes} min.)`
}

function isoSeconds(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function hexBytes(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => byte.toString(16).padStart(2, '0')).join(' ')
}
