// recordMembers: a decoded input or output as CloudTrail's requestParameters/responseElements — AWS's member names
// with a lower-case first letter, walked along the service model, with every secret left out.
import type { ServiceModel, Shape, ShapeRef } from '../../model/types.js'

/** What AWS puts where a value must not be recorded (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html). */
export const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS'

/**
 * Members whose values are credentials, whatever their shape says (some models leave them unmarked: STS's
 * SessionToken, MFA codes): left out entirely, as AWS leaves passwords and secret keys out of its records.
 */
const SECRET_MEMBERS = new Set([
  'SecretAccessKey', 'SessionToken', 'Password', 'OldPassword', 'NewPassword', 'ServicePassword', 'PrivateKey',
  'AuthenticationCode1', 'AuthenticationCode2', 'TokenCode', 'SAMLAssertion', 'WebIdentityToken', 'Plaintext',
  'Base32StringSeed', 'QRCodePNG', 'SSECustomerKey', 'CopySourceSSECustomerKey', 'SSECustomerKeyMD5',
  'CopySourceSSECustomerKeyMD5', 'KeyStorePassword', 'XksProxyAuthenticationCredential', 'PrivateKeyPlaintext',
  'GrantTokens',
])

/** Members AWS records under another name than the lower-cased member name. */
const RENAMED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  s3: { Bucket: 'bucketName' },
}

/**
 * `value` (a decoded structure of shape `shapeName`) as CloudTrail records it: null when it has no members. Blobs are
 * left out (AWS records no payloads, ciphertexts or plaintexts); other members the model marks `sensitive` (account
 * e-mails and names, notes) become HIDDEN_DUE_TO_SECURITY_REASONS.
 */
export function recordMembers(model: ServiceModel, shapeName: string | undefined, value: unknown): Record<string, unknown> | null {
  if (shapeName === undefined || value === undefined || value === null) return null
  const converted = convert(model, { shape: shapeName }, value, 0, RENAMED[model.name])
  if (converted === undefined || converted === null || typeof converted !== 'object' || Array.isArray(converted)) return null
  return Object.keys(converted).length === 0 ? null : (converted as Record<string, unknown>)
}

/** Deep enough for any AWS shape; guards against a cyclic value. */
const MAX_DEPTH = 32

function convert(model: ServiceModel, ref: ShapeRef, value: unknown, depth: number, renamed?: Readonly<Record<string, string>>): unknown {
  const shape: Shape | undefined = model.shapes[ref.shape]
  if (value === undefined || value === null || depth > MAX_DEPTH) return undefined
  if (!shape) return plain(value)
  if (shape.type === 'blob' || ref.streaming) return undefined
  if (shape.sensitive) return HIDDEN
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object') return undefined
      const out: Record<string, unknown> = {}
      for (const [name, member] of Object.entries(shape.members)) {
        if (SECRET_MEMBERS.has(name)) continue
        const converted = convert(model, member, (value as Record<string, unknown>)[name], depth + 1, renamed)
        if (converted !== undefined) out[(depth === 0 && renamed?.[name]) || lowerFirst(name)] = converted
      }
      return out
    }
    case 'list':
      return Array.isArray(value) ? value.map((item) => convert(model, shape.member, item, depth + 1, renamed) ?? null) : undefined
    case 'map': {
      if (typeof value !== 'object') return undefined
      const out: Record<string, unknown> = {}
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const converted = convert(model, shape.value, item, depth + 1, renamed)
        if (converted !== undefined) out[key] = converted
      }
      return out
    }
    case 'timestamp':
      return value instanceof Date ? recordTime(value) : plain(value)
    default:
      return plain(value)
  }
}

function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return undefined
  if (value instanceof Date) return recordTime(value)
  return typeof value === 'object' ? undefined : value
}

let lastSecond = NaN
let lastText = ''

/** AWS's record times: ISO-8601 UTC to the second (`2024-03-01T12:00:00Z`); calls of one second share the text. */
export function recordTime(date: Date): string {
  const second = Math.floor(date.getTime() / 1000)
  if (second !== lastSecond) {
    lastSecond = second
    lastText = date.toISOString().slice(0, 19) + 'Z'
  }
  return lastText
}

const lowered = new Map<string, string>()

/** Member names are a fixed set: each is lowered once. */
function lowerFirst(name: string): string {
  let out = lowered.get(name)
  if (out === undefined) {
    out = name.charAt(0).toLowerCase() + name.slice(1)
    lowered.set(name, out)
  }
  return out
}
