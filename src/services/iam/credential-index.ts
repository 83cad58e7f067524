// CredentialIndex: every access key in memory, so authentication never queries SQL; kept fresh by change notices.
import type { Caller } from '../../core/caller.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { Database } from '../../storage/database.js'
import { accountStore, type AccessKey } from './account-store.js'

/** The change channel writers notify with the changed access key id ('*' reloads everything). */
export const CREDENTIALS_CHANGED = 'iam.credentials'

export interface Credential {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly active: boolean
  /** Who a request signed with this key is. */
  readonly caller: Caller
}

export interface CredentialIndex {
  find(accessKeyId: string): Credential | undefined
  close(): Promise<void>
}

export async function loadCredentialIndex(database: Database, box: SecretBox, partition: string): Promise<CredentialIndex> {
  const credentials = new Map<string, Credential>()
  const put = (key: AccessKey) => credentials.set(key.accessKeyId, toCredential(key, box, partition))
  // Subscribe before the first load so a write between the two is not missed.
  const unsubscribe = await database.subscribe(CREDENTIALS_CHANGED, async (accessKeyId) => {
    const store = accountStore(database.db)
    if (accessKeyId === '*') {
      credentials.clear()
      for (const key of await store.listAccessKeys()) put(key)
      return
    }
    const key = await store.getAccessKey(accessKeyId)
    if (key) put(key)
    else credentials.delete(accessKeyId)
  })
  for (const key of await accountStore(database.db).listAccessKeys()) put(key)
  return {
    find: (accessKeyId) => credentials.get(accessKeyId),
    close: unsubscribe,
  }
}

// INVARIANT: only root keys exist until IAM users land (they need the user's path and AIDA id for the caller).
function toCredential(key: AccessKey, box: SecretBox, partition: string): Credential {
  if (key.userName !== undefined) throw new Error(`access key ${key.accessKeyId} belongs to a user; users are not stored yet`)
  const caller: Caller = { type: 'Root', arn: `arn:${partition}:iam::${key.accountId}:root`, accountId: key.accountId, userId: key.accountId, accessKeyId: key.accessKeyId }
  return {
    accessKeyId: key.accessKeyId,
    secretAccessKey: box.open(key.secretSealed, key.accessKeyId).toString('utf8'),
    active: key.status === 'Active',
    caller,
  }
}
