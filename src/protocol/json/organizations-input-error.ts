// AWS Organizations answers a request that breaks the model's constraints with InvalidInputException and a Reason,
// not the ValidationException most JSON services send.
import { AwsError } from '../../core/aws-error.js'
import type { ConstraintViolation } from '../shared/constraints.js'

/**
 * The Reason and text for the first violation. The reasons and their meanings are the ones AWS lists for
 * InvalidInputException (https://docs.aws.amazon.com/organizations/latest/APIReference/API_InvalidInputException.html);
 * the pattern text is the one the service sends ("You provided a value that does not match the required pattern.").
 */
export function organizationsInputError(violation: ConstraintViolation): AwsError {
  const [reason, message] = reasonOf(violation)
  return new AwsError('InvalidInputException', 400, message, { fields: { Reason: reason } })
}

function reasonOf(violation: ConstraintViolation): readonly [string, string] {
  switch (violation.kind) {
    case 'required':
      return ['INPUT_REQUIRED', 'You must include a value for all required parameters.']
    case 'enum':
      return violation.member === 'PolicyType' || violation.member === 'Filter'
        ? ['INVALID_ENUM_POLICY_TYPE', 'You specified an invalid policy type string.']
        : ['INVALID_ENUM', 'You specified an invalid value.']
    case 'length':
      return isUpperBound(violation)
        ? ['MAX_LENGTH_EXCEEDED', 'You provided a string parameter that is longer than allowed.']
        : ['MIN_LENGTH_EXCEEDED', 'You provided a string parameter that is shorter than allowed.']
    case 'range':
      return isUpperBound(violation)
        ? ['MAX_VALUE_EXCEEDED', 'You provided a numeric parameter that has a larger value than allowed.']
        : ['MIN_VALUE_EXCEEDED', 'You provided a numeric parameter that has a smaller value than allowed.']
    case 'pattern':
      return violation.member === 'TargetId'
        ? ['INVALID_PATTERN_TARGET_ID', "You specified a policy target ID that doesn't match the required pattern."]
        : ['INVALID_PATTERN', 'You provided a value that does not match the required pattern.']
    case 'type':
      return ['INVALID_LIST_MEMBER', 'You provided a list to a parameter that contains at least one invalid value.']
  }
}

function isUpperBound(violation: ConstraintViolation): boolean {
  return violation.constraint.includes('less than or equal')
}
