// CredentialIndex: every access key in memory, so authentication never queries SQL; kept fresh by change notices,
// and the sink for keys' last use, written to storage in batches off the request path.
import type { Caller } from '../../core/caller.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { Database } from '../../storage/database.js'
import { accountStore, type AccessKey, type AccessKeyUse } from './account-store.js'
import { nameKey } from './iam-names.js'
import { findUser, toUser, type IamUser } from './users-store.js'

/** The change channel writers notify with the changed access key id ('*' reloads everything). */
export const CREDENTIALS_CHANGED = 'iam.credentials'

export interface Credential {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly active: boolean
  /** Who a request signed with this key is. */
  readonly caller: Caller
  /** Temporary credentials (ASIA…): requests must carry the matching session token, before it expires. */
  readonly session?: { tokenMatches(token: string): boolean; readonly expiresAt: Date }
}

export interface CredentialIndex {
  find(accessKeyId: string): Credential | undefined
  /** Resolves once every change notified so far in this process has been applied. */
  settled(): Promise<void>
  /** Notes that a request signed with the key was accepted; stored within `lastUsedFlushMs` (GetAccessKeyLastUsed). */
  recordUse(accessKeyId: string, use: AccessKeyUse): void
  /** Writes pending last-use records now. */
  flush(): Promise<void>
  close(): Promise<void>
}

export interface CredentialIndexOptions {
  /** How long last-use records wait to be written together. Default 1000 ms. */
  readonly lastUsedFlushMs?: number
  /** STS sessions (services/sts's session index), for the ASIA… keys IAM does not know. */
  readonly sessions?: { find(accessKeyId: string): Credential | undefined }
}

export async function loadCredentialIndex(
  database: Database,
  box: SecretBox,
  partition: string,
  options: CredentialIndexOptions = {},
): Promise<CredentialIndex> {
  let credentials = new Map<string, Credential>()
  const loadAll = async (): Promise<Map<string, Credential>> => {
    const loaded = new Map<string, Credential>()
    // One read of each table, whatever the number of keys and users.
    const users = new Map<string, IamUser>()
    for (const row of await database.db.selectFrom('iam_users').selectAll().execute()) users.set(`${row.account_id}/${row.name_key}`, toUser(row))
    for (const key of await accountStore(database.db).listAccessKeys()) {
      const user = key.userName === undefined ? undefined : users.get(`${key.accountId}/${nameKey(key.userName)}`)
      const credential = toCredential(key, user, box, partition)
      if (credential) loaded.set(key.accessKeyId, credential)
    }
    return loaded
  }
  const reload = async (accessKeyId: string): Promise<void> => {
    const key = await accountStore(database.db).getAccessKey(accessKeyId)
    const user = key?.userName === undefined ? undefined : await findUser(database.db, key.accountId, key.userName)
    const credential = key && toCredential(key, user, box, partition)
    if (credential) credentials.set(accessKeyId, credential)
    else credentials.delete(accessKeyId)
  }
  // Reloads run one at a time, in the order notified, so an older read never overwrites a newer one.
  let queue: Promise<void> = Promise.resolve()
  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work)
      .catch(async () => { credentials = await loadAll() }) // a failed partial reload falls back to a full one
      .catch(() => undefined) // storage is down: keep what is known; the next notice tries again
  }
  // Subscribe before the first load so a write between the two is not missed.
  const unsubscribe = await database.subscribe(
    CREDENTIALS_CHANGED,
    (accessKeyId) => {
      if (accessKeyId === '*') return enqueue(async () => { credentials = await loadAll() })
      // Forget the key at once, before reading it back: a deleted or deactivated key must fail the very next
      // request, which may arrive while the read is in flight. A key that is still valid is only briefly unknown.
      credentials.delete(accessKeyId)
      enqueue(() => reload(accessKeyId))
    },
    { onMissed: () => enqueue(async () => { credentials = await loadAll() }) },
  )
  credentials = await loadAll()

  const flushMs = options.lastUsedFlushMs ?? 1000
  const pending = new Map<string, AccessKeyUse>()
  let timer: NodeJS.Timeout | undefined
  let flushing: Promise<void> = Promise.resolve()
  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (pending.size === 0) return flushing
    const batch = [...pending]
    pending.clear()
    flushing = flushing.then(() => accountStore(database.db).recordAccessKeyUses(batch)).catch(() => {
      // A lost last-use record is not worth failing anything for; the next use records it again.
    })
    return flushing
  }
  const index: CredentialIndex = {
    find: (accessKeyId) => credentials.get(accessKeyId) ?? options.sessions?.find(accessKeyId),
    async settled() {
      let seen: Promise<void> | undefined
      while (seen !== queue) await (seen = queue)
    },
    recordUse(accessKeyId, use) {
      pending.set(accessKeyId, use)
      timer ??= setTimeout(() => void flush(), flushMs).unref()
    },
    flush,
    async close() {
      indexes.delete(database)
      await flush()
      await unsubscribe()
    },
  }
  indexes.set(database, index)
  return index
}

/** After a transaction that notified a credential change: resolves once this process's index has applied it. */
export async function credentialChangesApplied(database: Database): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve)) // the bus delivers on a later microtask
  await indexes.get(database)?.settled()
}

const indexes = new WeakMap<Database, CredentialIndex>()

/** Root keys sign as the account's root user, user keys as the IAM user; a key whose user is gone signs as no one. */
function toCredential(key: AccessKey, user: IamUser | undefined, box: SecretBox, partition: string): Credential | undefined {
  let caller: Caller
  if (key.userName === undefined) {
    caller = { type: 'Root', arn: `arn:${partition}:iam::${key.accountId}:root`, accountId: key.accountId, userId: key.accountId, accessKeyId: key.accessKeyId }
  } else if (user) {
    caller = { type: 'IAMUser', arn: user.arn, accountId: key.accountId, userId: user.userId, accessKeyId: key.accessKeyId }
  } else {
    return undefined
  }
  return {
    accessKeyId: key.accessKeyId,
    secretAccessKey: box.open(key.secretSealed, key.accessKeyId).toString('utf8'),
    active: key.status === 'Active',
    caller,
  }
}
