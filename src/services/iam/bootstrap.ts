// Bootstrap: the default account and its root user's credentials on first start, and again after a reset.
import type { Clock } from '../../core/clock.js'
import type { Ids } from '../../core/ids.js'
import { hashPassword } from '../../crypto/password-hash.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { Database } from '../../storage/database.js'
import { readMeta, writeMeta } from '../../storage/meta-store.js'
import type { Db } from '../../storage/schema.js'
import { accountStore } from './account-store.js'
import { CREDENTIALS_CHANGED } from './credential-index.js'

export interface BootstrapOptions {
  readonly accountId: string
  /** Fixed root credentials (PALISADE_ROOT_ACCESS_KEY_ID/SECRET) instead of generated ones. */
  readonly rootAccessKeyId?: string
  readonly rootSecretAccessKey?: string
}

export interface BootstrapDeps {
  readonly box: SecretBox
  readonly clock: Clock
  readonly ids: Ids
}

/** What first start prints once; undefined members were not created by this start. */
export interface FirstStartCredentials {
  readonly accountId: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly consolePassword: string
}

// The freshly bootstrapped state, kept so a reset restores the very credentials first start printed.
export const BOOTSTRAP_META_KEY = 'bootstrap.default-account'

interface BootstrapRecord {
  readonly accountId: string
  readonly createdAt: string
  readonly rootPasswordHash: string
  readonly rootKeys: readonly { readonly accessKeyId: string; readonly secretSealed: string; readonly createdAt: string }[]
}

/**
 * Creates the default account, its root access key and console password when the account does not exist
 * (returning the secrets, to be shown once), and adds fixed root credentials from the configuration when they
 * are missing. Idempotent; runs in one transaction.
 */
export async function bootstrapDefaultAccount(
  database: Database,
  options: BootstrapOptions,
  deps: BootstrapDeps,
): Promise<FirstStartCredentials | undefined> {
  const created = await database.transaction(async (tx) => {
    const store = accountStore(tx)
    let record = await readBootstrapRecord(tx)
    let fresh: FirstStartCredentials | undefined
    if (!record || !(await store.getAccount(options.accountId))) {
      const accessKeyId = options.rootAccessKeyId ?? deps.ids.accessKeyId('AKIA')
      const secretAccessKey = options.rootSecretAccessKey ?? deps.ids.secretAccessKey()
      const consolePassword = generatePassword(deps.ids)
      const now = deps.clock.now().toISOString()
      record = {
        accountId: options.accountId,
        createdAt: now,
        rootPasswordHash: await hashPassword(consolePassword),
        rootKeys: [{ accessKeyId, secretSealed: deps.box.seal(secretAccessKey, accessKeyId), createdAt: now }],
      }
      await writeMeta(tx, BOOTSTRAP_META_KEY, JSON.stringify(record))
      await restoreBootstrapRecord(tx, record)
      fresh = { accountId: options.accountId, accessKeyId, secretAccessKey, consolePassword }
    } else if (options.rootAccessKeyId && !record.rootKeys.some((key) => key.accessKeyId === options.rootAccessKeyId)) {
      const key = {
        accessKeyId: options.rootAccessKeyId,
        secretSealed: deps.box.seal(options.rootSecretAccessKey!, options.rootAccessKeyId),
        createdAt: deps.clock.now().toISOString(),
      }
      record = { ...record, rootKeys: [...record.rootKeys, key] }
      await writeMeta(tx, BOOTSTRAP_META_KEY, JSON.stringify(record))
      await insertRootKey(tx, record.accountId, key)
    }
    await database.notify(CREDENTIALS_CHANGED, '*')
    return fresh
  })
  return created
}

/** Puts the bootstrapped account back after every table was emptied (POST /_palisade/reset). */
export async function restoreDefaultAccount(tx: Db): Promise<void> {
  const record = await readBootstrapRecord(tx)
  if (!record) throw new Error('no bootstrap record: the server was never bootstrapped')
  await restoreBootstrapRecord(tx, record)
}

async function readBootstrapRecord(db: Db): Promise<BootstrapRecord | undefined> {
  const text = await readMeta(db, BOOTSTRAP_META_KEY)
  return text === undefined ? undefined : (JSON.parse(text) as BootstrapRecord)
}

async function restoreBootstrapRecord(tx: Db, record: BootstrapRecord): Promise<void> {
  await accountStore(tx).insertAccount({
    accountId: record.accountId,
    name: 'Palisade default account',
    email: `root@${record.accountId}.palisade.invalid`,
    status: 'ACTIVE',
    createdAt: new Date(record.createdAt),
    rootPasswordHash: record.rootPasswordHash,
  })
  for (const key of record.rootKeys) await insertRootKey(tx, record.accountId, key)
}

async function insertRootKey(tx: Db, accountId: string, key: BootstrapRecord['rootKeys'][number]): Promise<void> {
  await accountStore(tx).insertAccessKey({
    accountId,
    accessKeyId: key.accessKeyId,
    secretSealed: key.secretSealed,
    status: 'Active',
    createdAt: new Date(key.createdAt),
  })
}

// 20 characters with every class IAM's strictest password policy asks for.
function generatePassword(ids: Ids): string {
  const body = ids.secretAccessKey().replace(/[+/]/g, '').slice(0, 16)
  return `${body}Aa1!`
}
