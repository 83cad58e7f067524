// Tests for the at-rest crypto: the root key file, sealed secrets and password hashes.
import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from './password-hash.js'
import { loadRootKey, RootKeyError } from './root-key.js'
import { secretBox, SecretBoxError } from './secret-box.js'

describe('loadRootKey', () => {
  it('creates a 32-byte key file with mode 0600 and reads the same key back', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'palisade-key-')), 'root.key')
    const first = loadRootKey({ file })
    expect(first).toHaveLength(32)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(loadRootKey({ file }).equals(first)).toBe(true)
  })

  it('accepts a configured hex or base64 key and rejects a short one', () => {
    const key = Buffer.alloc(32, 7)
    expect(loadRootKey({ key: key.toString('hex'), file: '/nonexistent' }).equals(key)).toBe(true)
    expect(loadRootKey({ key: key.toString('base64'), file: '/nonexistent' }).equals(key)).toBe(true)
    expect(() => loadRootKey({ key: 'c2hvcnQ=', file: '/nonexistent' })).toThrow(RootKeyError)
  })
})

describe('secretBox', () => {
  const box = secretBox(Buffer.alloc(32, 1))

  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const sealed = box.seal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIAEXAMPLE')
    expect(sealed).not.toContain('wJalrXUtnFEMI')
    expect(box.open(sealed, 'AKIAEXAMPLE').toString()).toBe('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')
  })

  it('refuses a sealed secret moved to another context or opened with another key', () => {
    const sealed = box.seal('secret', 'AKIA1')
    expect(() => box.open(sealed, 'AKIA2')).toThrow(SecretBoxError)
    expect(() => secretBox(Buffer.alloc(32, 2)).open(sealed, 'AKIA1')).toThrow(SecretBoxError)
  })
})

describe('hashPassword', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple')
    expect(stored).not.toContain('correct horse')
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true)
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false)
  })
})
