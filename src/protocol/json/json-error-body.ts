// jsonErrorBody: an AwsError → the JSON object both JSON protocols put in an error response body.
import type { AwsError } from '../../core/aws-error.js'
import type { ServiceModel, StructureShape } from '../../model/types.js'
import { writeJsonValue } from './write-json-value.js'

/**
 * `{ "__type": code, "message": text, ...fields }` for awsJson (rest-json leaves `__type` out: its code travels in the
 * X-Amzn-ErrorType header). The message key follows the service's own error shape, since services differ (KMS
 * models `message`, Organizations `Message`); the SDKs read either. An empty message is left out, as AWS does for a
 * SerializationException from an unparsable body.
 */
export function jsonErrorBody(error: AwsError, service: ServiceModel | undefined, withType: boolean): Record<string, unknown> {
  const shape = service ? errorShape(error, service) : undefined
  const body: Record<string, unknown> = withType ? { __type: error.jsonCode } : {}
  if (error.message !== '') body[messageKey(error, shape)] = error.message
  for (const [name, value] of Object.entries(error.fields)) {
    const member = shape?.members[name]
    if (member?.location) continue // header-bound members go in headers (see errorHeaders)
    const encoded = member && service ? writeJsonValue(value, member, service) : value
    if (encoded !== undefined) body[member?.locationName ?? name] = encoded
  }
  return body
}

/** The error's modelled shape: named after its code, or carrying that code in its `error` trait. */
export function errorShape(error: AwsError, service: ServiceModel): StructureShape | undefined {
  for (const name of [error.jsonCode, error.code]) {
    const shape = Object.hasOwn(service.shapes, name) ? service.shapes[name] : undefined
    if (shape?.type === 'structure') return shape
  }
  for (const shape of Object.values(service.shapes)) {
    if (shape.type === 'structure' && shape.exception && (shape.error?.code === error.code || shape.error?.code === error.jsonCode)) return shape
  }
  return undefined
}

// The wire key is the member's locationName when it has one: GuardDuty models `Message` sent as `message`.
function messageKey(error: AwsError, shape: StructureShape | undefined): string {
  for (const name of ['message', 'Message']) {
    const member = shape && Object.hasOwn(shape.members, name) ? shape.members[name] : undefined
    if (member) return member.locationName ?? name
  }
  // AWS's JSON services write the framework's SerializationException with a capitalized `Message`.
  return error.code === 'SerializationException' ? 'Message' : 'message'
}
