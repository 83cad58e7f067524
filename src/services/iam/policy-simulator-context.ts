// ContextEntries of a simulation → the request context the policy engine reads, each value checked against its
// ContextKeyType (string, numeric, boolean, date, ip, binary and their …List forms).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ContextEntry.html
import { InvalidInputException } from '../../generated/iam/errors.js'
import type { ContextEntry, ContextKeyTypeEnum } from '../../generated/iam/types.js'
import type { ContextValue } from '../../policy/index.js'
import { canonicalBase64 } from '../../policy/evaluate/conditions/binary.js'
import { parseBool } from '../../policy/evaluate/conditions/bool.js'
import { parseDateValue } from '../../policy/evaluate/conditions/date.js'
import { parseCidr, parseIp } from '../../policy/evaluate/conditions/ip-address.js'
import { parseNumber } from '../../policy/evaluate/conditions/numeric.js'

const valueChecks: Record<string, (value: string) => boolean> = {
  string: () => true,
  numeric: (value) => parseNumber(value) !== undefined,
  boolean: (value) => parseBool(value) !== undefined,
  date: (value) => parseDateValue(value) !== undefined,
  // An ip entry may be an address or a CIDR range (aws:SourceIp is compared with IpAddress either way).
  ip: (value) => parseIp(value) !== undefined || parseCidr(value) !== undefined,
  binary: (value) => canonicalBase64(value) !== undefined,
}

/** The request context of the entries; a key given twice keeps its last entry, as a map would. */
export function simulationContext(entries: readonly ContextEntry[] | undefined): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {}
  for (const entry of entries ?? []) {
    const name = entry.ContextKeyName
    if (name === undefined || name === '') throw new InvalidInputException('ContextKeyName must be specified for every context entry.')
    const type: ContextKeyTypeEnum = entry.ContextKeyType ?? 'string'
    const list = type.endsWith('List')
    const check = valueChecks[list ? type.slice(0, -'List'.length) : type]!
    const values = entry.ContextKeyValues ?? []
    for (const value of values) {
      if (!check(value)) throw new InvalidInputException(`Invalid value ${value} for context key ${name} of type ${type}.`)
    }
    if (!list && values.length > 1) throw new InvalidInputException(`Context key ${name} of type ${type} takes exactly one value.`)
    context[name] = list ? values : (values[0] ?? [])
  }
  return context
}
