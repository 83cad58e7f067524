// checkJsonInput: a decoded JSON-protocol input against the model's constraints → the service's validation error.
import { AwsError } from '../../core/aws-error.js'
import type { ServiceModel, StructureShape } from '../../model/types.js'
import { checkConstraints, describeViolation, formatViolations, type ConstraintViolation } from '../shared/constraints.js'
import { organizationsInputError } from './organizations-input-error.js'

/**
 * Throws the service's validation error, with AWS's "N validation error(s) detected: …" message, when the input
 * breaks a required, enum, length, range or pattern constraint. Most JSON services answer ValidationException
 * (KMS: https://github.com/stelligent/mu/issues/382); the services listed below use another modelled error. Where
 * the service models its ValidationException with a `reason` and a list of `{name, message}` fields (Access
 * Analyzer, Inspector2, Artifact), those are filled in too, so the error matches its own model.
 */
export function checkJsonInput(input: Record<string, unknown>, shapeName: string, service: ServiceModel): void {
  const violations = checkConstraints(service, shapeName, input)
  if (violations.length === 0) return
  if (service.name === 'organizations') throw organizationsInputError(violations[0]!)
  const code = VALIDATION_ERROR_CODES[service.name] ?? 'ValidationException'
  const shape = service.shapes[code]
  const fields = shape?.type === 'structure' ? modelledFields(shape, service, violations) : {}
  throw new AwsError(code, 400, formatViolations(violations), { fields })
}

// Cognito answers constraint violations with InvalidParameterException (https://github.com/boto/boto3/issues/3581);
// GuardDuty models no ValidationException, and every one of its operations declares BadRequestException instead.
const VALIDATION_ERROR_CODES: Readonly<Record<string, string>> = {
  'cognito-idp': 'InvalidParameterException',
  guardduty: 'BadRequestException',
}

function modelledFields(shape: StructureShape, service: ServiceModel, violations: readonly ConstraintViolation[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const [name, ref] of Object.entries(shape.members)) {
    const member = service.shapes[ref.shape]
    if (name === 'reason' && member?.type === 'string') {
      const reason = member.enum?.find((value) => /^field_?validation_?failed$/i.test(value))
      if (reason) fields[name] = reason
    } else if (member?.type === 'list') {
      const item = service.shapes[member.member.shape]
      if (item?.type === 'structure' && Object.hasOwn(item.members, 'name') && Object.hasOwn(item.members, 'message')) {
        fields[name] = violations.map((violation) => ({ name: violation.path, message: describeViolation(violation) }))
      }
    }
  }
  return fields
}
