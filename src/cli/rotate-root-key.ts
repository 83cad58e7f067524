// `palisade rotate-root-key`: re-seals every secret at rest under a new root key in one transaction, then installs the
// new key (key file replaced atomically, or the new key shown once when the current one comes from the environment).
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { ConfigError, readConfig, type PalisadeConfig } from '../config/config.js'
import { loadRootKey, ROOT_KEY_BYTES, RootKeyError } from '../crypto/root-key.js'
import { secretBox, SecretBoxError, type SecretBox } from '../crypto/secret-box.js'
import { resealIamSecrets, type IamResealCounts } from '../services/iam/index.js'
import { rewrapKeyMaterial } from '../services/kms/index.js'
import { resealStsSessions } from '../services/sts/index.js'
import { resealSigningKeys } from '../services/cloudtrail/index.js'
import { isPostgresUrl, openDatabase, type Database } from '../storage/database.js'

type Env = Readonly<Record<string, string | undefined>>

export interface RotateRootKeyIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

/** How many sealed values of each kind were re-sealed. */
export interface ResealCounts extends IamResealCounts {
  readonly stsSessions: number
  readonly kmsKeyMaterials: number
}

export interface RotateRootKeyOptions {
  /** Where the database and the current root key are (`rootKey`, else `rootKeyFile`), as `serve` reads them. */
  readonly config: PalisadeConfig
  /** The new root key; a fresh random one when absent. */
  readonly newKey?: Buffer
  /**
   * Shows a generated key when the current one is not in a file (PALISADE_ROOT_KEY, --root-key). Called before the
   * database is changed, so the operator holds the new key whatever happens next.
   */
  readonly showNewKey: (base64Key: string) => void
}

export interface RootKeyRotation {
  readonly resealed: ResealCounts
  /** The key file now holding the new key; undefined when the key is not kept in a file. */
  readonly keyFile?: string
  /** True when this run finished a rotation a crash interrupted (found `<key file>.next`) instead of a new one. */
  readonly resumed: boolean
}

/** A rotation that could not be done; the message says what is left as it was. */
export class RotationError extends Error {}

export const rotateRootKeyHelp = `Usage: palisade rotate-root-key [--data-dir DIR] [--database URL] [--root-key KEY | --root-key-file FILE]
                                [--new-root-key KEY | --new-root-key-file FILE]

Re-seals every secret Palisade keeps at rest (access keys, MFA seeds, server certificates' private keys, STS
session secrets, KMS key material, CloudTrail's digest signing keys) under a new root key, in one database
transaction: all or nothing. Ciphertexts, access keys and session credentials that clients hold keep working.
Stop every Palisade process using the database first: the command refuses while another process has the SQLite
file open; with PostgreSQL it cannot tell, so stop them all, then restart every one with the new key.

The current key is read the way \`palisade serve\` reads it (flag, PALISADE_* variable, then <data-dir>/root.key).
The new key is --new-root-key (32 bytes, base64 or hex), the contents of --new-root-key-file, or fresh random bytes.
  - current key in a file: the new key replaces it there (written to FILE.next, mode 0600, then renamed; the old
    key is kept as FILE.previous until the new one has been checked against the database). If a crash interrupts
    a rotation, run the command again: it finishes or discards what it finds in FILE.next.
  - current key from --root-key or PALISADE_ROOT_KEY: a generated new key is printed once, before the database
    changes; start Palisade with it afterwards.

  --data-dir DIR             PALISADE_DATA_DIR       data directory (default: ./.palisade)
  --database URL             PALISADE_DATABASE       postgres:// URL; default: SQLite in the data directory
  --root-key KEY             PALISADE_ROOT_KEY       the current root key
  --root-key-file FILE       PALISADE_ROOT_KEY_FILE  file holding the current root key (default: <data-dir>/root.key)
  --new-root-key KEY                                 the new root key instead of a random one
  --new-root-key-file FILE                           read the new root key from FILE

Exit codes: 0 rotated, 1 failed (the message says what was left unchanged), 2 usage error.
`

