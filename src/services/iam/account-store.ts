// AccountStore: accounts and access keys as rows, for bootstrap and for the credential index.
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { Db } from '../../storage/schema.js'

export interface Account {
  readonly accountId: string
  readonly name: string
  readonly email: string
  readonly status: 'ACTIVE' | 'SUSPENDED'
  readonly createdAt: Date
  readonly rootPasswordHash?: string
}

export interface AccessKey {
  readonly accountId: string
  readonly accessKeyId: string
  /** Undefined for the root user's keys. */
  readonly userName?: string
  readonly secretSealed: string
  readonly status: 'Active' | 'Inactive'
  readonly createdAt: Date
  /** Absent until a request signed with the key was accepted. */
  readonly lastUsed?: AccessKeyUse
}

/** When, with which service (its signing name) and in which region a key last signed an accepted request. */
export interface AccessKeyUse {
  readonly at: Date
  readonly service: string
  readonly region: string
}

export interface AccountStore {
  getAccount(accountId: string): Promise<Account | undefined>
  insertAccount(account: Account): Promise<void>
  getAccessKey(accessKeyId: string): Promise<AccessKey | undefined>
  /** DuplicateKeyError when the id is taken, in any account. */
  insertAccessKey(key: AccessKey): Promise<void>
  listAccessKeys(): Promise<AccessKey[]>
  /** One principal's keys, oldest first: a user's, or the root user's when `userName` is undefined. */
  listAccessKeysOf(accountId: string, userName: string | undefined): Promise<AccessKey[]>
  /** False when the account has no such key. */
  deleteAccessKey(accountId: string, accessKeyId: string): Promise<boolean>
  setAccessKeyStatus(accountId: string, accessKeyId: string, status: AccessKey['status']): Promise<void>
  /** Stores the latest use of each key, keeping a later one already stored. */
  recordAccessKeyUses(uses: readonly (readonly [accessKeyId: string, use: AccessKeyUse])[]): Promise<void>
}

export function accountStore(db: Db): AccountStore {
  return {
    async getAccount(accountId) {
      const row = await db.selectFrom('accounts').selectAll().where('account_id', '=', accountId).executeTakeFirst()
      if (!row) return undefined
      return {
        accountId: row.account_id,
        name: row.name,
        email: row.email,
        status: row.status as Account['status'],
        createdAt: fromDbTimestamp(row.created_at),
        rootPasswordHash: row.root_password_hash ?? undefined,
      }
    },
    async insertAccount(account) {
      await db
        .insertInto('accounts')
        .values({
          account_id: account.accountId,
          name: account.name,
          email: account.email,
          status: account.status,
          created_at: toDbTimestamp(account.createdAt),
          root_password_hash: account.rootPasswordHash ?? null,
        })
        .execute()
    },
    async getAccessKey(accessKeyId) {
      const row = await db.selectFrom('access_keys').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst()
      return row && toAccessKey(row)
    },
    async insertAccessKey(key) {
      await db
        .insertInto('access_keys')
        .values({
          account_id: key.accountId,
          access_key_id: key.accessKeyId,
          user_name: key.userName ?? null,
          secret_sealed: key.secretSealed,
          status: key.status,
          created_at: toDbTimestamp(key.createdAt),
          last_used_at: null,
          last_used_service: null,
          last_used_region: null,
        })
        .execute()
    },
    async listAccessKeys() {
      const rows = await db.selectFrom('access_keys').selectAll().execute()
      return rows.map(toAccessKey)
    },
    async listAccessKeysOf(accountId, userName) {
      let query = db.selectFrom('access_keys').selectAll().where('account_id', '=', accountId)
      query = userName === undefined ? query.where('user_name', 'is', null) : query.where('user_name', '=', userName)
      const rows = await query.orderBy('created_at').orderBy('access_key_id').execute()
      return rows.map(toAccessKey)
    },
    async deleteAccessKey(accountId, accessKeyId) {
      const result = await db.deleteFrom('access_keys').where('account_id', '=', accountId).where('access_key_id', '=', accessKeyId).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
    async setAccessKeyStatus(accountId, accessKeyId, status) {
      await db.updateTable('access_keys').set({ status }).where('account_id', '=', accountId).where('access_key_id', '=', accessKeyId).execute()
    },
    async recordAccessKeyUses(uses) {
      for (const [accessKeyId, use] of uses) {
        const at = toDbTimestamp(use.at)
        await db.updateTable('access_keys')
          .set({ last_used_at: at, last_used_service: use.service, last_used_region: use.region })
          .where('access_key_id', '=', accessKeyId)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
          .execute()
      }
    },
  }
}

function toAccessKey(row: {
  account_id: string
  access_key_id: string
  user_name: string | null
  secret_sealed: string
  status: string
  created_at: string
  last_used_at: string | null
  last_used_service: string | null
  last_used_region: string | null
}): AccessKey {
  return {
    accountId: row.account_id,
    accessKeyId: row.access_key_id,
    userName: row.user_name ?? undefined,
    secretSealed: row.secret_sealed,
    status: row.status as AccessKey['status'],
    createdAt: fromDbTimestamp(row.created_at),
    lastUsed: row.last_used_at === null
      ? undefined
      : { at: fromDbTimestamp(row.last_used_at), service: row.last_used_service ?? 'N/A', region: row.last_used_region ?? 'N/A' },
  }
}
