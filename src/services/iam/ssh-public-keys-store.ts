// SshPublicKeyStore: users' SSH public keys as rows of `iam_ssh_public_keys`, keyed by the user's unique id.
import type { statusType } from '../../generated/iam/types.js'
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { IamSshPublicKeyRow } from '../../storage/migrations/0009-iam-credentials.js'
import type { Db } from '../../storage/schema.js'

export interface SshPublicKeyRecord {
  readonly accountId: string
  /** APKA… */
  readonly keyId: string
  /** The owner's unique id (AIDA…): a renamed user keeps its keys. */
  readonly userId: string
  /** `ssh-rsa AAAA…` */
  readonly bodySsh: string
  readonly fingerprint: string
  /** As UpdateSSHPublicKey set it (the model's statusType). */
  readonly status: statusType
  readonly uploadedAt: Date
}

export function sshPublicKeyStore(db: Db) {
  const select = (accountId: string) => db.selectFrom('iam_ssh_public_keys').selectAll().where('account_id', '=', accountId)
  return {
    async get(accountId: string, keyId: string): Promise<SshPublicKeyRecord | undefined> {
      const row = await select(accountId).where('key_id', '=', keyId).executeTakeFirst()
      return row && toRecord(row)
    },

    /** The user's keys, oldest first. */
    async listFor(accountId: string, userId: string): Promise<SshPublicKeyRecord[]> {
      return (await select(accountId).where('user_id', '=', userId).orderBy('uploaded_at').orderBy('key_id').execute()).map(toRecord)
    },

    async insert(key: SshPublicKeyRecord): Promise<void> {
      await db.insertInto('iam_ssh_public_keys').values({
        account_id: key.accountId,
        key_id: key.keyId,
        user_id: key.userId,
        body_ssh: key.bodySsh,
        fingerprint: key.fingerprint,
        status: key.status,
        uploaded_at: toDbTimestamp(key.uploadedAt),
      }).execute()
    },

    async setStatus(accountId: string, keyId: string, status: statusType): Promise<void> {
      await db.updateTable('iam_ssh_public_keys').set({ status }).where('account_id', '=', accountId).where('key_id', '=', keyId).execute()
    },

    async delete(accountId: string, keyId: string): Promise<void> {
      await db.deleteFrom('iam_ssh_public_keys').where('account_id', '=', accountId).where('key_id', '=', keyId).execute()
    },
  }
}

function toRecord(row: IamSshPublicKeyRow): SshPublicKeyRecord {
  return {
    accountId: row.account_id,
    keyId: row.key_id,
    userId: row.user_id,
    bodySsh: row.body_ssh,
    fingerprint: row.fingerprint,
    status: row.status as statusType,
    uploadedAt: fromDbTimestamp(row.uploaded_at),
  }
}