/** Runs `palisade rotate-root-key <args>`; returns the exit code. */
export async function rotateRootKeyCommand(args: readonly string[], env: Env, io: RotateRootKeyIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(rotateRootKeyHelp)
    return 0
  }
  let options: RotateRootKeyOptions
  try {
    options = readOptions(args, env, io)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    io.stderr(`palisade rotate-root-key: ${error.message}\n\nRun \`palisade rotate-root-key --help\` for usage.\n`)
    return 2
  }
  try {
    const rotation = await rotateRootKey(options)
    io.stdout(report(rotation))
    return 0
  } catch (error) {
    io.stderr(`palisade rotate-root-key: ${failureMessage(error)}\n`)
    return 1
  }
}

/**
 * Re-seals every secret under the new key, then installs the key. The order, so that a crash at any point leaves the
 * database with a key that opens it:
 *  1. the new key is made durable first: FILE.next (temp file, mode 0600, fsync, rename, directory fsync), or shown
 *     to the operator when the key is not kept in a file;
 *  2. one transaction re-seals everything (a wrong current key fails it before anything is written);
 *  3. the old key is copied to FILE.previous, FILE.next is renamed over FILE (atomic), the directory is fsync'd;
 *  4. FILE is read back and checked against the database, then FILE.previous is removed.
 * A crash before 2 commits leaves FILE matching the database (FILE.next is discarded by the next run); between 2 and
 * 3 FILE.next matches it and the next run installs it; after 3 FILE matches it.
 */
export async function rotateRootKey(options: RotateRootKeyOptions): Promise<RootKeyRotation> {
  const { config } = options
  const keyFile = config.rootKey ? undefined : config.rootKeyFile
  const current = readCurrentKey(config)
  const database = await openExistingDatabase(config)
  try {
    if (keyFile) {
      const resumed = await resumeInterruptedRotation(database, keyFile, current)
      if (resumed) return resumed
    }
    const newKey = options.newKey ?? randomBytes(ROOT_KEY_BYTES)
    if (newKey.equals(current)) throw new RotationError('the new root key is the current one; nothing was changed')
    if (keyFile) writeKeyFile(pendingFile(keyFile), newKey)
    else if (!options.newKey) options.showNewKey(newKey.toString('base64'))
    let resealed: ResealCounts
    try {
      resealed = await resealEverySecret(database, secretBox(current), secretBox(newKey))
    } catch (error) {
      if (keyFile) removeFile(pendingFile(keyFile))
      throw error
    }
    if (keyFile) await installAfterCommit(database, keyFile, current)
    return { resealed, ...(keyFile && { keyFile }), resumed: false }
  } finally {
    await database.close()
  }
}

/** In one transaction, opens every sealed value with `from` and seals it with `to`; SecretBoxError rolls all back. */
export async function resealEverySecret(database: Database, from: SecretBox, to: SecretBox): Promise<ResealCounts> {
  return database.transaction(async (tx) => {
    const iam = await resealIamSecrets(tx, from, to)
    const stsSessions = await resealStsSessions(tx, from, to)
    const kmsKeyMaterials = await rewrapKeyMaterial(database, from, to) // a savepoint of this transaction
    await resealSigningKeys(tx, from, to) // CloudTrail's digest signing keys (not counted: nothing a client holds)
    return { ...iam, stsSessions, kmsKeyMaterials }
  })
}

/** True when `box` opens every sealed value in the database (checked in a transaction that is rolled back). */
export async function opensEverySecret(database: Database, box: SecretBox): Promise<boolean> {
  const opened = new Error('every secret opened')
  try {
    await database.transaction(async () => {
      await resealEverySecret(database, box, box)
      throw opened
    })
  } catch (error) {
    if (error === opened) return true
    if (error instanceof SecretBoxError) return false
    throw error
  }
  throw new Error('unreachable: the check transaction always throws')
}

// A run that finds FILE.next was interrupted: before its commit (FILE still opens the database: discard FILE.next)
// or after it (FILE.next opens it: finish installing it).
async function resumeInterruptedRotation(database: Database, keyFile: string, current: Buffer): Promise<RootKeyRotation | undefined> {
  const pending = pendingFile(keyFile)
  if (!existsSync(pending)) {
    // A crash after step 3 left FILE.previous: FILE opens the database, so the old key is no longer needed.
    if (existsSync(previousFile(keyFile)) && (await opensEverySecret(database, secretBox(current)))) removeFile(previousFile(keyFile))
    return undefined
  }
  if (await opensEverySecret(database, secretBox(current))) {
    removeFile(pending)
    return undefined
  }
  const pendingKey = loadRootKey({ file: pending })
  if (!(await opensEverySecret(database, secretBox(pendingKey)))) {
    throw new RotationError(`neither ${keyFile} nor ${pending} opens the secrets in the database; nothing was changed`)
  }
  await installAfterCommit(database, keyFile, current)
  return { resealed: zeroCounts, keyFile, resumed: true }
}

