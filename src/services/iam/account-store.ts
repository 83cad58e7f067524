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
}

export interface AccountStore {
  getAccount(accountId: string): Promise<Account | undefined>
  insertAccount(account: Account): Promise<void>
  getAccessKey(accessKeyId: string): Promise<AccessKey | undefined>
  /** DuplicateKeyError when the id is taken, in any account. */
  insertAccessKey(key: AccessKey): Promise<void>
  listAccessKeys(): Promise<AccessKey[]>
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
  }
}

function toAccessKey(row: {
  account_id: string
  access_key_id: string
  user_name: string | null
  secret_sealed: string
  status: string
  created_at: string
}): AccessKey {
  return {
    accountId: row.account_id,
    accessKeyId: row.access_key_id,
    userName: row.user_name ?? undefined,
    secretSealed: row.secret_sealed,
    status: row.status as AccessKey['status'],
    createdAt: fromDbTimestamp(row.created_at),
  }
}
