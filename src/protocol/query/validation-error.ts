// ValidationError: how query services (IAM, STS) reject input that breaks the model's constraints.
import { AwsError } from '../../core/aws-error.js'
import type { ConstraintViolation } from '../shared/constraints.js'
import { formatViolations } from '../shared/constraints.js'

/** `ValidationError`, 400, with AWS's "N validation error(s) detected: …" message. */
export class ValidationError extends AwsError {
  constructor(message: string) {
    super('ValidationError', 400, message, { jsonCode: 'ValidationException' })
  }

  static of(violations: readonly ConstraintViolation[]): ValidationError {
    return new ValidationError(formatViolations(violations))
  }
}