// The database already uses the key in FILE.next: a failure here must say so, since FILE no longer opens it.
async function installAfterCommit(database: Database, keyFile: string, oldKey: Buffer): Promise<void> {
  try {
    await installPendingKey(database, keyFile, oldKey)
  } catch (error) {
    if (error instanceof RotationError) throw error
    throw new RotationError(
      `the database is re-sealed under the new key (in ${pendingFile(keyFile)}, or in ${keyFile} if it was renamed), but installing it failed `
        + `(${error instanceof Error ? error.message : String(error)}); run the command again to finish`,
    )
  }
}

async function installPendingKey(database: Database, keyFile: string, oldKey: Buffer): Promise<void> {
  writeKeyFile(previousFile(keyFile), oldKey)
  renameSync(pendingFile(keyFile), keyFile)
  fsyncDirectory(dirname(keyFile))
  if (!(await opensEverySecret(database, secretBox(loadRootKey({ file: keyFile }))))) {
    throw new RotationError(`the key installed in ${keyFile} does not open the database; the old key is kept in ${previousFile(keyFile)}`)
  }
  removeFile(previousFile(keyFile))
}

const zeroCounts: ResealCounts = { accessKeys: 0, mfaSeeds: 0, serverCertificates: 0, bootstrapRootKeys: 0, stsSessions: 0, kmsKeyMaterials: 0 }

const pendingFile = (keyFile: string) => `${keyFile}.next`
const previousFile = (keyFile: string) => `${keyFile}.previous`

// loadRootKey creates a missing key file, which would be a key that opens nothing here.
function readCurrentKey(config: PalisadeConfig): Buffer {
  if (!config.rootKey && !existsSync(config.rootKeyFile)) {
    throw new RotationError(`no root key at ${config.rootKeyFile} (set --root-key-file or PALISADE_ROOT_KEY); nothing was changed`)
  }
  return loadRootKey({ key: config.rootKey, file: config.rootKeyFile })
}

// openDatabase would create an empty SQLite file, and rotating an empty database is surely a wrong --data-dir.
async function openExistingDatabase(config: PalisadeConfig): Promise<Database> {
  const url = config.database.replace(/^sqlite:/, '')
  if (!isPostgresUrl(url)) {
    if (!existsSync(url)) throw new RotationError(`no database at ${url}; check --data-dir or --database`)
    refuseWhileInUse(url)
  }
  return openDatabase({ url })
}

// A server still running would go on sealing new secrets with the old key it holds in memory. `palisade serve` keeps
// its SQLite file open, and in WAL mode a connection in EXCLUSIVE locking mode cannot begin while any other connection
// has the file open (https://www.sqlite.org/pragma.html#pragma_locking_mode). A server starting after this probe is
// not caught, and PostgreSQL offers no such probe: stopping every server stays the operator's job (see --help).
// Only this command needs the probe, which opens and closes its own handle; storage/ stays dialect-neutral for services.
function refuseWhileInUse(file: string): void {
  const probe = new BetterSqlite3(file, { timeout: 0 })
  try {
    probe.pragma('locking_mode = EXCLUSIVE')
    probe.exec('BEGIN EXCLUSIVE')
    probe.exec('ROLLBACK')
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error
    throw new RotationError(`${file} is in use: stop every Palisade server using it first; nothing was changed`)
  } finally {
    probe.close()
  }
}

