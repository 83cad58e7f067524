// checkJsonInput: a decoded JSON-protocol input against the model's constraints → the service's validation error.
import { AwsError } from '../../core/aws-error.js'
import type { ServiceModel } from '../../model/types.js'
import { checkConstraints, formatViolations } from '../shared/constraints.js'

/**
 * Throws the service's validation error, with AWS's "N validation error(s) detected: …" message, when the input
 * breaks a required, enum, length, range or pattern constraint. Most JSON services answer ValidationException
 * (KMS: https://github.com/stelligent/mu/issues/382); the services listed below use a modelled error instead.
 */
export function checkJsonInput(input: Record<string, unknown>, shapeName: string, service: ServiceModel): void {
  const violations = checkConstraints(service, shapeName, input)
  if (violations.length === 0) return
  const code = VALIDATION_ERROR_CODES[service.name] ?? 'ValidationException'
  throw new AwsError(code, 400, formatViolations(violations))
}

// Cognito answers constraint violations with InvalidParameterException
// (https://github.com/boto/boto3/issues/3581, https://github.com/anomalyco/guide/issues/127).
const VALIDATION_ERROR_CODES: Readonly<Record<string, string>> = {
  'cognito-idp': 'InvalidParameterException',
}
