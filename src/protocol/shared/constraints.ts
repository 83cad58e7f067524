// Model constraint checking for decoded operation input: required, type, enum, length, range and pattern, in AWS's wording.
import type { ServiceModel, Shape, ShapeRef } from '../../model/types.js'

export type ViolationKind = 'required' | 'type' | 'enum' | 'length' | 'range' | 'pattern'

export interface ConstraintViolation {
  readonly kind: ViolationKind
  /** AWS's member path: camelCase member names, list items as `.N.member` (1-based), e.g. `tags.1.member.key`. */
  readonly path: string
  /** The member name as the model spells it (the last structure member on the path), e.g. `Key`. */
  readonly member: string
  /** The reference the value sits behind (EC2 uses its queryName/locationName for its own messages). */
  readonly ref: ShapeRef
  readonly value: unknown
  /** AWS's text after "failed to satisfy constraint: ", e.g. `Member must have length less than or equal to 64`. */
  readonly constraint: string
  /** Sensitive values are never echoed back. */
  readonly sensitive: boolean
}

/**
 * Checks `input` against the structure `shapeName` of `model` and returns every violation, in member order.
 * Members the model does not know are ignored (codecs drop them while decoding).
 */
export function checkConstraints(model: ServiceModel, shapeName: string, input: Record<string, unknown>): ConstraintViolation[] {
  const violations: ConstraintViolation[] = []
  const shape = model.shapes[shapeName]
  if (shape?.type === 'structure') checkStructure(model, shape, input, '', violations)
  return violations
}

/**
 * AWS's message for a set of violations (query and JSON services alike):
 * `1 validation error detected: Value 'x' at 'userName' failed to satisfy constraint: Member must …` and
 * `2 validation errors detected: …; …`.
 */
export function formatViolations(violations: readonly ConstraintViolation[]): string {
  const count = violations.length
  const head = `${count} validation error${count === 1 ? '' : 's'} detected: `
  return head + violations.map(describeViolation).join('; ')
}

/** One violation in AWS's words: `Value 'x' at 'path' failed to satisfy constraint: …`. */
export function describeViolation(violation: ConstraintViolation): string {
  return `${describeValue(violation)} at '${violation.path}' failed to satisfy constraint: ${violation.constraint}`
}

/** AWS's rendering of a value in messages: `Value 'x'`, `Value null`, and plain `Value` for sensitive ones. */
function describeValue(violation: ConstraintViolation): string {
  if (violation.value === undefined || violation.value === null) return 'Value null'
  if (violation.sensitive) return 'Value'
  return `Value '${renderValue(violation.value)}'`
}