/** Temp file (mode 0600) → fsync → rename → directory fsync: the file holds the old key or the new one, never half. */
function writeKeyFile(path: string, key: Buffer): void {
  const temp = `${path}.tmp`
  removeFile(temp)
  const fd = openSync(temp, 'wx', 0o600)
  try {
    writeSync(fd, key.toString('base64') + '\n')
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(temp, path)
  fsyncDirectory(dirname(path))
}

function fsyncDirectory(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function removeFile(path: string): void {
  rmSync(path, { force: true })
}

const CONFIG_FLAGS = new Set(['data-dir', 'database', 'root-key', 'root-key-file'])
const NEW_KEY_FLAGS = new Set(['new-root-key', 'new-root-key-file'])

function readOptions(args: readonly string[], env: Env, io: RotateRootKeyIo): RotateRootKeyOptions {
  const configArgs: string[] = []
  const newKeyFlags = new Map<string, string>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const eq = arg.indexOf('=')
    const name = arg.startsWith('--') ? arg.slice(2, eq === -1 ? undefined : eq) : undefined
    if (name === undefined) throw new ConfigError(`unexpected argument \`${arg}\``)
    if (!CONFIG_FLAGS.has(name) && !NEW_KEY_FLAGS.has(name)) throw new ConfigError(`unknown flag \`--${name}\``)
    let value: string
    if (eq !== -1) value = arg.slice(eq + 1)
    else if (i + 1 < args.length) value = args[++i]!
    else value = ''
    if (value === '') throw new ConfigError(`flag \`--${name}\` needs a value`)
    if (NEW_KEY_FLAGS.has(name)) newKeyFlags.set(name, value)
    else configArgs.push(`--${name}`, value)
  }
  if (newKeyFlags.size > 1) throw new ConfigError('give `--new-root-key` or `--new-root-key-file`, not both')
  const config = readConfig(configArgs, env)
  const text = newKeyFlags.get('new-root-key')
  const file = newKeyFlags.get('new-root-key-file')
  const newKey = text !== undefined ? decodeNewKey(text, '`--new-root-key`') : file !== undefined ? readNewKeyFile(file) : undefined
  return { config, ...(newKey && { newKey }), showNewKey: (key) => io.stdout(newKeyNotice(key)) }
}

function decodeNewKey(text: string, source: string): Buffer {
  try {
    return loadRootKey({ key: text, file: '' })
  } catch (error) {
    if (!(error instanceof RootKeyError)) throw error
    throw new ConfigError(`${source} must be ${ROOT_KEY_BYTES} bytes, base64 or hex encoded`)
  }
}

function readNewKeyFile(file: string): Buffer {
  if (!existsSync(file)) throw new ConfigError(`\`--new-root-key-file\`: no file at ${file}`)
  try {
    return loadRootKey({ file })
  } catch (error) {
    if (!(error instanceof RootKeyError)) throw error
    throw new ConfigError(`${file} must hold ${ROOT_KEY_BYTES} bytes, base64 or hex encoded`)
  }
}

function newKeyNotice(key: string): string {
  return [
    'The new root key (shown once; the current one comes from --root-key or PALISADE_ROOT_KEY, so it is not saved):',
    '',
    `  ${key}`,
    '',
    'Keep it where PALISADE_ROOT_KEY comes from. If this command does not report success below, the database may',
    'still use the old key: try starting Palisade with the old key first.',
    '',
  ].join('\n') + '\n'
}

function report(rotation: RootKeyRotation): string {
  const r = rotation.resealed
  const counts = `access keys ${r.accessKeys}, bootstrap root keys ${r.bootstrapRootKeys}, MFA seeds ${r.mfaSeeds}, `
    + `server certificates ${r.serverCertificates}, STS sessions ${r.stsSessions}, KMS key material versions ${r.kmsKeyMaterials}`
  const done = rotation.resumed
    ? `Finished an interrupted rotation: the database was already re-sealed under the key in ${rotation.keyFile}.`
    : `Re-sealed every secret under the new root key (${counts}).`
  const next = rotation.keyFile
    ? `The new key is in ${rotation.keyFile} (mode 0600). Start Palisade as before; every process sharing the database must use it.`
    : 'Start Palisade with the new key in PALISADE_ROOT_KEY (or --root-key); the old key no longer opens the database.'
  return `${done}\n${next}\n`
}

function failureMessage(error: unknown): string {
  if (error instanceof SecretBoxError) {
    return 'the current root key does not open the secrets in the database (wrong --root-key, PALISADE_ROOT_KEY or key file?); nothing was changed'
  }
  if (error instanceof RotationError || error instanceof RootKeyError) return error.message
  return `${error instanceof Error ? error.message : String(error)}; the database is unchanged unless the message says otherwise`
}
