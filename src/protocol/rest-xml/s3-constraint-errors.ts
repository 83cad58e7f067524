// toS3ConstraintError: a model constraint violation as the error S3 itself returns; S3 has no ValidationException.
import { AwsError } from '../../core/aws-error.js'
import type { StructureShape } from '../../model/types.js'
import type { ConstraintViolation } from '../shared/constraints.js'
import { InvalidArgumentError, MalformedXmlError, MissingRequestBodyError } from './s3-request-errors.js'

/**
 * S3 checks XML bodies against its schema (MalformedXML), reports an absent body as MissingRequestBodyError, and a
 * bad header or query value as InvalidArgument naming it. A few enums have codes of their own
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
 */
export function toS3ConstraintError(violation: ConstraintViolation, input: StructureShape): AwsError {
  const special = ENUM_ERRORS[violation.member]
  if (violation.kind === 'enum' && special) return special()
  const topLevel = !violation.path.includes('.')
  if (topLevel && violation.member === input.payload) {
    return violation.kind === 'required' ? new MissingRequestBodyError() : new MalformedXmlError()
  }
  const ref = input.members[violation.member]
  if (!topLevel || !ref || ref.location === undefined) return new MalformedXmlError()
  const argument = ref.locationName ?? violation.member
  const value = violation.sensitive || violation.value === null || violation.value === undefined ? undefined : String(violation.value)
  const message = violation.kind === 'required' ? `Missing required argument ${argument}` : `Invalid value for ${argument}`
  return new InvalidArgumentError(message, argument, value)
}

const ENUM_ERRORS: Readonly<Record<string, () => AwsError>> = {
  LocationConstraint: () => new AwsError('InvalidLocationConstraint', 400, 'The specified location-constraint is not valid'),
  StorageClass: () => new AwsError('InvalidStorageClass', 400, 'The storage class you specified is not valid'),
}
