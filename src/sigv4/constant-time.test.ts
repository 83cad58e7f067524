import { describe, expect, it } from 'vitest'
import { signaturesEqual } from './constant-time.js'

describe('signaturesEqual', () => {
  const signature = 'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024'

  it('accepts the same signature', () => {
    expect(signaturesEqual(signature, `${signature}`)).toBe(true)
    expect(signaturesEqual('', '')).toBe(true)
  })

  it('refuses a signature differing in any one place, in case, or in length', () => {
    for (const at of [0, 31, 63]) {
      const changed = signature.slice(0, at) + (signature[at] === '0' ? '1' : '0') + signature.slice(at + 1)
      expect(signaturesEqual(signature, changed)).toBe(false)
    }
    expect(signaturesEqual(signature, signature.toUpperCase())).toBe(false)
    expect(signaturesEqual(signature, signature.slice(0, 63))).toBe(false)
    expect(signaturesEqual(signature, `${signature}0`)).toBe(false)
    expect(signaturesEqual(signature, '')).toBe(false)
  })

  it('compares whole characters: a non-ASCII character does not pass for the one sharing its low byte', () => {
    expect(signaturesEqual('a', String.fromCharCode(0x161))).toBe(false)
  })
})
