// ServiceCredentialStore: users' service-specific credentials as rows of `iam_service_credentials` (password hashed).
import type { statusType } from '../../generated/iam/types.js'
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { IamServiceCredentialRow } from '../../storage/migrations/0010-iam-service-credentials.js'
import type { Db } from '../../storage/schema.js'

export interface ServiceCredentialRecord {
  readonly accountId: string
  /** ACCA… */
  readonly credentialId: string
  /** The owner's unique id (AIDA…). */
  readonly userId: string
  readonly serviceName: string
  readonly serviceUserName: string
  readonly passwordHash: string
  readonly status: statusType
  readonly createdAt: Date
}

export function serviceCredentialStore(db: Db) {
  const select = (accountId: string) => db.selectFrom('iam_service_credentials').selectAll().where('account_id', '=', accountId)
  return {
    async get(accountId: string, credentialId: string): Promise<ServiceCredentialRecord | undefined> {
      const row = await select(accountId).where('credential_id', '=', credentialId).executeTakeFirst()
      return row && toRecord(row)
    },

    /** The user's credentials, oldest first. */
    async listFor(accountId: string, userId: string): Promise<ServiceCredentialRecord[]> {
      return (await select(accountId).where('user_id', '=', userId).orderBy('created_at').orderBy('credential_id').execute()).map(toRecord)
    },

    async insert(credential: ServiceCredentialRecord): Promise<void> {
      await db.insertInto('iam_service_credentials').values({
        account_id: credential.accountId,
        credential_id: credential.credentialId,
        user_id: credential.userId,
        service_name: credential.serviceName,
        service_user_name: credential.serviceUserName,
        password_hash: credential.passwordHash,
        status: credential.status,
        created_at: toDbTimestamp(credential.createdAt),
      }).execute()
    },

    async setStatus(accountId: string, credentialId: string, status: statusType): Promise<void> {
      await db.updateTable('iam_service_credentials').set({ status }).where('account_id', '=', accountId).where('credential_id', '=', credentialId).execute()
    },

    async setPasswordHash(accountId: string, credentialId: string, passwordHash: string): Promise<void> {
      await db.updateTable('iam_service_credentials').set({ password_hash: passwordHash }).where('account_id', '=', accountId).where('credential_id', '=', credentialId).execute()
    },

    async delete(accountId: string, credentialId: string): Promise<void> {
      await db.deleteFrom('iam_service_credentials').where('account_id', '=', accountId).where('credential_id', '=', credentialId).execute()
    },
  }
}

function toRecord(row: IamServiceCredentialRow): ServiceCredentialRecord {
  return {
    accountId: row.account_id,
    credentialId: row.credential_id,
    userId: row.user_id,
    serviceName: row.service_name,
    serviceUserName: row.service_user_name,
    passwordHash: row.password_hash,
    status: row.status as statusType,
    createdAt: fromDbTimestamp(row.created_at),
  }
}
