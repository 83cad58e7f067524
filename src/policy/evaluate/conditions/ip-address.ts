// IpAddress / NotIpAddress: the request's address (aws:SourceIp) within an IPv4 or IPv6 CIDR block; a bare address
// is a /32 or /128. IPv4-mapped IPv6 addresses (::ffff:203.0.113.5) compare as IPv4.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress

import { joinPieces } from '../variables.js'
import { negate, type ConditionOperator } from './operator.js'

/** An address as 16-bit words: 2 words for IPv4, 8 for IPv6. */
export interface IpAddressValue {
  readonly words: readonly number[]
}

export interface CidrBlock {
  readonly words: readonly number[]
  readonly prefix: number
}

export function parseIp(text: string): IpAddressValue | undefined {
  if (text.includes(':')) {
    const words = parseIpv6(text)
    if (!words) return undefined
    // ::ffff:a.b.c.d compares as the IPv4 address a.b.c.d
    if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return { words: [words[6]!, words[7]!] }
    return { words }
  }
  const v4 = parseIpv4(text)
  return v4 && { words: v4 }
}

export function parseCidr(text: string): CidrBlock | undefined {
  const slash = text.indexOf('/')
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash))
  if (!ip) return undefined
  const max = ip.words.length * 16
  let prefix = max
  if (slash >= 0) {
    const p = text.slice(slash + 1)
    if (!/^\d{1,3}$/.test(p) || +p > max) return undefined
    prefix = +p
  }
  return { words: ip.words, prefix }
}

export function cidrContains(block: CidrBlock, ip: IpAddressValue): boolean {
  if (block.words.length !== ip.words.length) return false
  let bits = block.prefix
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff
    if (((block.words[i] as number) & mask) !== ((ip.words[i] as number) & mask)) return false
  }
  return true
}

function parseIpv4(text: string): number[] | undefined {
  // Four decimal octets, 1–3 digits each, separated by dots.
  let word0 = 0
  let word1 = 0
  let octet = 0
  let digits = 0
  let index = 0
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e
    if (c >= 0x30 && c <= 0x39) {
      octet = octet * 10 + (c - 0x30)
      if (++digits > 3 || octet > 255) return undefined
    } else if (c === 0x2e && digits > 0 && index < 4) {
      if (index < 2) word0 = (word0 << 8) | octet
      else word1 = (word1 << 8) | octet
      index++
      octet = 0
      digits = 0
    } else return undefined
  }
  return index === 4 ? [word0, word1] : undefined
}

function parseIpv6(text: string): number[] | undefined {
  let head = text
  let tailV4: number[] | undefined
  const lastColon = text.lastIndexOf(':')
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIpv4(text.slice(lastColon + 1))
    if (!tailV4) return undefined
    head = text.slice(0, lastColon + 1) + '0:0'
  }
  const halves = head.split('::')
  if (halves.length > 2) return undefined
  const parse = (s: string) => (s === '' ? [] : s.split(':'))
  const left = parse(halves[0] as string)
  const right = halves.length === 2 ? parse(halves[1] as string) : []
  const fill = 8 - left.length - right.length
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined
  const groups = [...left, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...right]
  const words: number[] = []
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
    words.push(parseInt(g, 16))
  }
  if (tailV4) {
    words[6] = tailV4[0]!
    words[7] = tailV4[1]!
  }
  return words
}

export const IpAddress: ConditionOperator<CidrBlock> = {
  name: 'IpAddress',
  negated: false,
  variables: false,
  parse: (pieces) => parseCidr(joinPieces(pieces).trim()),
  test: (value, block) => {
    const ip = parseRequestIp(value)
    return ip === undefined ? undefined : cidrContains(block, ip)
  },
}

// The request's aws:SourceIp is tested against every CIDR of every statement: remember the last one parsed.
let lastText: string | undefined
let lastIp: IpAddressValue | undefined

function parseRequestIp(text: string): IpAddressValue | undefined {
  if (text !== lastText) {
    lastIp = parseIp(text)
    lastText = text
  }
  return lastIp
}

export const NotIpAddress = negate('NotIpAddress', IpAddress)
