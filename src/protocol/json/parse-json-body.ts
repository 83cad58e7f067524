// parseJsonBody: the raw body of a JSON-protocol request → its top-level JSON object, or AWS's SerializationException.
import { SerializationError } from '../../core/common-errors.js'

/**
 * Parses the body as a JSON object; an empty (or all-whitespace) body reads as `{}`, as the Smithy JSON protocols
 * require for operations without input. AWS answers an unparsable body with a SerializationException that carries
 * no message, and a top-level array with "Start of list found where not expected".
 */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8')
  if (text.trim() === '') return {}
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch {
    throw new SerializationError('') // JSON.parse also throws RangeError for absurd nesting: same answer
  }
  if (Array.isArray(document)) throw new SerializationError('Start of list found where not expected')
  if (typeof document !== 'object' || document === null) throw new SerializationError('')
  return document as Record<string, unknown>
}
