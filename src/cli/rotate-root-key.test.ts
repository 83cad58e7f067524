import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fixedClock } from '../core/clock.js'
import { sequentialIds } from '../core/ids.js'
import { secretBox } from '../crypto/secret-box.js'
import { bootstrapDefaultAccount } from '../services/iam/index.js'
import { openDatabase } from '../storage/database.js'
import { opensEverySecret, resealEverySecret, rotateRootKeyCommand } from './rotate-root-key.js'

let dataDir: string
let keyFile: string
let databaseFile: string
let oldKey: Buffer

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'palisade-rotate-'))
  keyFile = join(dataDir, 'root.key')
  databaseFile = join(dataDir, 'palisade.db')
  oldKey = randomBytes(32)
  writeFileSync(keyFile, oldKey.toString('base64') + '\n', { mode: 0o600 })
  const database = await openDatabase({ url: databaseFile })
  await bootstrapDefaultAccount(database, { accountId: '000000000000' }, { box: secretBox(oldKey), clock: fixedClock('2026-01-01T00:00:00Z'), ids: sequentialIds() })
  await database.close()
})
afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await rotateRootKeyCommand(args, env, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) })
  return { code, stdout, stderr }
}

async function opensWith(key: Buffer): Promise<boolean> {
  const database = await openDatabase({ url: databaseFile })
  try {
    return await opensEverySecret(database, secretBox(key))
  } finally {
    await database.close()
  }
}

const keyInFile = () => Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')
const databaseBytes = () => readFileSync(databaseFile)

describe('palisade rotate-root-key usage', () => {
  it('prints its help with every flag and exits 0', async () => {
    const { code, stdout } = await run(['--help'])
    expect(code).toBe(0)
    for (const flag of ['--data-dir', '--database', '--root-key', '--root-key-file', '--new-root-key', '--new-root-key-file']) expect(stdout).toContain(flag)
  })

  it.each([
    { name: 'rejects a serve-only flag', args: ['--port', '1'], message: 'unknown flag `--port`' },
    { name: 'rejects a bare argument', args: ['now'], message: 'unexpected argument `now`' },
    { name: 'rejects a flag without its value', args: ['--new-root-key'], message: 'needs a value' },
    { name: 'rejects an empty new key', args: ['--new-root-key='], message: 'flag `--new-root-key` needs a value' },
    { name: 'rejects both new key flags', args: ['--new-root-key', 'x', '--new-root-key-file', 'y'], message: 'not both' },
    { name: 'rejects a new key that is not 32 bytes', args: ['--new-root-key', 'c2hvcnQ='], message: '`--new-root-key` must be 32 bytes' },
    { name: 'rejects a missing new key file', args: ['--new-root-key-file', '/nonexistent/key'], message: 'no file at /nonexistent/key' },
  ])('$name with exit code 2', async ({ args, message }) => {
    const { code, stderr } = await run(['--data-dir', dataDir, ...args])
    expect(code).toBe(2)
    expect(stderr).toContain(message)
    expect(keyInFile().equals(oldKey)).toBe(true)
  })
})

