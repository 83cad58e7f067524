// The root key: encrypts every secret Palisade stores; it lives in a file or the environment, never in the database.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export const ROOT_KEY_BYTES = 32

export class RootKeyError extends Error {}

/** Decodes the configured key, else reads the key file, else creates it (mode 0600) with fresh random bytes. */
export function loadRootKey(options: { key?: string; file: string }): Buffer {
  if (options.key) return decodeKey(options.key, 'PALISADE_ROOT_KEY')
  let text: string | undefined
  try {
    text = readFileSync(options.file, 'utf8').trim()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  if (text !== undefined) return decodeKey(text, options.file)
  const key = randomBytes(ROOT_KEY_BYTES)
  mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 })
  // 'wx' so two processes starting together cannot both write a different key.
  writeFileSync(options.file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
  return key
}

function decodeKey(text: string, source: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64')
  if (key.length !== ROOT_KEY_BYTES) {
    throw new RootKeyError(`the root key in ${source} must be ${ROOT_KEY_BYTES} bytes, base64 or hex encoded`)
  }
  return key
}
