// ServerCertificateStore: the account's server certificates as rows of `iam_server_certificates` (private key sealed).
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { IamServerCertificateRow } from '../../storage/migrations/0009-iam-credentials.js'
import type { Db } from '../../storage/schema.js'
import { nameKey } from './iam-names.js'

export interface ServerCertificateRecord {
  readonly accountId: string
  /** ASCA… */
  readonly certificateId: string
  readonly name: string
  readonly path: string
  readonly body: string
  readonly chain?: string
  /** Sealed with the certificate id as context (see reseal-secrets.ts): the id survives a rename. */
  readonly privateKeySealed: string
  readonly expiresAt: Date
  readonly uploadedAt: Date
}

export function serverCertificateStore(db: Db) {
  const select = (accountId: string) => db.selectFrom('iam_server_certificates').selectAll().where('account_id', '=', accountId)
  return {
    async getByName(accountId: string, name: string): Promise<ServerCertificateRecord | undefined> {
      const row = await select(accountId).where('name_key', '=', nameKey(name)).executeTakeFirst()
      return row && toRecord(row)
    },

    /** In name order, as ListServerCertificates returns them. */
    async list(accountId: string): Promise<ServerCertificateRecord[]> {
      return (await select(accountId).orderBy('name_key').execute()).map(toRecord)
    },

    async count(accountId: string): Promise<number> {
      const row = await db.selectFrom('iam_server_certificates').select((eb) => eb.fn.countAll<number | string>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow()
      return Number(row.n)
    },

    /** DuplicateKeyError when the name (in any case) is taken in the account. */
    async insert(certificate: ServerCertificateRecord): Promise<void> {
      await db.insertInto('iam_server_certificates').values({
        account_id: certificate.accountId,
        certificate_id: certificate.certificateId,
        name_key: nameKey(certificate.name),
        name: certificate.name,
        path: certificate.path,
        body: certificate.body,
        chain: certificate.chain ?? null,
        private_key_sealed: certificate.privateKeySealed,
        expires_at: toDbTimestamp(certificate.expiresAt),
        uploaded_at: toDbTimestamp(certificate.uploadedAt),
      }).execute()
    },

    /** DuplicateKeyError when the new name (in any case) is taken in the account. */
    async rename(accountId: string, certificateId: string, next: { name: string; path: string }): Promise<void> {
      await db.updateTable('iam_server_certificates').set({ name: next.name, name_key: nameKey(next.name), path: next.path })
        .where('account_id', '=', accountId).where('certificate_id', '=', certificateId).execute()
    },

    async delete(accountId: string, certificateId: string): Promise<void> {
      await db.deleteFrom('iam_server_certificates').where('account_id', '=', accountId).where('certificate_id', '=', certificateId).execute()
    },
  }
}

function toRecord(row: IamServerCertificateRow): ServerCertificateRecord {
  return {
    accountId: row.account_id,
    certificateId: row.certificate_id,
    name: row.name,
    path: row.path,
    body: row.body,
    ...(row.chain !== null && { chain: row.chain }),
    privateKeySealed: row.private_key_sealed,
    expiresAt: fromDbTimestamp(row.expires_at),
    uploadedAt: fromDbTimestamp(row.uploaded_at),
  }
}
