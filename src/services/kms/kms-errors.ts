// KMS errors the model does not declare per operation, and AWS's message texts for key-state errors.
import { AwsError } from '../../core/aws-error.js'
import { DisabledException, KMSInvalidStateException } from '../../generated/kms/errors.js'

/** KMS answers rule breaks the model cannot express with ValidationException (https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html). */
export class ValidationException extends AwsError {
  constructor(message: string) {
    super('ValidationException', 400, message)
  }
}

/** The error a key in `state` raises for an operation that needs an enabled key. */
export function keyStateError(keyArn: string, state: string): AwsError {
  if (state === 'Disabled') return new DisabledException(`${keyArn} is disabled.`)
  if (state === 'PendingDeletion') return new KMSInvalidStateException(`${keyArn} is pending deletion.`)
  return new KMSInvalidStateException(`${keyArn} is ${state}.`)
}
