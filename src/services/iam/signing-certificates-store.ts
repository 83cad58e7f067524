// SigningCertificateStore: X.509 signing certificates as rows of `iam_signing_certificates`, keyed by the owner's
// unique id (an IAM user's AIDA…, or the account id for the root user).
import type { statusType } from '../../generated/iam/types.js'
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { IamSigningCertificateRow } from '../../storage/migrations/0009-iam-credentials.js'
import type { Db } from '../../storage/schema.js'

export interface SigningCertificateRecord {
  readonly accountId: string
  readonly certificateId: string
  /** AIDA… for an IAM user; the account id for the root user. */
  readonly ownerId: string
  readonly body: string
  /** SHA-256 of the DER form, hex. */
  readonly derSha256: string
  readonly status: statusType
  readonly uploadedAt: Date
}

export function signingCertificateStore(db: Db) {
  const select = (accountId: string) => db.selectFrom('iam_signing_certificates').selectAll().where('account_id', '=', accountId)
  return {
    async get(accountId: string, certificateId: string): Promise<SigningCertificateRecord | undefined> {
      const row = await select(accountId).where('certificate_id', '=', certificateId).executeTakeFirst()
      return row && toRecord(row)
    },

    /** Any certificate of the account with this DER digest, whoever owns it. */
    async findByDigest(accountId: string, derSha256: string): Promise<SigningCertificateRecord | undefined> {
      const row = await select(accountId).where('der_sha256', '=', derSha256).executeTakeFirst()
      return row && toRecord(row)
    },

    /** The owner's certificates, oldest first. */
    async listFor(accountId: string, ownerId: string): Promise<SigningCertificateRecord[]> {
      return (await select(accountId).where('user_id', '=', ownerId).orderBy('uploaded_at').orderBy('certificate_id').execute()).map(toRecord)
    },

    async insert(certificate: SigningCertificateRecord): Promise<void> {
      await db.insertInto('iam_signing_certificates').values({
        account_id: certificate.accountId,
        certificate_id: certificate.certificateId,
        user_id: certificate.ownerId,
        body: certificate.body,
        der_sha256: certificate.derSha256,
        status: certificate.status,
        uploaded_at: toDbTimestamp(certificate.uploadedAt),
      }).execute()
    },

    async setStatus(accountId: string, certificateId: string, status: statusType): Promise<void> {
      await db.updateTable('iam_signing_certificates').set({ status }).where('account_id', '=', accountId).where('certificate_id', '=', certificateId).execute()
    },

    async delete(accountId: string, certificateId: string): Promise<void> {
      await db.deleteFrom('iam_signing_certificates').where('account_id', '=', accountId).where('certificate_id', '=', certificateId).execute()
    },
  }
}

function toRecord(row: IamSigningCertificateRow): SigningCertificateRecord {
  return {
    accountId: row.account_id,
    certificateId: row.certificate_id,
    ownerId: row.user_id,
    body: row.body,
    derSha256: row.der_sha256,
    status: row.status as statusType,
    uploadedAt: fromDbTimestamp(row.uploaded_at),
  }
}