describe('palisade rotate-root-key', () => {
  it('re-seals under a fresh key, replaces the key file (mode 0600) and leaves no temporary files', async () => {
    const { code, stdout, stderr } = await run(['--data-dir', dataDir])
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    expect(stdout).toContain('access keys 1, bootstrap root keys 1')
    const newKey = keyInFile()
    expect(newKey.equals(oldKey)).toBe(false)
    expect(stdout).not.toContain(newKey.toString('base64'))
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    for (const leftover of ['root.key.next', 'root.key.previous', 'root.key.next.tmp']) expect(existsSync(join(dataDir, leftover))).toBe(false)
    expect(await opensWith(newKey)).toBe(true)
    expect(await opensWith(oldKey)).toBe(false)
  })

  it('installs the key given with --new-root-key (hex) without printing it', async () => {
    const newKey = randomBytes(32)
    const { code, stdout } = await run(['--data-dir', dataDir, `--new-root-key=${newKey.toString('hex')}`])
    expect(code).toBe(0)
    expect(stdout).not.toContain(newKey.toString('base64'))
    expect(keyInFile().equals(newKey)).toBe(true)
    expect(await opensWith(newKey)).toBe(true)
  })

  it('prints a generated key once when the current key comes from PALISADE_ROOT_KEY, and writes no key file', async () => {
    rmSync(keyFile)
    const { code, stdout } = await run(['--data-dir', dataDir], { PALISADE_ROOT_KEY: oldKey.toString('base64') })
    expect(code).toBe(0)
    const printed = /^ {2}(\S{44})$/m.exec(stdout)?.[1]
    expect(printed).toBeDefined()
    expect(stdout.split(printed!).length).toBe(2)
    expect(existsSync(keyFile)).toBe(false)
    expect(await opensWith(Buffer.from(printed!, 'base64'))).toBe(true)
    expect(await opensWith(oldKey)).toBe(false)
  })

  it('fails with exit code 1 and changes nothing when the current key is wrong', async () => {
    const before = databaseBytes()
    const wrong = randomBytes(32)
    const { code, stderr } = await run(['--data-dir', dataDir, '--root-key', wrong.toString('base64')])
    expect(code).toBe(1)
    expect(stderr).toContain('the current root key does not open the secrets in the database')
    expect(stderr).toContain('nothing was changed')
    expect(databaseBytes().equals(before)).toBe(true)
    expect(keyInFile().equals(oldKey)).toBe(true)
    expect(existsSync(`${keyFile}.next`)).toBe(false)
    expect(await opensWith(oldKey)).toBe(true)
  })

  it('fails with exit code 1 without creating a key when there is no key file', async () => {
    rmSync(keyFile)
    const { code, stderr } = await run(['--data-dir', dataDir])
    expect(code).toBe(1)
    expect(stderr).toContain(`no root key at ${keyFile}`)
    expect(existsSync(keyFile)).toBe(false)
  })

  it('fails with exit code 1 without creating a database in an empty data directory', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'palisade-rotate-empty-'))
    try {
      writeFileSync(join(empty, 'root.key'), oldKey.toString('base64'))
      const { code, stderr } = await run(['--data-dir', empty])
      expect(code).toBe(1)
      expect(stderr).toContain('no database at')
      expect(existsSync(join(empty, 'palisade.db'))).toBe(false)
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })
})

describe('palisade rotate-root-key after a crash', () => {
  it('discards a root.key.next left before the commit, and rotates from the key file', async () => {
    const stale = randomBytes(32)
    writeFileSync(`${keyFile}.next`, stale.toString('base64'), { mode: 0o600 })
    const { code } = await run(['--data-dir', dataDir])
    expect(code).toBe(0)
    const newKey = keyInFile()
    expect(newKey.equals(oldKey) || newKey.equals(stale)).toBe(false)
    expect(await opensWith(newKey)).toBe(true)
    expect(existsSync(`${keyFile}.next`)).toBe(false)
  })

  it('installs root.key.next when the crash came after the commit, without re-sealing again', async () => {
    const committed = randomBytes(32)
    writeFileSync(`${keyFile}.next`, committed.toString('base64'), { mode: 0o600 })
    const database = await openDatabase({ url: databaseFile })
    await resealEverySecret(database, secretBox(oldKey), secretBox(committed))
    await database.close()

    const { code, stdout } = await run(['--data-dir', dataDir])
    expect(code).toBe(0)
    expect(stdout).toContain('Finished an interrupted rotation')
    expect(keyInFile().equals(committed)).toBe(true)
    expect(existsSync(`${keyFile}.next`)).toBe(false)
    expect(existsSync(`${keyFile}.previous`)).toBe(false)
    expect(await opensWith(committed)).toBe(true)
  })

  it('refuses when neither the key file nor root.key.next opens the database, and keeps both', async () => {
    writeFileSync(`${keyFile}.next`, randomBytes(32).toString('base64'))
    writeFileSync(keyFile, randomBytes(32).toString('base64'))
    const before = databaseBytes()
    const { code, stderr } = await run(['--data-dir', dataDir])
    expect(code).toBe(1)
    expect(stderr).toContain(`neither ${keyFile} nor ${keyFile}.next opens the secrets in the database`)
    expect(databaseBytes().equals(before)).toBe(true)
    expect(existsSync(`${keyFile}.next`)).toBe(true)
    expect(await opensWith(oldKey)).toBe(true)
  })
})