// Java's toString forms, as AWS's validators print them: lists [a, b], maps {k=v}.
function renderValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Uint8Array) return `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${k}=${renderValue(v)}`).join(', ')}}`
  }
  return String(value)
}

function checkStructure(
  model: ServiceModel,
  shape: Extract<Shape, { type: 'structure' }>,
  value: Record<string, unknown>,
  prefix: string,
  out: ConstraintViolation[],
): void {
  for (const { member, ref, pathSegment, required } of checkedMembers(shape)) {
    const memberValue = Object.hasOwn(value, member) ? value[member] : undefined
    if (memberValue === undefined || memberValue === null) {
      if (required) {
        out.push({ kind: 'required', path: prefix + pathSegment, member, ref, value: null, constraint: 'Member must not be null', sensitive: false })
      }
      continue
    }
    checkValue(model, ref, memberValue, prefix + pathSegment, member, out)
  }
}

/** A structure member as the checks walk it. */
interface CheckedMember {
  readonly member: string
  readonly ref: ShapeRef
  /** The member's name in AWS's violation paths (see pathName). */
  readonly pathSegment: string
  readonly required: boolean
}

// Every request's input is checked: the member list of each structure is worked out once, not per call (entries,
// a Set of required names, a path string for every member, present or not).
const checkedMembersOf = new WeakMap<Extract<Shape, { type: 'structure' }>, readonly CheckedMember[]>()

function checkedMembers(shape: Extract<Shape, { type: 'structure' }>): readonly CheckedMember[] {
  let members = checkedMembersOf.get(shape)
  if (members !== undefined) return members
  const required = new Set(shape.required ?? [])
  members = Object.entries(shape.members)
    // Members bound to the HTTP status code are never part of a request.
    .filter(([, ref]) => ref.location !== 'statusCode')
    .map(([member, ref]) => ({ member, ref, pathSegment: pathName(member), required: required.has(member) }))
  checkedMembersOf.set(shape, members)
  return members
}

function checkValue(model: ServiceModel, ref: ShapeRef, value: unknown, path: string, member: string, out: ConstraintViolation[]): void {
  const shape = model.shapes[ref.shape]
  if (!shape) return
  const sensitive = shape.sensitive === true
  const push = (kind: ViolationKind, constraint: string): void => {
    out.push({ kind, path, member, ref, value, constraint, sensitive })
  }
  const typeError = typeMismatch(shape, value)
  if (typeError) {
    push('type', typeError)
    return
  }
  switch (shape.type) {
    case 'structure':
      checkStructure(model, shape, value as Record<string, unknown>, `${path}.`, out)
      return
    case 'list': {
      const items = value as unknown[]
      checkLength(shape, items.length, push)
      items.forEach((item, index) => {
        const itemPath = `${path}.${index + 1}.member`
        if (item === undefined || item === null) return
        checkValue(model, shape.member, item, itemPath, member, out)
      })
      return
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>)
      checkLength(shape, entries.length, push)
      const keyRules = new Set<string>()
      const valueRules = new Set<string>()
      for (const [key, item] of entries) {
        for (const rule of scalarRules(model, shape.key, key)) keyRules.add(rule)
        if (item === undefined || item === null) continue
        const itemShape = model.shapes[shape.value.shape]
        if (itemShape && (itemShape.type === 'structure' || itemShape.type === 'list' || itemShape.type === 'map')) {
          checkValue(model, shape.value, item, `${path}.${key}`, member, out)
        } else {
          for (const rule of scalarRules(model, shape.value, item)) valueRules.add(rule)
        }
      }
      // https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html returns e.g.
      // "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: …]".
      if (keyRules.size > 0) push('pattern', `Map keys must satisfy constraint: [${[...keyRules].join(', ')}]`)
      if (valueRules.size > 0) push('pattern', `Map value must satisfy constraint: [${[...valueRules].join(', ')}]`)
      return
    }
    default:
      for (const [kind, rule] of scalarViolations(shape, value)) push(kind, rule)
  }
}

function scalarRules(model: ServiceModel, ref: ShapeRef, value: unknown): string[] {
  const shape = model.shapes[ref.shape]
  if (!shape) return []
  const typeError = typeMismatch(shape, value)
  if (typeError) return [typeError]
  return scalarViolations(shape, value).map(([, rule]) => rule)
}

function scalarViolations(shape: Shape, value: unknown): [ViolationKind, string][] {
  const found: [ViolationKind, string][] = []
  const push = (kind: ViolationKind, rule: string): void => {
    found.push([kind, rule])
  }
  switch (shape.type) {
    case 'string': {
      const text = value as string
      if (shape.enum && shape.enum.length > 0 && !shape.enum.includes(text)) {
        push('enum', `Member must satisfy enum value set: [${shape.enum.join(', ')}]`)
      }
      checkLength(shape, text.length, push)
      if (shape.pattern !== undefined) {
        const regex = compilePattern(shape.pattern)
        if (regex && !regex.test(text)) push('pattern', `Member must satisfy regular expression pattern: ${shape.pattern}`)
      }
      break
    }
    case 'blob':
      checkLength(shape, (value as Uint8Array).length, push)
      break
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'bigdecimal': {
      const number = value as number
      if (shape.max !== undefined && number > shape.max) push('range', `Member must have value less than or equal to ${shape.max}`)
      if (shape.min !== undefined && number < shape.min) push('range', `Member must have value greater than or equal to ${shape.min}`)
      break
    }
    default:
      break
  }
  return found
}

function checkLength(
  shape: { readonly min?: number; readonly max?: number },
  length: number,
  push: (kind: ViolationKind, rule: string) => void,
): void {
  if (shape.max !== undefined && length > shape.max) push('length', `Member must have length less than or equal to ${shape.max}`)
  if (shape.min !== undefined && length < shape.min) push('length', `Member must have length greater than or equal to ${shape.min}`)
}

/** Undefined when `value` has the JavaScript type the codecs decode `shape` into; otherwise a description. */
function typeMismatch(shape: Shape, value: unknown): string | undefined {
  const ok = (() => {
    switch (shape.type) {
      case 'structure':
      case 'map':
        return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array)
      case 'list':
        return Array.isArray(value)
      case 'string':
        return typeof value === 'string'
      case 'boolean':
        return typeof value === 'boolean'
      case 'timestamp':
        return value instanceof Date && !Number.isNaN(value.getTime())
      case 'blob':
        return value instanceof Uint8Array
      case 'integer':
      case 'long':
        return typeof value === 'number' && Number.isInteger(value)
      case 'float':
      case 'double':
      case 'bigdecimal':
        return typeof value === 'number'
    }
  })()
  return ok ? undefined : `Member must be of type ${shape.type}`
}

/** `UserName` → `userName`, `SSHPublicKeyId` → `sSHPublicKeyId`: AWS lower-cases only the first letter. */
function pathName(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1)
}

const patternCache = new Map<string, RegExp | null>()

/**
 * Model patterns are Java regular expressions matched against the whole value. Most are valid JavaScript with the
 * `u` flag (needed for `\p{L}`); the rest are tried without it, and a pattern JavaScript cannot read is not enforced.
 */
function compilePattern(pattern: string): RegExp | null {
  let regex = patternCache.get(pattern)
  if (regex !== undefined) return regex
  regex = null
  for (const flags of ['u', '']) {
    try {
      regex = new RegExp(`^(?:${pattern})$`, flags)
      break
    } catch {
      // try the next flag set
    }
  }
  patternCache.set(pattern, regex)
  return regex
}
